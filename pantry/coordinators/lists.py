"""Every long list a coordinator screen reads, by name, as the SELECT its rule builds for one page
(or one window of days, or one file). tests/test_list_plans.py asks PostgreSQL to EXPLAIN each
on a seeded database and fails on a sequential scan of a big table: so each list keeps the
index it needs. A new list query is one more line in LISTS."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from pantry import seek
from pantry.care import history as care_history
from pantry.clock import day_start, last_days
from pantry.coordinators import dashboard, exports, journal_pages, network, reports, rosters
from pantry.needs import asks
from pantry.outbox import queue
from pantry.reports import listing as report_listing
from pantry.seek import Seek
from pantry.shifts import listing as shift_listing
from pantry.shifts.views import SHIFTS_SHOWN
from pantry.sites import by_name
from pantry.stock import history, items

# The tables that grow with years of history: a list never reads one from end to end.
BIG_TABLES = {"movement", "reading", "care_record", "shift", "journal_entry", "report", "ask", "promise", "message"}


@dataclass(frozen=True)
class Sample:
    """The rows the lists are asked about: a site and, at it, an item, a movement, a shift, a report;
    a journal line and who wrote it; the moment and the zone; the site's neighbourhood."""

    site_id: int
    site_slug: str
    item_id: int
    movement_id: int
    journal_id: int
    coordinator_id: int
    shift_id: int
    report_id: int
    now: datetime
    zone: ZoneInfo
    neighbourhood: str = ""  # the site's

    @property
    def site(self):
        return SimpleNamespace(id=self.site_id, slug=self.site_slug)

    @property
    def days(self):
        return last_days(self.now, dashboard.DAYS)

    def export(self, table):
        today = self.now.astimezone(self.zone).date()
        start, end = day_start(today - timedelta(days=30), self.zone), day_start(today + timedelta(days=30), self.zone)
        return table(self.site, start, end, self.zone)[1]


def _ledger(where, filters):
    def build(sample):
        query = history.ledger_query(sample.site_id, sample.zone, **filters(sample))
        return seek.statement(query, history.LEDGER_ORDER, where(sample), 50)
    return build


def _journal(where, **chosen):
    def build(sample):
        query = journal_pages.journal_query(**{name: value(sample) for name, value in chosen.items()})
        return seek.statement(query, journal_pages.ORDER, where(sample), journal_pages.PAGE_SIZE)
    return build


def _week(where, site=False):
    def build(sample):
        first = sample.now.astimezone(sample.zone).date()
        query = shift_listing.week_query(first, sample.zone, sample.site_slug if site else None, rosters.WEEK_DAYS)
        return seek.statement(query, shift_listing.WEEK_ORDER, where(sample), rosters.SHIFTS_SHOWN)
    return build


def _open_shifts(where, near=False):
    def build(sample):
        query = shift_listing.open_query(sample.now, sample.now + timedelta(days=shift_listing.NETWORK_DAYS),
                                         neighbourhood=sample.neighbourhood if near else "")
        return seek.statement(query, shift_listing.OPEN_ORDER, where(sample), SHIFTS_SHOWN)
    return build


def _first(sample):
    return Seek()


def _no_filters(sample):
    return {}


LISTS = {
    # Sites, items: the network's shape, by name.
    "sites": lambda s: seek.statement(by_name.query(), by_name.ORDER, Seek(), network.SITES_PAGE),
    "sites, later in the alphabet": lambda s: seek.statement(
        by_name.query(), by_name.ORDER, Seek(older=s.site_id), network.SITES_PAGE),
    "items, later": lambda s: seek.statement(
        items.select_items(), items.ORDER, Seek(older=s.item_id), network.ITEMS_PAGE),
    # A site's ledger.
    "ledger": _ledger(_first, _no_filters),
    "ledger, older entries": _ledger(lambda s: Seek(older=s.movement_id), _no_filters),
    "ledger, newer entries": _ledger(lambda s: Seek(newer=s.movement_id), _no_filters),
    "ledger of one item and kind on some days": _ledger(lambda s: Seek(older=s.movement_id), lambda s: {
        "item_id": s.item_id, "kind": "restock", "first_day": s.now.date() - timedelta(days=30),
        "last_day": s.now.date()}),
    # The journal.
    "journal": _journal(_first),
    "journal, older lines": _journal(lambda s: Seek(older=s.journal_id)),
    "journal by one person": _journal(lambda s: Seek(older=s.journal_id), person_id=lambda s: s.coordinator_id),
    "journal at one site": _journal(_first, site_slug=lambda s: s.site_slug),
    "journal about one kind": _journal(_first, kind=lambda s: "site"),
    "journal as CSV": lambda s: journal_pages.journal_csv_query(),
    # A site's files.
    "export of movements": lambda s: s.export(exports.movements_table),
    "export of care records": lambda s: s.export(exports.care_table),
    "export of temperatures": lambda s: s.export(exports.temperatures_table),
    "export of sign-ups": lambda s: s.export(exports.sign_ups_table),
    # The dashboard, for one page of sites.
    "dashboard: added and taken": lambda s: history.flows_query([s.site_id], s.days),
    "dashboard: ran out": lambda s: history.window_query([s.site_id], s.days),
    "dashboard: cleaning": lambda s: care_history.cared_query([s.site_id], s.days),
    "dashboard: readings": lambda s: care_history.out_of_range_queries([s.site_id], s.days.start)[0],
    "dashboard: latest too warm": lambda s: care_history.out_of_range_queries([s.site_id], s.days.start)[1],
    "dashboard: places ahead": lambda s: shift_listing.places_query(
        s.now, s.now + timedelta(days=dashboard.DAYS), [s.site_id]),
    # Shifts: the week's rota, a site's shifts screen.
    "week's rota": _week(_first),
    "week's rota, later shifts": _week(lambda s: Seek(older=s.shift_id)),
    "week's rota at one site": _week(_first, site=True),
    "a site's coming shifts": lambda s: shift_listing.upcoming_query(
        s.now, s.now + timedelta(days=14), [s.site_id]),
    # The public list of shifts that need people, across the network (/shifts).
    "open shifts": _open_shifts(_first),
    "open shifts, later": _open_shifts(lambda s: Seek(older=s.shift_id)),
    "open shifts, sooner": _open_shifts(lambda s: Seek(newer=s.shift_id)),
    "open shifts in a neighbourhood, later": _open_shifts(lambda s: Seek(older=s.shift_id), near=True),
    # Reports, suggestions.
    "open reports": lambda s: seek.statement(
        report_listing.network_open_query(), report_listing.OPEN_ORDER, Seek(), reports.REPORTS_SHOWN),
    "open reports, older": lambda s: seek.statement(
        report_listing.network_open_query(), report_listing.OPEN_ORDER, Seek(older=s.report_id),
        reports.REPORTS_SHOWN),
    "a site's reports": lambda s: report_listing.site_history_query(s.site_id),
    "open reports counted": lambda s: report_listing.open_count_query(),
    "undelivered messages counted (the home screen)": lambda s: queue.dead_count_query(),
    "suggestions": lambda s: asks.open_suggestions_query(s.now - timedelta(days=7)),
}
