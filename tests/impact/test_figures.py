"""Must show: the impact report's numbers equal those recomputed from the CSV exports of the same
range, on the demo network and on ledgers that hypothesis makes up."""
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from pantry.database import writer
from pantry.impact.figures import Range, figures
from pantry.sites.models import Site
from pantry.stock import ledger
from pantry.stock.errors import LedgerError
from pantry.stock.models import Item, Movement
from tests import demo_once
from tests.conftest import NOW, key
from tests.impact.exports import comparable, from_exports


def test_the_demo_networks_figures_are_its_exports_summed(request, session):
    """The demo at NOW as its load wrote it (tests/demo_once.py); the admin who exports comes after."""
    demo_once.load(session, NOW, "NOW")
    admin = request.getfixturevalue("admin")
    sites = session.scalars(select(Site).order_by(Site.id)).all()
    today = NOW.date()
    for within in [Range(today - timedelta(days=30), today), Range(today - timedelta(days=9), today - timedelta(days=3))]:
        found, network = figures(session, sites, within)
        total = None
        for site in sites:
            recomputed = from_exports(admin, site, within.first, within.last)
            assert comparable(found[site.id]) == comparable(recomputed), site.slug
            total = recomputed if total is None else (total.add(recomputed) or total)
        assert comparable(network) == comparable(total)
    whole = figures(session, sites, Range(today - timedelta(days=30), today))[1]
    assert whole.taken > 100 and whole.grams > 0 and whole.taken_without_weight > 0
    assert whole.visits > 5 and whole.readings > 5 and whole.discarded["past_date"] > 0


START = datetime(2026, 11, 10, 5, 0, tzinfo=UTC)
steps = st.lists(st.tuples(
    st.sampled_from(["restock", "take", "discard", "transfer", "correct"]),
    st.integers(0, 1), st.integers(0, 2), st.integers(1, 6),
    st.sampled_from([None, "past_date", "warm", "damaged"]),
    st.integers(0, 12 * 24 * 60),  # minutes after START: twelve days, across local midnights
), max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, first=st.integers(0, 11), length=st.integers(0, 11))
def test_any_ledgers_figures_are_its_exports_summed(admin, session, steps, first, length):
    sites, items = _network(session)
    for kind, site, item, quantity, reason, minutes in sorted(steps, key=lambda step: step[-1]):
        _play(session, kind, sites, site, items[item], quantity, reason, START + timedelta(minutes=minutes))
    within = Range(date(2026, 11, 10) + timedelta(days=first), date(2026, 11, 10) + timedelta(days=first + length))
    found, _ = figures(session, sites, within)
    for site in sites:
        assert comparable(found[site.id]) == comparable(from_exports(admin, site, within.first, within.last))


def test_a_site_that_sends_and_receives_an_item_in_the_range_counts_both_ways(admin, session):
    """A site's transfers out and in are counted apart, as the movements export lists them, not
    netted: the van brought 2 milk to Alpha and took 5 away the same day, so Alpha sent 5 and
    received 2 (not sent 3), and the network's sent and received are the same 7."""
    (alpha, beta), (milk, *_) = _network(session)
    ledger.restock(session, alpha.id, milk.id, 6, key(), START, best_before=date(2026, 11, 20))
    ledger.restock(session, beta.id, milk.id, 4, key(), START, best_before=date(2026, 11, 21))
    ledger.transfer(session, beta.id, alpha.id, milk.id, 2, key(), START + timedelta(hours=2))
    ledger.transfer(session, alpha.id, beta.id, milk.id, 5, key(), START + timedelta(hours=3))
    session.commit()
    within = Range(date(2026, 11, 10), date(2026, 11, 10))
    found, network = figures(session, [alpha, beta], within)
    assert (found[alpha.id].sent, found[alpha.id].received) == (5, 2)
    assert (found[beta.id].sent, found[beta.id].received) == (2, 5)
    assert (network.sent, network.received) == (7, 7)
    for site in (alpha, beta):
        assert comparable(found[site.id]) == comparable(from_exports(admin, site, within.first, within.last))


def _network(session):
    sites = session.scalars(select(Site).order_by(Site.id)).all()
    if not sites:
        sites = [Site(name=name, slug=name.lower()) for name in ("Alpha", "Beta")]
        session.add_all(sites)
        session.add_all([Item(name="Milk", category="dairy", typical_grams=1030, keep_cold=True),
                         Item(name="Beans", category="canned", typical_grams=425), Item(name="Soap", category="hygiene")])
        session.commit()
    return sites, session.scalars(select(Item).order_by(Item.id)).all()


def _play(session, kind, sites, site, item, quantity, reason, at):
    here, there = sites[site].id, sites[1 - site].id
    try:
        if kind == "restock":
            ledger.restock(session, here, item.id, quantity, key(), at, best_before=at.date() + timedelta(days=quantity))
        elif kind == "take":
            ledger.take(session, here, item.id, quantity, key(), at)
        elif kind == "discard":
            ledger.discard(session, here, item.id, quantity, key(), at, reason=reason)
        elif kind == "transfer":
            ledger.transfer(session, here, there, item.id, quantity, key(), at, confirmed=True)
        else:
            latest = session.scalar(select(Movement.id).where(Movement.kind != "correction").order_by(Movement.id.desc()))
            if latest is not None:
                ledger.correct(session, latest, key(), at)
        session.commit()
    except LedgerError:
        session.rollback()


def test_asks_of_the_range_and_the_promises_its_days_kept_are_counted(session, make_site, make_item):
    """Issue 17 point 1, "asks and promises kept": by the ask's moment and the promise's local
    day; a cancelled or lapsed promise is not counted anywhere (nobody is blamed)."""
    from pantry.needs import asks, promises

    fridge, other, milk = make_site("Corner Fridge"), make_site("Library Shelf"), make_item("Milk 1 L")
    today = date(2026, 11, 20)  # NOW's day in New York

    def promised(quantity, day, now=NOW, token=None):
        made = key()
        return promises.promise(session, fridge.id, milk.id, quantity, day, made,
                                token or promises.manage_token("s", made), now, 50)

    with writer():
        asks.ask(session, fridge.id, key(), NOW, item_id=milk.id)
        asks.ask(session, fridge.id, key(), NOW - timedelta(days=3), item_id=milk.id)
        asks.ask(session, fridge.id, key(), NOW - timedelta(days=40), item_id=milk.id)  # before the range
        asks.ask(session, other.id, key(), NOW, name="Diapers size 5")
        kept, partly = promised(2, today), promised(3, today)
        promised(1, today - timedelta(days=1), now=NOW - timedelta(days=1))  # lapsed: its day ended unkept
        promised(4, today, token="cancelled-promise-token")
        promises.cancel_promise(session, "cancelled-promise-token", NOW)
        ledger.restock(session, fridge.id, milk.id, 4, key(), NOW + timedelta(minutes=5))
        session.commit()
    found, network = figures(session, [fridge, other], Range(today - timedelta(days=29), today))
    session.refresh(kept), session.refresh(partly)
    assert (kept.kept, partly.brought) == (True, 2)
    assert (found[fridge.id].asks, found[other.id].asks, network.asks) == (2, 1, 3)
    assert (found[fridge.id].promises_kept, found[fridge.id].brought_as_promised) == (1, 4)
    assert (network.promises_kept, network.brought_as_promised) == (1, 4)
