"""The coordinators' long lists, a page at a time (pantry.seek): each page function called directly
(the first page, the next, the last, past the end, an empty list), ties in the order kept apart by
the id, and the seek arguments a link may carry."""
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from pantry import journal
from pantry.coordinators.journal_pages import lines
from pantry.coordinators.paging import BAD_PAGE, requested
from pantry.reports import listing as reports
from pantry.reports.models import Report
from pantry.seek import Page, Seek, argument
from pantry.shifts import listing, planning
from pantry.sites.by_name import sites_page
from pantry.stock import history, items, ledger
from tests.conftest import NOW, key

ZONE = ZoneInfo("America/New_York")


def walk(read, size):
    """Every page from the first, following `older`: [(rows, older, newer)], then the page past the end."""
    pages, where = [], Seek()
    while True:
        found = read(where, size)
        pages.append(found)
        if found.older is None:
            return pages
        where = Seek(older=found.older)


@pytest.mark.parametrize("text, expected", [
    ("12", 12), ("1", 1), (str(2**63 - 1), 2**63 - 1), ("0", None), ("-1", None), ("abc", None), ("", None),
    ("１２", None), (str(2**63), None), ("9" * 30, None), (" 12", None), (None, None),
])
def test_a_page_argument_is_a_row_id_or_nothing(text, expected):
    assert argument(text) == expected


@pytest.mark.parametrize("args, expected", [
    ({}, (Seek(), None)),
    ({"older": "7"}, (Seek(older=7), None)),
    ({"newer": "7"}, (Seek(newer=7), None)),
    ({"older": "7", "newer": "8"}, (Seek(), BAD_PAGE)),
    ({"older": "x"}, (Seek(), BAD_PAGE)),
    ({"newer": ""}, (Seek(), BAD_PAGE)),
])
def test_a_screen_reads_the_page_its_link_asks_for(args, expected):
    assert requested(args) == expected


def test_sites_page_by_name_then_id(session, make_site):
    assert sites_page(session, Seek(), 2) == Page()  # no sites yet
    made = [make_site(name, slug=slug) for name, slug in
            [("Elm", "elm"), ("Ash", "ash"), ("Cedar", "cedar-2"), ("Birch", "birch"), ("Cedar", "cedar-1")]]
    session.commit()
    ash, birch, cedar, cedar_too, elm = made[1], made[3], made[2], made[4], made[0]  # two Cedars: by id
    first, second, last = walk(lambda where, size: sites_page(session, where, size), 2)
    assert (first.rows, first.newer, first.older) == ([ash, birch], None, birch.id)
    assert (second.rows, second.newer, second.older) == ([cedar, cedar_too], cedar.id, cedar_too.id)
    assert (last.rows, last.newer, last.older) == ([elm], elm.id, None)
    # Back from a page: the rows before its first, in the list's order, linking on both ways.
    back = sites_page(session, Seek(newer=cedar.id), 2)
    assert (back.rows, back.newer, back.older) == ([ash, birch], None, birch.id)
    middle = sites_page(session, Seek(newer=elm.id), 2)
    assert (middle.rows, middle.newer, middle.older) == ([cedar, cedar_too], cedar.id, cedar_too.id)
    # Past either end: nothing, and no link (the screen offers the first page).
    assert sites_page(session, Seek(older=elm.id), 2) == Page()
    assert sites_page(session, Seek(newer=ash.id), 2) == Page()


def test_the_ledger_pages_newest_first_and_keeps_its_filters(session, fridge, beans, make_item, make_site):
    milk, elsewhere = make_item("Milk 1 L", "dairy"), make_site("Library Shelf")
    assert history.site_ledger(session, fridge.id, ZONE, Seek(), 2) == Page()
    same = NOW - timedelta(hours=1)  # three entries at one moment: the newest id first
    moves = [ledger.restock(session, fridge.id, beans.id, 5, key(), NOW - timedelta(days=2)),
             ledger.restock(session, fridge.id, milk.id, 5, key(), same),
             ledger.take(session, fridge.id, beans.id, 1, key(), same),
             ledger.take(session, fridge.id, milk.id, 1, key(), same),
             ledger.take(session, fridge.id, beans.id, 1, key(), NOW)]
    ledger.restock(session, elsewhere.id, beans.id, 5, key(), NOW)
    session.commit()
    ids = [move.id for move in moves]
    pages = walk(lambda where, size: history.site_ledger(session, fridge.id, ZONE, where, size), 2)
    assert [[move.id for move in page] for page in pages] == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]
    assert [(page.newer, page.older) for page in pages] == [(None, ids[3]), (ids[2], ids[1]), (ids[0], None)]
    back = history.site_ledger(session, fridge.id, ZONE, Seek(newer=ids[2]), 2)
    assert [move.id for move in back] == [ids[4], ids[3]] and back.newer is None
    beans_only = walk(lambda where, size: history.site_ledger(session, fridge.id, ZONE, where, size,
                                                              item_id=beans.id), 1)
    assert [[move.id for move in page] for page in beans_only] == [[ids[4]], [ids[2]], [ids[0]]]
    assert history.site_ledger(session, fridge.id, ZONE, Seek(older=ids[0]), 2) == Page()


def test_the_journal_pages_newest_first(session, coordinator, fridge):
    assert lines(session, Seek(), 2) == Page()
    written = [journal.record(session, coordinator, "site.changed", str(number), {}, {"n": number},
                              NOW + timedelta(minutes=number // 2), site=fridge) for number in range(5)]
    session.commit()
    ids = [line.id for line in written]
    pages = walk(lambda where, size: lines(session, where, size), 2)
    assert [[line.id for line in page] for page in pages] == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]
    by_kind = lines(session, Seek(older=ids[3]), 2, kind="label")
    assert by_kind == Page()
    at_site = lines(session, Seek(older=ids[3]), 5, site_slug=fridge.slug, person_id=coordinator.id)
    assert [line.id for line in at_site] == [ids[2], ids[1], ids[0]] and at_site.older is None


def test_the_items_page_by_category_then_name(session, make_item):
    assert items.items_page(session, Seek(), 2) == Page()
    made = [make_item(name, category) for name, category in
            [("Rice", "dry"), ("Milk", "dairy"), ("Beans", "canned"), ("Eggs", "dairy"), ("Pasta", "dry")]]
    session.commit()
    rice, milk, beans, eggs, pasta = made
    pages = walk(lambda where, size: items.items_page(session, where, size), 2)
    assert [page.rows for page in pages] == [[beans, eggs], [milk, pasta], [rice]]


def test_the_weeks_rota_pages_its_shifts_and_the_days_they_cover(session, fridge, make_site):
    other = make_site("Library Shelf")
    first = date(2026, 11, 23)
    assert listing.week(session, first, ZONE, Seek(), 2)[1] == Page()

    def add(site, day, hour):
        return planning.add_shift(session, site, "cleaning", first + timedelta(days=day), time(hour), time(hour, 30),
                                  2, NOW - timedelta(days=30), ZONE)

    shifts = [add(fridge, 0, 9), add(other, 0, 9), add(fridge, 2, 9), add(fridge, 6, 18)]
    session.commit()
    by_day, page = listing.week(session, first, ZONE, Seek(), 2)
    assert page.rows == shifts[:2] and page.older == shifts[1].id
    assert list(by_day) == [first]  # the days this page covers: the first, up to its last shift's
    by_day, page = listing.week(session, first, ZONE, Seek(older=page.older), 2)
    assert page.rows == shifts[2:] and page.older is None and page.newer == shifts[2].id
    assert list(by_day) == [first + timedelta(days=day) for day in range(2, 7)]
    assert by_day[first + timedelta(days=2)] == [shifts[2]] and by_day[first + timedelta(days=3)] == []
    by_day, page = listing.week(session, first, ZONE, Seek(older=shifts[3].id), 2)
    assert (page, by_day) == (Page(), {})
    _, only = listing.week(session, first, ZONE, Seek(), 5, other.slug)
    assert only.rows == [shifts[1]]


def test_the_open_reports_page_the_latest_first(app, session, fridge, make_site):
    ages = reports.Ages.from_config(app.config)
    assert reports.network_open(session, NOW, ages, Seek(), 2) == Page()
    shelf = make_site("Library Shelf")
    made = [session.execute(insert(Report).values(site_id=site.id, kind=kind, people=1, last_reported_at=moment,
                                                  first_reported_at=moment, closed_at=closed).returning(Report.id))
            .scalar_one() for site, kind, moment, closed in [
                (fridge, "dirty", NOW - timedelta(days=3), None), (fridge, "empty", NOW, None),
                (shelf, "dirty", NOW - timedelta(days=1), None), (shelf, "broken", NOW, NOW)]]
    session.commit()
    pages = walk(lambda where, size: reports.network_open(session, NOW, ages, where, size), 2)
    assert [[shown.report.id for shown in page] for page in pages] == [[made[1], made[2]], [made[0]]]
    assert pages[1].newer == made[0]
