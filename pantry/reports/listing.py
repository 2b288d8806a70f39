"""Reading reports back: the open ones of some sites (as the public pages show them), every open
one in the network with its history (for coordinators), and a site's recent reports."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from pantry import seek
from pantry.reports.models import Report, ReportEntry

SITE_HISTORY = 50  # the most recent reports a site's coordinator page lists


@dataclass(frozen=True)
class Ages:
    """When an open report with nothing new "may be out of date", and when public pages drop it."""

    stale: timedelta
    dropped: timedelta

    @classmethod
    def from_config(cls, config):
        return cls(timedelta(days=config["REPORT_STALE_DAYS"]), timedelta(days=config["REPORT_DROP_DAYS"]))


@dataclass(frozen=True)
class Shown:
    report: Report
    stale: bool


def open_reports(session, site_ids, now, ages):
    """For each of `site_ids`, its open reports still shown in public, the latest first, each
    with whether it may be out of date. One query however many sites."""
    found = {site_id: [] for site_id in site_ids}
    if not site_ids:
        return found
    query = (
        select(Report)
        .where(Report.site_id.in_(site_ids), Report.closed_at.is_(None), Report.last_reported_at >= now - ages.dropped)
        .order_by(Report.last_reported_at.desc(), Report.id.desc())
    )
    for report in session.scalars(query):
        found[report.site_id].append(Shown(report, now - report.last_reported_at > ages.stale))
    return found


OPEN_ORDER = seek.Order((Report.last_reported_at, Report.id), descending=True)  # the latest first


def network_open_query():
    """The network's open reports with their sites, entries and photos' sizes, in no order yet."""
    return (
        select(Report).where(Report.closed_at.is_(None))
        .options(selectinload(Report.site), selectinload(Report.entries).selectinload(ReportEntry.photo))
    )


def network_open(session, now, ages, where, size):
    """A page (a seek.Page of Shown) of the open reports in the network, the latest first, along
    the open reports' (last_reported_at, id) index."""
    found = seek.page(session, network_open_query(), OPEN_ORDER, where, size)
    found.rows = [Shown(report, now - report.last_reported_at > ages.stale) for report in found.rows]
    return found


def site_history(session, site_id, now, ages):
    """A site's latest reports, open or closed, with their entries."""
    return [Shown(report, report.closed_at is None and now - report.last_reported_at > ages.stale)
            for report in session.scalars(site_history_query(site_id))]


def site_history_query(site_id):
    return (
        select(Report).where(Report.site_id == site_id)
        .order_by(Report.last_reported_at.desc(), Report.id.desc()).limit(SITE_HISTORY)
        .options(selectinload(Report.entries).selectinload(ReportEntry.photo))
    )


def open_count(session):
    return session.scalar(open_count_query())


def open_count_query():
    return select(func.count()).select_from(Report).where(Report.closed_at.is_(None))


def version(session, site_id=None):
    """What a cached public page must see change: the latest report entry, and how many are open."""
    return session.execute(select(*version_columns(site_id))).one()


def version_columns(site_id=None):
    """`version` as scalar subqueries (`site_id` may be a column to correlate), for a caller
    that asks them in its own query."""
    entries = select(func.max(ReportEntry.id))
    still_open = select(func.count()).select_from(Report).where(Report.closed_at.is_(None))
    if site_id is not None:
        entries = entries.join(Report).where(Report.site_id == site_id)
        still_open = still_open.where(Report.site_id == site_id)
    return entries.scalar_subquery(), still_open.scalar_subquery()
