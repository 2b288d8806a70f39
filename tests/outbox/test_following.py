"""Following a site by mail: the form, double opt-in, choices, the window, the one-click
unsubscribe, the purge of the unconfirmed, digests and late drop-outs. Rules without HTTP where
they can be, the pages through the test client."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pantry.clock import deployment_zone
from pantry.coordinators.models import Coordinator
from pantry.outbox import followers, letters
from pantry.outbox.models import Follower, Message, News
from pantry.outbox.news import announce
from pantry.shifts import signups
from pantry.shifts.models import Shift
from pantry.stock import ledger
from pantry.stock.models import Stock
from tests.conftest import NOW, csrf_token, key

SECRET = "test-secret"


def add_shift(session, site, hours_ahead, capacity=2):
    starts_at = NOW + timedelta(hours=hours_ahead)
    shift = Shift(site=site, kind="cleaning", day=starts_at.astimezone(deployment_zone()).date(), starts_at=starts_at,
                  ends_at=starts_at + timedelta(minutes=30), capacity=capacity, taken=0, updated_at=NOW)
    session.add(shift)
    session.commit()
    return shift


def take_place(session, shift, name):
    """A sign-up and its private link's token."""
    idempotency = key()
    token = signups.manage_token(SECRET, idempotency)
    place = signups.sign_up(session, shift.id, name, None, None, True, idempotency, token, NOW - timedelta(hours=1))
    session.commit()
    return place, token


def count(session, model, *where):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def follow_form(client, slug="corner-fridge", **fields):
    page = client.get(f"/sites/{slug}/follow")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.text), "email": "nell@example.org", "kinds": ["needs", "warm"], "how": "now",
            "hour": "18", **fields}
    return client.post(f"/sites/{slug}/follow", data=data)


def test_the_form_asks_for_a_confirmation_and_sends_nothing_else(client, session, fridge):
    answer = follow_form(client)
    assert answer.status_code == 303 and answer.headers["Location"] == "/sites/corner-fridge/follow/sent"
    assert "Check your mail" in client.get(answer.headers["Location"]).text
    [follower] = session.scalars(select(Follower)).all()
    assert (follower.email, follower.kinds, follower.confirmed_at) == ("nell@example.org", ["needs", "warm"], None)
    assert session.scalars(select(Message.letter)).all() == ["follow-confirm"]
    announce(session, fridge, "warm", {}, NOW, key="warm:1")
    session.commit()
    assert session.scalars(select(Message.letter)).all() == ["follow-confirm"]  # unconfirmed: nothing
    assert follow_form(client).status_code == 303  # asked again the same hour: no second mail
    assert count(session, Follower) == 1 and count(session, Message) == 1


@pytest.mark.parametrize("fields, says", [
    ({"email": "not an address"}, "Enter one email address"),
    ({"email": "a@example.org, b@example.org"}, "Enter one email address"),
    ({"email": "a@example.org b@example.org"}, "Enter one email address"),
    ({"email": ""}, "Enter one email address"),
    ({"kinds": []}, "Choose at least one kind of news"),
    ({"kinds": ["needs", "gossip"]}, "Choose at least one kind of news"),
    ({"how": "digest", "hour": "25"}, "Choose an hour between 0 and 23"),
])
def test_bad_input_is_refused_in_words_and_nothing_is_written(client, session, fridge, fields, says):
    answer = follow_form(client, **fields)
    assert answer.status_code == 422
    assert says in answer.text
    assert count(session, Follower) == 0 and count(session, Message) == 0


def test_the_form_speaks_spanish(client, session, fridge):
    client.set_cookie("lang", "es")
    answer = follow_form(client, email="dos@example.org, tres@example.org")
    assert answer.status_code == 422 and 'lang="es"' in answer.text
    assert "Enter one email address" not in answer.text


def confirm_link(app, follower):
    return followers.token(app.secret_key, follower, followers.CONFIRM)


def test_confirming_is_a_button_and_a_used_or_wrong_link_is_refused(app, client, session, fridge):
    follow_form(client)
    follower = session.scalar(select(Follower))
    link = f"/follow/confirm/{confirm_link(app, follower)}"
    page = client.get(link)
    assert page.status_code == 200 and follower.confirmed_at is None  # a mail scanner's GET confirms nothing
    done = client.post(link, data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 200 and "You follow Corner Fridge" in done.text
    session.expire_all()
    assert session.get(Follower, follower.id).confirmed_at is not None
    assert client.get(link).status_code == 409
    assert client.post(link, data={"csrf_token": csrf_token(page.text)}).status_code == 409
    assert client.get(link[:-3] + "abc").status_code == 404
    assert client.get("/follow/confirm/nonsense").status_code == 404
    manage = re.search(r'href="(/follow/[^"]+)"', done.text).group(1)
    assert client.get(manage).status_code == 200


def test_one_message_per_follower_per_kind_in_the_window(session, fridge, make_follower):
    follower = make_follower("nell@example.org", kinds=["warm", "needs"])
    for minutes in (0, 10, 50):  # warm and cold ten times an hour: one mail
        announce(session, fridge, "warm", {}, NOW + timedelta(minutes=minutes), key=f"warm:{minutes}")
    announce(session, fridge, "needs", {"item": "Milk"}, NOW, key="needs:1")  # another kind: its own
    announce(session, fridge, "warm", {}, NOW + timedelta(minutes=70), key="warm:70")  # the window passed
    announce(session, fridge, "warm", {}, NOW + timedelta(minutes=80), key="warm:70")  # the same event again
    session.commit()
    topics = session.scalars(select(Message.topic).where(Message.recipient == f"follower:{follower.id}")
                             .order_by(Message.id)).all()
    assert topics == ["warm", "needs", "warm"]
    assert count(session, News) == 5


def test_kinds_not_chosen_and_other_sites_say_nothing(session, fridge, make_site, make_follower):
    other = make_site("Library Pantry", kind="pantry")
    make_follower("nell@example.org", kinds=["needs"])
    make_follower("otto@example.org", kinds=["warm"], site=other)
    announce(session, fridge, "warm", {}, NOW, key="warm:1")
    session.commit()
    assert count(session, Message) == 0


def test_one_click_unsubscribe_forgets_the_follower_and_what_waited_for_them(app, client, session, fridge,
                                                                            make_follower):
    follower = make_follower("nell@example.org")
    announce(session, fridge, "warm", {}, NOW, key="warm:1")
    session.commit()
    link = followers.token(app.secret_key, follower, followers.MANAGE)
    # RFC 8058: the mail client POSTs this body, with no cookie and no token of ours.
    answer = client.post(f"/follow/{link}/unsubscribe", data="List-Unsubscribe=One-Click",
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200 and "address is forgotten" in answer.text
    assert count(session, Follower) == 0 and count(session, Message) == 0
    assert client.post(f"/follow/{link}/unsubscribe", data="List-Unsubscribe=One-Click").status_code == 404
    assert client.get(f"/follow/{link}").status_code == 404


def test_the_choices_change_from_the_private_link(app, client, session, fridge, make_follower):
    follower = make_follower("nell@example.org", kinds=["warm"])
    link = f"/follow/{followers.token(app.secret_key, follower, followers.MANAGE)}"
    page = client.get(link)
    assert page.status_code == 200 and "nell@example.org" not in page.text
    saved = client.post(link, data={"csrf_token": csrf_token(page.text), "kinds": ["needs", "shifts"],
                                    "how": "digest", "hour": "7"})
    assert saved.status_code == 200 and "Your choices are saved." in saved.text
    session.expire_all()
    changed = session.get(Follower, follower.id)
    assert (changed.kinds, changed.digest_hour) == (["needs", "shifts"], 7)
    refused = client.post(link, data={"csrf_token": csrf_token(page.text), "how": "now"})
    assert refused.status_code == 422 and "Choose at least one kind" in refused.text


def test_the_unconfirmed_are_purged_after_two_days(session, fridge, make_follower):
    make_follower("waiting@example.org", confirmed=False)
    make_follower("kept@example.org")
    assert followers.purge_unconfirmed(session, NOW + timedelta(hours=46)) == 0
    assert followers.purge_unconfirmed(session, NOW + timedelta(hours=50)) == 1
    session.commit()
    assert session.scalars(select(Follower.email)).all() == ["kept@example.org"]


def test_a_daily_digest_at_the_chosen_hour(app, session, fridge, make_follower):
    zone = deployment_zone()
    hour = (NOW + timedelta(hours=3)).astimezone(zone).hour
    follower = make_follower("nell@example.org", kinds=["warm", "needs"], digest_hour=hour)
    announce(session, fridge, "warm", {}, NOW, key="warm:1")
    announce(session, fridge, "needs", {"item": "Milk"}, NOW + timedelta(minutes=5), key="needs:1")
    announce(session, fridge, "overdue", {}, NOW + timedelta(minutes=6), key="overdue:1")  # not chosen
    assert count(session, Message) == 0  # nothing as it happens
    assert letters.digests_due(session, NOW + timedelta(hours=2), zone) == 0  # not the hour yet
    assert letters.digests_due(session, NOW + timedelta(hours=3), zone) == 1
    assert letters.digests_due(session, NOW + timedelta(hours=3, minutes=10), zone) == 0  # once a day
    session.commit()
    [digest] = session.scalars(select(Message).where(Message.recipient == f"follower:{follower.id}")).all()
    assert digest.letter == "digest" and len(digest.payload["news"]) == 2


def test_a_take_that_empties_an_item_on_the_needs_list_is_news(session, fridge, make_item, make_follower):
    follower = make_follower("nell@example.org", kinds=["needs"])
    milk, beans = make_item("Milk 1 L", "dairy", "carton"), make_item()
    session.add_all([Stock(site_id=fridge.id, item_id=milk.id, quantity=0, target=6),
                     Stock(site_id=fridge.id, item_id=beans.id, quantity=0)])  # beans: no target
    session.flush()
    for item in (milk, beans):
        ledger.restock(session, fridge.id, item.id, 3, key(), NOW)
    ledger.take(session, fridge.id, milk.id, 2, key(), NOW)  # one left: not news
    ledger.take(session, fridge.id, beans.id, 3, key(), NOW)  # emptied, but nobody keeps a target of it
    assert count(session, News) == 0
    emptied = ledger.take(session, fridge.id, milk.id, 1, key(), NOW)
    ledger.take(session, fridge.id, milk.id, 1, key(), NOW)  # taken from an empty shelf: no news again
    session.commit()
    [news] = session.scalars(select(News)).all()
    assert (news.kind, news.key, news.payload) == ("needs", f"needs:{emptied.id}", {"item": "Milk 1 L"})
    assert session.scalars(select(Message.recipient)).all() == [f"follower:{follower.id}"]


def test_a_late_drop_out_that_leaves_a_shift_short_tells_followers_and_coordinators(session, fridge, make_follower):
    session.add(Coordinator(email="ada@example.org", password_hash="x"))
    follower = make_follower("nell@example.org", kinds=["shifts"])
    make_follower("otto@example.org", kinds=["needs"])
    soon, later = (add_shift(session, fridge, hours) for hours in (10, 30))
    places = {shift.id: [take_place(session, shift, name) for name in ("Ana", "Bo")] for shift in (soon, later)}
    signups.cancel_sign_up(session, places[later.id][0][1], NOW, notice=timedelta(hours=2))  # 30 hours ahead: time to find someone
    assert count(session, News) == 0
    signups.cancel_sign_up(session, places[soon.id][0][1], NOW, notice=timedelta(hours=2))  # 10 hours ahead, and now short
    session.commit()
    [news] = session.scalars(select(News)).all()
    assert news.kind == "shifts" and news.payload["late"] and news.payload["path"] == f"/shifts/{soon.id}"
    ada = session.scalar(select(Coordinator))
    assert sorted(session.scalars(select(Message.recipient))) == sorted([f"follower:{follower.id}",
                                                                        f"coordinator:{ada.id}"])
