"""A site's temperature log for an inspector, over a range of days: every reading, each excursion
with how long it lasted and what was done about the food it put in question (removed as warm,
or flags cleared with a reason), and the days without a reading. Read along the (site, time) indexes."""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pantry.care.models import Excursion, Reading
from pantry.stock.models import Allocation, Movement


@dataclass
class Done:
    excursion: Excursion
    removed: list = field(default_factory=list)  # discard movements with reason "warm"
    cleared: list = field(default_factory=list)  # flags cleared, with their reasons


@dataclass
class TemperatureLog:
    readings: list
    excursions: list  # of Done
    days_without: list  # local dates


def temperature_log(session, site_id, start, end, days, zone):
    """The log from `start` to `end` (UTC), whose local `days` are listed when they had no reading."""
    readings = session.scalars(
        select(Reading).where(Reading.site_id == site_id, Reading.taken_at >= start, Reading.taken_at < end)
        .order_by(Reading.taken_at, Reading.id)
    ).all()
    read_on = {reading.taken_at.astimezone(zone).date() for reading in readings}
    excursions = session.scalars(
        select(Excursion).where(
            Excursion.site_id == site_id, Excursion.started_at < end,
            (Excursion.ended_at.is_(None)) | (Excursion.ended_at >= start),
        ).order_by(Excursion.started_at).options(joinedload(Excursion.flags))
    ).unique().all()
    return TemperatureLog(readings, [_done(session, excursion) for excursion in excursions],
                          [day for day in days if day not in read_on])


def _done(session, excursion):
    done = Done(excursion, cleared=[flag for flag in excursion.flags if flag.cleared_at is not None])
    batches = [flag.batch_id for flag in excursion.flags]
    if batches:
        done.removed = session.scalars(
            select(Movement).join(Allocation, Allocation.movement_id == Movement.id)
            .where(Movement.site_id == excursion.site_id, Movement.reason == "warm",
                   Movement.created_at >= excursion.started_at, Allocation.batch_id.in_(batches))
            .order_by(Movement.created_at, Movement.id).distinct()
        ).all()
    return done


def length_words(excursion, now):
    """How long it lasted, in whole minutes, or None while it goes on."""
    if excursion.ended_at is None:
        return None
    return (excursion.ended_at - excursion.started_at) // timedelta(minutes=1)


