"""How the sites were looked after in the last few days: their readings, the days with a
care record, and the readings that were out of range. Each read goes along a (site_id, time)
index, so it costs what those days hold, never the years before."""
from dataclasses import dataclass

from sqlalchemy import case, func, select

from pantry.care.models import CareRecord, Reading

MOST_READINGS = 1000  # on one chart: far more than a fortnight of visits


def readings_since(session, site_id, since):
    """The site's readings since `since`, oldest first (the newest MOST_READINGS at most)."""
    newest = (
        select(Reading).where(Reading.site_id == site_id, Reading.taken_at >= since)
        .order_by(Reading.taken_at.desc(), Reading.id.desc()).limit(MOST_READINGS)
    )
    return list(reversed(session.scalars(newest).all()))


def cared_days(session, site_ids, days):
    """For each site, the numbers of the `days` (0 is the oldest) with at least one care record."""
    found = {site_id: set() for site_id in site_ids}
    if not found:
        return found
    for site_id, day in session.execute(cared_query(site_ids, days)):
        found[site_id].add(day)
    return found


def cared_query(site_ids, days):
    """(site id, day number) for each day of `days` with a care record at the site."""
    cared = (
        select(CareRecord.site_id, days.number(CareRecord.created_at).label("day"))
        .where(CareRecord.site_id.in_(site_ids), CareRecord.created_at >= days.start,
               CareRecord.created_at < days.end)
        .subquery()
    )
    return select(cared.c.site_id, cared.c.day).distinct()


@dataclass
class OutOfRange:
    counts: dict  # site id -> (readings too warm, all readings)
    latest: list  # the newest readings that were too warm, newest first

    @property
    def too_warm(self):
        return sum(warm for warm, _ in self.counts.values())


def out_of_range(session, site_ids, since, latest=10):
    """How many readings since `since` were too warm (judged against the limit of their day), per site."""
    if not site_ids:
        return OutOfRange({}, [])
    counting, newest = out_of_range_queries(site_ids, since, latest)
    counts = {site_id: (int(warm), every) for site_id, every, warm in session.execute(counting)}
    return OutOfRange(counts, list(session.scalars(newest).all()))


def out_of_range_queries(site_ids, since, latest=10):
    """The readings per site since `since` with those too warm, and the `latest` too warm."""
    window = (Reading.site_id.in_(site_ids), Reading.taken_at >= since)
    counting = (
        select(Reading.site_id, func.count(), func.sum(case((Reading.in_range.is_(False), 1), else_=0)))
        .where(*window).group_by(Reading.site_id)
    )
    newest = (select(Reading).where(*window, Reading.in_range.is_(False))
              .order_by(Reading.taken_at.desc(), Reading.id.desc()).limit(latest))
    return counting, newest
