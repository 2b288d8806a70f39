"""A site's ledger as coordinators read it, asked without HTTP: narrowed by item, kind and the
deployment's local days, a page at a time."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from pantry import seek
from pantry.stock import history, ledger
from tests.conftest import key

NEW_YORK = ZoneInfo("America/New_York")


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def milk(make_item):
    return make_item("Milk 1 L", "dairy", "carton")


@pytest.fixture
def moves(session, fridge, beans, milk, make_site):
    """Entries on either side of midnight in New York (05:00 UTC in November), and one elsewhere."""
    elsewhere = make_site("Library Pantry")
    made = [
        ledger.restock(session, fridge.id, beans.id, 6, key(), at("2026-11-19T12:00")),
        ledger.restock(session, fridge.id, milk.id, 4, key(), at("2026-11-20T03:00")),  # 19 Nov, 22:00 local
        ledger.take(session, fridge.id, beans.id, 2, key(), at("2026-11-20T06:00")),  # 20 Nov, 01:00 local
        ledger.take(session, fridge.id, milk.id, 1, key(), at("2026-11-21T15:00")),
        ledger.restock(session, elsewhere.id, beans.id, 9, key(), at("2026-11-20T10:00")),
    ]
    session.commit()
    return made


FIRST_PAGE = seek.Seek()


def listed(session, fridge, where=FIRST_PAGE, size=10, **filters):
    """The page's rows, and whether older ones follow it."""
    found = history.site_ledger(session, fridge.id, NEW_YORK, where, size, **filters)
    return found.rows, found.older is not None


def test_the_sites_entries_newest_first(session, fridge, moves):
    assert listed(session, fridge) == ([moves[3], moves[2], moves[1], moves[0]], False)


def test_narrowed_by_item_and_kind(session, fridge, beans, milk, moves):
    assert listed(session, fridge, item_id=beans.id)[0] == [moves[2], moves[0]]
    assert listed(session, fridge, kind="take")[0] == [moves[3], moves[2]]
    assert listed(session, fridge, item_id=milk.id, kind="restock")[0] == [moves[1]]


def test_the_days_are_the_zones_both_ends_included(session, fridge, moves):
    assert listed(session, fridge, first_day=date(2026, 11, 20))[0] == [moves[3], moves[2]]
    assert listed(session, fridge, last_day=date(2026, 11, 19))[0] == [moves[1], moves[0]]
    assert listed(session, fridge, first_day=date(2026, 11, 20), last_day=date(2026, 11, 20))[0] == [moves[2]]
    assert listed(session, fridge, first_day=date(2026, 11, 22))[0] == []


def test_a_page_at_a_time(session, fridge, moves):
    first = history.site_ledger(session, fridge.id, NEW_YORK, seek.Seek(), 3)
    assert (first.rows, first.older, first.newer) == ([moves[3], moves[2], moves[1]], moves[1].id, None)
    assert listed(session, fridge, seek.Seek(older=first.older), size=3) == ([moves[0]], False)
    assert listed(session, fridge, seek.Seek(newer=moves[0].id), size=3)[0] == [moves[3], moves[2], moves[1]]
