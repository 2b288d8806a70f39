"""A cleaning visit at the fridge: the checklist, what was thrown out, the thermometer.

The reading is kept whatever it says; whether it is in range depends on the kind of site
(a fridge above 5 °C or a freezer above -15 °C is too warm; the limits are settings)."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pantry.care.models import CareRecord, Reading
from pantry.refusals import Refusal
from pantry.shifts.models import Shift
from pantry.stock import ledger
from pantry.stock.errors import UnknownBatch
from pantry.stock.models import Batch

CELSIUS_LIMITS = (-40.0, 40.0)
SHIFT_WINDOW = timedelta(hours=3)  # a visit this close to a shift counts for it


class BadReading(Refusal):
    code = "bad_reading"
    status = 422
    message = _l("Enter the thermometer reading as a number, for example 4 or 3.5.")


class ReadingOutOfRange(BadReading):
    code = "reading_out_of_range"
    message = _l("That reading is outside -40 to 40 °C. Check the thermometer and try again.")


class UnknownChecklistItem(Refusal):
    code = "unknown_checklist_item"
    status = 422
    message = _l("That is not on this checklist.")


def parse_reading(typed, unit):
    """A typed reading ("4", "3,5", "39.2") in `unit` ("C" or "F"), as degrees Celsius."""
    try:
        value = Decimal(str(typed).strip().replace(",", "."))
    except InvalidOperation:
        raise BadReading() from None
    if not value.is_finite():
        raise BadReading()
    celsius = float(value) if unit == "C" else (float(value) - 32) * 5 / 9
    celsius = round(celsius, 1)
    if not CELSIUS_LIMITS[0] <= celsius <= CELSIUS_LIMITS[1]:
        raise ReadingOutOfRange()
    return celsius


def in_range(site, celsius, limits):
    limit = limits.get(site.kind)
    return limit is None or celsius <= limit


def record_care(session, site, ticked, celsius, note, key, now, *, checklist, limits):
    """Make the care record of a visit, link it to the shift it belongs to (and mark that
    shift done), and keep the reading. The same key again returns the first record."""
    earlier = session.scalar(select(CareRecord).where(CareRecord.idempotency_key == key))
    if earlier is not None:
        return earlier
    unknown = set(ticked) - set(checklist)
    if unknown:
        raise UnknownChecklistItem()
    shift = current_shift(session, site, now)
    record = CareRecord(
        site_id=site.id, shift=shift, checklist=sorted(ticked), note=note,
        idempotency_key=key, created_at=now,
    )
    session.add(record)
    if celsius is not None:
        session.add(Reading(site_id=site.id, care_record=record, celsius=celsius,
                            in_range=in_range(site, celsius, limits), taken_at=now))
    if shift is not None and shift.done_at is None:
        shift.done_at = now
    session.flush()
    return record


def discard_batch(session, site, batch_id, quantity, key, now):
    """Take a batch past its date out of the fridge: one discard movement for the
    `quantity` the checklist showed (the ledger never takes a batch below zero)."""
    batch = session.get(Batch, batch_id)
    if batch is None or batch.site_id != site.id:
        raise UnknownBatch()
    return ledger.discard(session, site.id, batch.item_id, quantity, key, now,
                          batch_id=batch.id, source="care")


def past_date_batches(session, site, today):
    query = (
        select(Batch)
        .where(Batch.site_id == site.id, Batch.quantity > 0, Batch.best_before < today)
        .order_by(Batch.best_before)
    )
    return session.scalars(query).all()


def current_shift(session, site, now):
    """The cleaning or temperature shift this visit belongs to, if one is near."""
    near = session.scalars(
        select(Shift).where(
            Shift.site_id == site.id,
            Shift.kind.in_(("cleaning", "temperature")),
            Shift.cancelled_at.is_(None),
            Shift.starts_at <= now + SHIFT_WINDOW,
            Shift.ends_at >= now - SHIFT_WINDOW,
        )
    ).all()
    return min(near, key=lambda shift: abs(shift.starts_at - now), default=None)


@dataclass
class CareState:
    last_care_at: object
    last_reading: Reading | None
    cleaning_overdue: bool

    @property
    def too_warm(self):
        return self.last_reading is not None and not self.last_reading.in_range


def care_states(session, sites, now, overdue_after):
    """For each site: its last care record, its last reading, and whether cleaning is overdue."""
    ids = [site.id for site in sites]
    last_care = dict(session.execute(
        select(CareRecord.site_id, func.max(CareRecord.created_at))
        .where(CareRecord.site_id.in_(ids)).group_by(CareRecord.site_id)
    ).all())
    latest = (
        select(Reading.site_id, func.max(Reading.id).label("id"))
        .where(Reading.site_id.in_(ids)).group_by(Reading.site_id).subquery()
    )
    readings = {reading.site_id: reading for reading in session.scalars(
        select(Reading).join(latest, Reading.id == latest.c.id))}
    states = {}
    for site in sites:
        cared = last_care.get(site.id)
        states[site.id] = CareState(cared, readings.get(site.id),
                                    cared is None or now - cared > overdue_after)
    return states

