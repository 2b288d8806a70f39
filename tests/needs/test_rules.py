"""The rules of asks and promises, without HTTP: what counts, for how long, what a restock keeps."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pantry.database import writer
from pantry.needs import asks, listing, promises
from pantry.needs.errors import (
    BadDay,
    BadEmail,
    BadName,
    BadQuantity,
    ContactInName,
    KeyReused,
    PromiseClosed,
    UnknownPromise,
    UnknownSuggestion,
)
from pantry.needs.models import Ask, Promise, Suggestion
from pantry.stock import ledger
from pantry.stock.errors import UnknownItem, UnknownSite
from pantry.stock.models import Movement
from tests.conftest import NOW, key

TODAY = date(2026, 11, 20)  # NOW's day in New York
MOST = 50


def needs_of(session, fridge, now=NOW):
    return {need.item.name: need for need in listing.site_needs(session, fridge.site.id, now, 7)}


def promise(session, fridge, quantity, day=TODAY, item=None, now=NOW, **extra):
    made_key = extra.pop("made_key", key())
    with writer():
        made = promises.promise(session, fridge.site.id, (item or fridge.milk).id, quantity, day, made_key,
                                promises.manage_token("s", made_key), now, MOST, **extra)
        session.commit()
    return made


def restock(session, fridge, quantity, now=NOW, item=None):
    with writer():
        ledger.restock(session, fridge.site.id, (item or fridge.milk).id, quantity, key(), now)
        session.commit()


def test_an_ask_for_an_item_at_its_target_raises_it_to_the_top(session, fridge):
    assert [need.item.name for need in listing.site_needs(session, fridge.site.id, NOW, 7)] == ["Milk 1 L"]
    asks.ask(session, fridge.site.id, key(), NOW, item_id=fridge.beans.id)
    shown = listing.site_needs(session, fridge.site.id, NOW, 7)
    assert [(need.item.name, need.asks) for need in shown] == [("Canned beans", 1), ("Milk 1 L", 0)]


def test_asks_count_for_the_window_only(session, fridge):
    asks.ask(session, fridge.site.id, key(), NOW - timedelta(days=8), item_id=fridge.milk.id)
    asks.ask(session, fridge.site.id, key(), NOW - timedelta(days=6), item_id=fridge.milk.id)
    assert needs_of(session, fridge)["Milk 1 L"].asks == 1


def test_the_same_key_counts_once_and_another_payload_is_refused(session, fridge):
    sent = key()
    first = asks.ask(session, fridge.site.id, sent, NOW, item_id=fridge.milk.id)
    assert asks.ask(session, fridge.site.id, sent, NOW, item_id=fridge.milk.id).id == first.id
    with pytest.raises(KeyReused):
        asks.ask(session, fridge.site.id, sent, NOW, item_id=fridge.beans.id)
    assert session.scalar(select(func.count(Ask.id))) == 1


def test_a_typed_name_is_a_suggestion_until_it_becomes_an_item(session, fridge, make_item):
    asks.ask(session, fridge.site.id, key(), NOW, name="Diapers  size 5")
    asks.ask(session, fridge.site.id, key(), NOW, name="diapers size 5")
    assert "Diapers size 5" not in str([need.item.name for need in listing.site_needs(session, fridge.site.id, NOW, 7)])
    [(suggestion, count)] = asks.open_suggestions(session, NOW - timedelta(days=7))
    assert (suggestion.name, count) == ("Diapers size 5", 2)
    diapers = make_item("Diapers size 5", "baby", "pack")
    asks.make_item(session, suggestion.id, diapers.id, NOW)
    assert needs_of(session, fridge)["Diapers size 5"].asks == 2
    asks.ask(session, fridge.site.id, key(), NOW, name="DIAPERS SIZE 5")  # now the item's name
    assert needs_of(session, fridge)["Diapers size 5"].asks == 3
    with pytest.raises(UnknownSuggestion):
        asks.dismiss(session, suggestion.id, NOW)


def test_a_typed_name_that_is_an_items_name_counts_for_the_item(session, fridge):
    made = asks.ask(session, fridge.site.id, key(), NOW, name="milk 1 l")
    assert (made.item_id, made.suggestion_id) == (fridge.milk.id, None)


def test_a_dismissed_suggestion_leaves_the_list(session, fridge):
    asks.ask(session, fridge.site.id, key(), NOW, name="Oat milk")
    suggestion = session.scalar(select(Suggestion))
    asks.dismiss(session, suggestion.id, NOW)
    assert asks.open_suggestions(session, NOW - timedelta(days=7)) == []


@pytest.mark.parametrize("name, refusal", [
    ("", BadName), ("   ", BadName), ("x" * 61, BadName), ("milk\x00", BadName), ("rice\x1b[31m", BadName),
    ("call me ana@example.com", ContactInName), ("917 555 0123", ContactInName), ("+1 (212) 555-0199", ContactInName),
])
def test_bad_typed_names_are_refused_and_nothing_is_written(session, fridge, name, refusal):
    with pytest.raises(refusal):
        asks.ask(session, fridge.site.id, key(), NOW, name=name)
    assert session.scalar(select(func.count(Ask.id))) == 0


def test_an_unknown_site_or_item_is_refused(session, fridge):
    with pytest.raises(UnknownSite):
        asks.ask(session, 999_999, key(), NOW, item_id=fridge.milk.id)
    with pytest.raises(UnknownItem):
        asks.ask(session, fridge.site.id, key(), NOW, item_id=2**40)


def test_promises_show_on_the_needs_list_by_day(session, fridge):
    promise(session, fridge, 6, TODAY + timedelta(days=1))
    promise(session, fridge, 2, TODAY)
    need = needs_of(session, fridge)["Milk 1 L"]
    assert need.promised_by_day == {TODAY: 2, TODAY + timedelta(days=1): 6}
    assert (need.shortfall, need.promised, need.still_needed, need.more_than_needed) == (10, 8, 2, False)


def test_more_than_needed_may_be_promised_and_is_said(session, fridge):
    promise(session, fridge, 8)
    promise(session, fridge, 5)
    need = needs_of(session, fridge)["Milk 1 L"]
    assert (need.promised, need.still_needed, need.more_than_needed) == (13, 0, True)
    assert not need.wanted  # what promises cover goes last


@pytest.mark.parametrize("quantity, day, refusal", [
    (0, TODAY, BadQuantity), (-1, TODAY, BadQuantity), (MOST + 1, TODAY, BadQuantity), ("2", TODAY, BadQuantity),
    (1, TODAY - timedelta(days=1), BadDay), (1, TODAY + timedelta(days=8), BadDay), (1, None, BadDay),
])
def test_bad_promises_are_refused_and_nothing_is_written(session, fridge, quantity, day, refusal):
    with pytest.raises(refusal):
        promise(session, fridge, quantity, day)
    assert session.scalar(select(func.count(Promise.id))) == 0


@pytest.mark.parametrize("email", ["not an email", "a@b", "x" * 250 + "@example.com", "a b@example.com"])
def test_a_bad_email_is_refused(session, fridge, email):
    with pytest.raises(BadEmail):
        promise(session, fridge, 1, email=email)


def test_a_promise_key_replayed_with_other_details_is_refused(session, fridge):
    sent = key()
    first = promise(session, fridge, 3, made_key=sent)
    assert promise(session, fridge, 3, made_key=sent).id == first.id
    with pytest.raises(KeyReused):
        promise(session, fridge, 4, made_key=sent)


def test_a_restock_keeps_the_oldest_promises_of_its_day_up_to_its_quantity(session, fridge):
    first = promise(session, fridge, 4, now=NOW - timedelta(hours=3))
    second = promise(session, fridge, 4, now=NOW - timedelta(hours=2))
    tomorrow = promise(session, fridge, 4, TODAY + timedelta(days=1))
    restock(session, fridge, 6)
    for made in (first, second, tomorrow):
        session.refresh(made)
    assert (first.brought, first.kept, second.brought, second.kept, tomorrow.brought) == (4, True, 2, False, 0)
    assert needs_of(session, fridge)["Milk 1 L"].promised_by_day == {TODAY: 2, TODAY + timedelta(days=1): 4}
    restock(session, fridge, 5)
    session.refresh(second)
    assert second.kept and second.brought == 4


def test_a_restock_of_another_item_or_site_keeps_nothing(session, fridge, make_site):
    made = promise(session, fridge, 2)
    restock(session, fridge, 6, item=fridge.beans)
    other = make_site("Other Fridge")
    with writer():
        ledger.restock(session, other.id, fridge.milk.id, 5, key(), NOW)
        session.commit()
    session.refresh(made)
    assert made.brought == 0 and not made.kept


def test_a_promise_lapses_at_the_end_of_its_day_and_is_no_longer_counted(session, fridge):
    made = promise(session, fridge, 3)
    next_day = NOW + timedelta(days=1)
    restock(session, fridge, 3, now=next_day)  # too late: the promise lapsed at midnight
    session.refresh(made)
    assert made.state(TODAY + timedelta(days=1)) == "lapsed" and made.brought == 0
    assert needs_of(session, fridge, next_day)["Milk 1 L"].promised == 0


def test_a_promise_is_changed_and_cancelled_by_its_link(session, fridge):
    sent = key()
    promise(session, fridge, 3, made_key=sent)
    token = promises.manage_token("s", sent)
    with writer():
        promises.change_promise(session, token, 5, TODAY + timedelta(days=2), NOW, MOST)
        session.commit()
    assert needs_of(session, fridge)["Milk 1 L"].promised_by_day == {TODAY + timedelta(days=2): 5}
    with writer():
        promises.cancel_promise(session, token, NOW)
        session.commit()
    assert needs_of(session, fridge)["Milk 1 L"].promised == 0
    with pytest.raises(PromiseClosed):
        promises.cancel_promise(session, token, NOW)
    with pytest.raises(UnknownPromise):
        promises.cancel_promise(session, "0" * 40, NOW)


def test_a_change_never_goes_below_what_was_brought(session, fridge):
    sent = key()
    promise(session, fridge, 5, made_key=sent)
    restock(session, fridge, 3)
    with pytest.raises(BadQuantity):
        promises.change_promise(session, promises.manage_token("s", sent), 2, TODAY, NOW, MOST)


def test_emails_are_purged_after_the_day(session, fridge):
    made = promise(session, fridge, 1, email="Donor@Example.org")
    assert made.email == "donor@example.org"
    assert promises.purge_contacts(session, NOW + timedelta(days=29), timedelta(days=30)) == 0
    assert promises.purge_contacts(session, NOW + timedelta(days=32), timedelta(days=30)) == 1
    session.refresh(made)
    assert made.email is None


def test_a_donor_is_mailed_the_link_once_and_a_reminder_the_evening_before(app, session, fridge):
    from pantry.needs import mails
    made = promise(session, fridge, 2, TODAY + timedelta(days=1), email="bea@example.org")
    assert mails.due(session, NOW) == [(made.id, "link")]  # 10:00 in New York: not yet evening
    evening = NOW + timedelta(hours=9)  # 19:00 in New York, the day before
    assert mails.due(session, evening) == [(made.id, "link"), (made.id, "reminder")]
    assert mails.send(app.config, "s", session, evening) == (2, 0)
    assert mails.send(app.config, "s", session, evening) == (0, 0)
    assert mails.claim(session, made.id, "link", evening) is False
    to, subject, body = mails.compose(app.config, "s", made, "reminder")
    assert to == "bea@example.org" and promises.manage_token("s", made.idempotency_key) in body


def restocked(session, fridge, quantity, now=NOW):
    with writer():
        movement = ledger.restock(session, fridge.site.id, fridge.milk.id, quantity, key(), now)
        session.commit()
    return movement


def states(session, today, *made):
    for one in made:
        session.refresh(one)
    return [(one.brought, one.state(today)) for one in made]


def test_an_undone_restock_opens_again_the_promise_it_kept(session, fridge):
    made = promise(session, fridge, 4, now=NOW - timedelta(hours=1))
    brought = restocked(session, fridge, 4)
    assert states(session, TODAY, made) == [(4, "kept")]
    with writer():
        ledger.undo(session, brought.id, key(), NOW + timedelta(minutes=2), window=timedelta(minutes=5))
        session.commit()
    assert states(session, TODAY, made) == [(0, "open")]
    assert made.kept_at is None
    assert needs_of(session, fridge)["Milk 1 L"].promised_by_day == {TODAY: 4}
    restocked(session, fridge, 4, NOW + timedelta(minutes=3))  # the milk that really came keeps it
    assert states(session, TODAY, made) == [(4, "kept")]


def test_a_restock_corrected_after_its_day_leaves_the_promise_to_lapse(session, fridge):
    made = promise(session, fridge, 3, now=NOW - timedelta(hours=1))
    brought = restocked(session, fridge, 3)
    with writer():
        ledger.correct(session, brought.id, key(), NOW + timedelta(days=1))
        session.commit()
    assert states(session, TODAY + timedelta(days=1), made) == [(0, "lapsed")]


def test_a_corrected_restock_takes_back_only_what_it_brought(session, fridge):
    first = promise(session, fridge, 4, now=NOW - timedelta(hours=3))
    second = promise(session, fridge, 4, now=NOW - timedelta(hours=2))
    six = restocked(session, fridge, 6)  # 4 to the first, 2 to the second
    restocked(session, fridge, 2, NOW + timedelta(minutes=1))  # the second's last 2
    assert states(session, TODAY, first, second) == [(4, "kept"), (4, "kept")]
    with writer():
        ledger.correct(session, six.id, key(), NOW + timedelta(hours=1))
        session.commit()
    assert states(session, TODAY, first, second) == [(0, "open"), (2, "open")]
    with writer():  # the same correction again answers as the first time and takes back nothing more
        sent = session.scalar(select(Movement.idempotency_key).where(Movement.corrects_id == six.id))
        ledger.correct(session, six.id, sent, NOW + timedelta(hours=1))
        session.commit()
    assert states(session, TODAY, first, second) == [(0, "open"), (2, "open")]


def test_a_correction_of_a_take_or_of_a_restock_that_kept_nothing_leaves_promises_alone(session, fridge):
    early = restocked(session, fridge, 5, NOW - timedelta(hours=2))  # before the promise was made
    made = promise(session, fridge, 2, now=NOW - timedelta(hours=1))
    restocked(session, fridge, 2)
    with writer():
        taken = ledger.take(session, fridge.site.id, fridge.milk.id, 1, key(), NOW + timedelta(minutes=1))
        ledger.correct(session, taken.id, key(), NOW + timedelta(minutes=2))
        ledger.correct(session, early.id, key(), NOW + timedelta(minutes=3))
        session.commit()
    assert states(session, TODAY, made) == [(2, "kept")]
