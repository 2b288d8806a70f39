"""Finding shifts: what is coming up at a site, the next one, those that still need people, and a week's rota."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from pantry import seek
from pantry.clock import day_start, local_day
from pantry.shifts.models import Shift, SignUp
from pantry.sites.models import Site

LONGEST_SHOWN_NAME = 30
NETWORK_DAYS = 14  # "shifts that need people" looks this far ahead, on the page and in the API


def upcoming(session, now, until, site_ids=None):
    """Shifts not cancelled that end after `now` and start before `until`, soonest first."""
    return session.scalars(upcoming_query(now, until, site_ids)).all()


def upcoming_query(now, until, site_ids=None):
    query = (
        select(Shift)
        .where(Shift.cancelled_at.is_(None), Shift.ends_at > now, Shift.starts_at < until)
        .order_by(Shift.starts_at, Shift.id)
    )
    if site_ids is not None:
        query = query.where(Shift.site_id.in_(site_ids))
    return query


def needing_people(session, now, until, site_ids=None):
    """Shifts with open places that have not started, soonest first, then emptiest."""
    shifts = [s for s in upcoming(session, now, until, site_ids) if s.open_places and s.starts_at > now]
    return sorted(shifts, key=lambda s: (s.starts_at, s.taken / s.capacity, s.id))


def state(shift, now, cutoff=timedelta(0)):
    """Where a shift stands for someone who would sign up: "cancelled", "over", "started",
    "closed" (sign-ups close `cutoff` before the start), "full" or "open"."""
    if shift.cancelled:
        return "cancelled"
    if shift.ends_at <= now:
        return "over"
    if shift.starts_at <= now:
        return "started"
    if now > shift.starts_at - cutoff:
        return "closed"
    if not shift.open_places:
        return "full"
    return "open"


def open_for_sign_up(session, now, until, cutoff=timedelta(0), site_ids=None):
    """The shifts that take a sign-up now (not those past the cut-off), soonest first, then emptiest."""
    return [shift for shift in needing_people(session, now, until, site_ids) if state(shift, now, cutoff) == "open"]


OPEN_ORDER = seek.Order((Shift.starts_at, Shift.id))  # soonest first, along ix_shift_starts


def open_query(now, until, cutoff=timedelta(0), neighbourhood=""):
    """The shifts `state` calls "open" (not cancelled, a place free, starting after the cut-off)
    that start before `until`, across the network or at the sites in `neighbourhood`, in no order
    yet (OPEN_ORDER pages it)."""
    query = select(Shift).where(
        Shift.cancelled_at.is_(None), Shift.taken < Shift.capacity,
        Shift.starts_at > now, Shift.starts_at >= now + cutoff, Shift.starts_at < until,
    )
    if neighbourhood:
        query = query.where(Shift.site_id.in_(select(Site.id).where(Site.neighbourhood == neighbourhood)))
    return query


def open_page(session, now, until, cutoff, where, size, neighbourhood=""):
    """One page of the open shifts (a seek.Page), soonest first; within the page, shifts that start
    together come emptiest first. A page costs what it shows, however many shifts there are."""
    found = seek.page(session, open_query(now, until, cutoff, neighbourhood), OPEN_ORDER, where, size)
    found.rows.sort(key=lambda shift: (shift.starts_at, shift.taken / shift.capacity, shift.id))
    return found


@dataclass(frozen=True)
class Places:
    """The places on a site's shifts over some days: how many there are and how many are taken."""

    shifts: int
    places: int
    taken: int
    nobody: int  # shifts with no one signed up yet

    @property
    def open(self):
        return self.places - self.taken


def places_ahead(session, now, until, site_ids):
    """Per site, the places on the shifts not cancelled that start between `now` and `until`."""
    found = {site_id: Places(0, 0, 0, 0) for site_id in site_ids}
    for site_id, *counts in session.execute(places_query(now, until, site_ids)):
        found[site_id] = Places(*(int(count) for count in counts))
    return found


def places_query(now, until, site_ids):
    return (
        select(Shift.site_id, func.count(), func.sum(Shift.capacity), func.sum(Shift.taken),
               func.sum(case((Shift.taken == 0, 1), else_=0)))
        .where(Shift.site_id.in_(site_ids), Shift.cancelled_at.is_(None),
               Shift.starts_at >= now, Shift.starts_at < until)
        .group_by(Shift.site_id)
    )


def next_shift(session, site_id, now):
    """The next shift at the site that has not ended, or None."""
    query = (
        select(Shift)
        .where(Shift.site_id == site_id, Shift.cancelled_at.is_(None), Shift.ends_at > now)
        .order_by(Shift.starts_at)
        .limit(1)
    )
    return session.scalars(query).first()


def feed(session, site_id, now, cancelled_since):
    """A site's calendar feed: every shift not yet over, and the shifts cancelled since
    `cancelled_since`, so that subscribed calendars see the cancellation."""
    query = (
        select(Shift)
        .where(
            Shift.site_id == site_id,
            or_(
                and_(Shift.cancelled_at.is_(None), Shift.ends_at > now),
                Shift.cancelled_at >= cancelled_since,
            ),
        )
        .order_by(Shift.starts_at, Shift.id)
    )
    return session.scalars(query).all()


def shown_names(session, shift_ids):
    """The first names volunteers chose to show, per shift id, in sign-up order.

    Only a first name, and never one that looks like an address or a number: a
    volunteer who typed an email or a phone into the name field does not see it published."""
    names = {shift_id: [] for shift_id in shift_ids}
    if not names:
        return names
    query = (
        select(SignUp.shift_id, SignUp.name)
        .where(SignUp.shift_id.in_(names), SignUp.cancelled_at.is_(None), SignUp.show_name.is_(True))
        .order_by(SignUp.id)
    )
    for shift_id, name in session.execute(query):
        first = public_first_name(name)
        if first:
            names[shift_id].append(first)
    return names


def public_first_name(name):
    words = name.split()
    if not words:
        return ""
    first = words[0]
    if "@" in first or any(character.isdigit() for character in first):
        return ""
    if len(first) > LONGEST_SHOWN_NAME:
        return first[: LONGEST_SHOWN_NAME - 1] + "…"
    return first


WEEK_ORDER = seek.Order((Shift.starts_at, Shift.id))  # soonest first


def week_query(first, zone, site_slug=None, days=7):
    """The shifts, cancelled ones too, that start in the `days` local days from `first`, at every
    site or at the one with `site_slug`, their sign-ups loaded, in no order yet (WEEK_ORDER pages it)."""
    query = (
        select(Shift)
        .where(Shift.starts_at >= day_start(first, zone), Shift.starts_at < day_start(first + timedelta(days=days), zone))
        .options(selectinload(Shift.sign_ups))
    )
    if site_slug:
        query = query.join(Site, Shift.site_id == Site.id).where(Site.slug == site_slug)
    return query


def week(session, first, zone, where, size, site_slug=None, days=7):
    """A page of the week's rota: ({local day: its shifts on this page, soonest first}, the seek.Page).
    The days are those the page covers: from `first` (or the day of its first shift, when pages
    come before it) to the last day (or the day of its last shift, when pages follow it)."""
    found = seek.page(session, week_query(first, zone, site_slug, days), WEEK_ORDER, where, size)
    last = first + timedelta(days=days - 1)
    start = local_day(found.rows[0].starts_at, zone) if found.newer else first
    end = local_day(found.rows[-1].starts_at, zone) if found.older else last
    if not found and (where.older or where.newer):
        start, end = last + timedelta(days=1), last  # past either end: no days
    by_day = {start + timedelta(days=offset): [] for offset in range((end - start).days + 1)}
    for shift in found:
        by_day[local_day(shift.starts_at, zone)].append(shift)
    return by_day, found
