"""Turning weekly patterns into concrete shifts, and changing or cancelling them.

Days and times of a pattern are the site's wall-clock times: a 09:00 shift stays at 09:00
across a daylight-saving change, because each day's start is placed in the zone on its own."""
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pantry import outbox
from pantry.shifts.errors import BadPattern, ShiftInThePast
from pantry.shifts.models import SHIFT_KINDS, Shift, ShiftPattern

WEEKS_AHEAD = 8


@dataclass
class Plan:
    """What saving a pattern did: shifts made, shifts changed, and those left alone
    because people have signed up for them."""

    pattern: ShiftPattern
    made: int = 0
    changed: int = 0
    left_alone: list = field(default_factory=list)


def check_pattern(kind, weekdays, starts_at, ends_at, capacity, first_day, last_day):
    if kind not in SHIFT_KINDS:
        raise BadPattern(_l("Choose what the shift is for."))
    if not weekdays or not 0 < weekdays < 128:
        raise BadPattern(_l("Choose at least one day of the week."))
    if ends_at <= starts_at:
        raise BadPattern(_l("The shift must end after it starts."))
    if not isinstance(capacity, int) or capacity < 1:
        raise BadPattern(_l("A shift needs at least one place."))
    if last_day is not None and last_day < first_day:
        raise BadPattern(_l("The pattern cannot end before it starts."))


def save_pattern(session, site, now, zone, pattern=None, weeks=WEEKS_AHEAD, **fields):
    """Create or change a pattern, then bring its future shifts in line with it and make
    those of the coming `weeks`."""
    check_pattern(**fields)
    if pattern is None:
        pattern = ShiftPattern(site=site, created_at=now)
        session.add(pattern)
    for name, value in fields.items():
        setattr(pattern, name, value)
    session.flush()
    plan = Plan(pattern)
    _align_future_shifts(session, pattern, plan, now, zone)
    plan.made = make_shifts(session, now, zone, weeks=weeks, patterns=[pattern])
    return plan


def end_pattern(session, pattern, last_day, now, zone, weeks=WEEKS_AHEAD):
    """Stop a pattern after `last_day`: its later shifts without sign-ups are cancelled."""
    fields = {name: getattr(pattern, name) for name in
              ("kind", "weekdays", "starts_at", "ends_at", "capacity", "first_day")}
    return save_pattern(session, pattern.site, now, zone, pattern=pattern, weeks=weeks, last_day=last_day, **fields)


def make_shifts(session, now, zone, weeks=WEEKS_AHEAD, patterns=None):
    """Make the shifts of the coming `weeks` that do not exist yet. Safe to run again and
    again, and at the same time: a shift is one row per pattern and day."""
    today = now.astimezone(zone).date()
    horizon = today + timedelta(weeks=weeks)
    if patterns is None:
        patterns = session.scalars(
            select(ShiftPattern).where((ShiftPattern.last_day.is_(None)) | (ShiftPattern.last_day >= today))
        ).all()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    made = 0
    for pattern in patterns:
        day = max(pattern.first_day, today)
        last = min(pattern.last_day or horizon, horizon)
        rows = []
        while day <= last:
            starts_at, ends_at = place(day, pattern.starts_at, pattern.ends_at, zone)
            if pattern.on(day) and starts_at > now:
                rows.append(dict(
                    site_id=pattern.site_id, pattern_id=pattern.id, kind=pattern.kind, day=day,
                    starts_at=starts_at, ends_at=ends_at, capacity=pattern.capacity,
                    taken=0, sequence=0, updated_at=now,
                ))
            day += timedelta(days=1)
        statement = (
            insert(Shift.__table__)
            .on_conflict_do_nothing(index_elements=["pattern_id", "day"])
            .returning(Shift.__table__.c.id)
        )
        for row in rows:
            made += len(session.connection().execute(statement, row).all())
    session.flush()
    return made


def add_shift(session, site, kind, day, starts_at, ends_at, capacity, now, zone):
    """A one-off shift, outside any pattern."""
    check_pattern(kind, 1, starts_at, ends_at, capacity, day, None)
    start, end = place(day, starts_at, ends_at, zone)
    if start <= now:
        raise ShiftInThePast(_l("A new shift must start in the future."))
    shift = Shift(site=site, kind=kind, day=day, starts_at=start, ends_at=end,
                  capacity=capacity, taken=0, updated_at=now)
    session.add(shift)
    session.flush()
    return shift


def cancel_shift(session, shift, now):
    """Cancel a shift that has not started, and queue a mail to each of its volunteers who gave an
    address (in the outbox, with the cancellation). Returns the sign-ups whose people are told."""
    if shift.cancelled_at is None and shift.starts_at <= now:
        raise ShiftInThePast(_l("This shift has already started, so it can no longer be cancelled."))
    if shift.cancelled_at is None:
        shift.cancelled_at = now
        shift.sequence += 1
        shift.updated_at = now
        session.flush()
    places = [sign_up for sign_up in shift.sign_ups if sign_up.cancelled_at is None]
    for place in places:
        if place.email:
            outbox.post(session, f"sign-up:{place.id}", f"shift-cancelled:{shift.id}", "shift-cancelled", now)
    return places


def mark_done(session, shift, now):
    """A visit did the shift's work (pantry.care.rules.record_care): it is done, from the first such visit on."""
    if shift.done_at is None:
        shift.done_at = now
        session.flush()
    return shift


def place(day, starts_at, ends_at, zone):
    """A local day and wall-clock times, as UTC instants."""
    start = datetime.combine(day, starts_at, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day, ends_at, tzinfo=zone).astimezone(UTC)
    return start, end


def _align_future_shifts(session, pattern, plan, now, zone):
    future = session.scalars(
        select(Shift).where(Shift.pattern_id == pattern.id, Shift.starts_at > now, Shift.cancelled_at.is_(None))
    ).all()
    for shift in future:
        if shift.taken:
            if not _matches(shift, pattern, zone):
                plan.left_alone.append(shift)
            continue
        still_on = pattern.on(shift.day) and (pattern.last_day is None or shift.day <= pattern.last_day)
        if not still_on:
            # Cancelled and set free of the pattern, so the day could be planned again.
            shift.cancelled_at, shift.pattern_id = now, None
            shift.sequence += 1
            shift.updated_at = now
            plan.changed += 1
        elif not _matches(shift, pattern, zone):
            shift.starts_at, shift.ends_at = place(shift.day, pattern.starts_at, pattern.ends_at, zone)
            shift.kind, shift.capacity = pattern.kind, pattern.capacity
            shift.sequence += 1
            shift.updated_at = now
            plan.changed += 1
    session.flush()


def _matches(shift, pattern, zone):
    starts_at, ends_at = place(shift.day, pattern.starts_at, pattern.ends_at, zone)
    on = pattern.on(shift.day) and (pattern.last_day is None or shift.day <= pattern.last_day)
    return on and (shift.starts_at, shift.ends_at, shift.kind, shift.capacity) == (
        starts_at, ends_at, pattern.kind, pattern.capacity)
