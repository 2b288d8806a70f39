"""Finding shifts: what is coming up at a site, the next one, and those that still need people."""
from sqlalchemy import select

from pantry.shifts.models import Shift


def upcoming(session, now, until, site_ids=None):
    """Shifts not cancelled that end after `now` and start before `until`, soonest first."""
    query = (
        select(Shift)
        .where(Shift.cancelled_at.is_(None), Shift.ends_at > now, Shift.starts_at < until)
        .order_by(Shift.starts_at, Shift.id)
    )
    if site_ids is not None:
        query = query.where(Shift.site_id.in_(site_ids))
    return session.scalars(query).all()


def needing_people(session, now, until, site_ids=None):
    """Shifts with open places that have not started, soonest first, then emptiest."""
    shifts = [s for s in upcoming(session, now, until, site_ids) if s.open_places and s.starts_at > now]
    return sorted(shifts, key=lambda s: (s.starts_at, s.taken / s.capacity, s.id))


def next_shift(session, site_id, now):
    """The next shift at the site that has not ended, or None."""
    query = (
        select(Shift)
        .where(Shift.site_id == site_id, Shift.cancelled_at.is_(None), Shift.ends_at > now)
        .order_by(Shift.starts_at)
        .limit(1)
    )
    return session.scalars(query).first()
