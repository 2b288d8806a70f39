"""A cleaning visit at the fridge: the checklist, what was thrown out, the thermometer.

The reading is kept whatever it says; whether it is in range depends on the kind of site
(a fridge above 5 °C or a freezer above -15 °C is too warm; the limits are settings)."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from pantry import outbox
from pantry.care import excursions
from pantry.care.models import CareRecord, Reading
from pantry.refusals import Refusal
from pantry.shifts import planning
from pantry.shifts.models import Shift
from pantry.signals import care_recorded
from pantry.sites.models import Site
from pantry.stock import ledger
from pantry.stock.errors import UnknownBatch
from pantry.stock.models import Batch

CELSIUS_LIMITS = (-40.0, 40.0)
TYPED_LIMITS = {"C": (Decimal(-40), Decimal(40)), "F": (Decimal(-40), Decimal(104))}
SHIFT_WINDOW = timedelta(hours=3)  # a visit this close to a shift counts for it
EXCURSION_AFTER = timedelta(hours=2)  # the EXCURSION_HOURS setting's default
NOTE_LENGTH = 500


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


class NoteTooLong(Refusal):
    code = "note_too_long"
    status = 422
    message = _l("Keep the note under 500 characters.")


class NotPastItsDate(Refusal):
    code = "not_past_its_date"
    status = 422
    message = _l("Only food past its best-before date is removed here. Reload the page and try again.")


class TooManyToRemove(Refusal):
    code = "too_many_to_remove"
    status = 422
    message = _l("That is more than the checklist offered. Reload the page and try again.")


class CareConflict(Refusal):
    code = "idempotency_conflict"
    status = 422
    message = _l("This checklist was already sent with different details. Reload the page and try again.")


def parse_reading(typed, unit):
    """A typed reading ("4", "3,5", "39.2") in `unit` ("C" or "F"), as degrees Celsius.

    The reading is kept to a tenth of a degree in the unit it was typed in, and in Celsius
    to a hundredth, so 40 °F is shown again as 40 °F, not 39.9 °F."""
    try:
        value = Decimal(str(typed).strip().replace(",", "."))
    except InvalidOperation:
        raise BadReading() from None
    if not value.is_finite():
        raise BadReading()
    lowest, highest = TYPED_LIMITS[unit]
    if not lowest <= value <= highest:
        raise ReadingOutOfRange()
    value = value.quantize(Decimal("0.1"), ROUND_HALF_UP)
    celsius = value if unit == "C" else (value - 32) * 5 / 9
    return float(celsius.quantize(Decimal("0.01"), ROUND_HALF_UP))


def to_unit(celsius, unit):
    """Degrees Celsius in the deployment's unit, to a tenth of a degree."""
    value = celsius if unit == "C" else celsius * 9 / 5 + 32
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)) + 0.0  # never "-0"


def in_range(site, celsius, limits):
    limit = limits.get(site.kind)
    return limit is None or celsius <= limit


def takes_readings(site, limits):
    """Fridges and freezers have a limit and a thermometer; a pantry shelf has neither."""
    return site.kind in limits


def record_care(session, site, ticked, celsius, note, key, now, *, checklist, limits,
                excursion_after=EXCURSION_AFTER):
    """Make the care record of a visit, link it to the shift it belongs to (and mark that
    shift done), and keep the reading. The same key again returns the first record; the
    same key with other details is refused (CareConflict)."""
    earlier = session.scalar(select(CareRecord).where(CareRecord.idempotency_key == key))
    if earlier is not None:
        if _payload(earlier) != (site.id, sorted(set(ticked)), note, celsius):
            raise CareConflict()
        return earlier
    if set(ticked) - set(checklist):
        raise UnknownChecklistItem()
    if len(note) > NOTE_LENGTH:
        raise NoteTooLong()
    if celsius is not None and not CELSIUS_LIMITS[0] <= celsius <= CELSIUS_LIMITS[1]:
        raise ReadingOutOfRange()
    shift = current_shift(session, site, now)
    record = CareRecord(
        site_id=site.id, shift=shift, checklist=sorted(set(ticked)), note=note,
        idempotency_key=key, created_at=now,
    )
    session.add(record)
    if celsius is not None:
        reading = Reading(site_id=site.id, care_record=record, celsius=celsius,
                          in_range=in_range(site, celsius, limits), taken_at=now)
        session.add(reading)
        session.flush()
        excursions.follow(session, site.id, reading, excursion_after)
    session.flush()
    if shift is not None:
        planning.mark_done(session, shift, now)
    if record.reading is not None and not record.reading.in_range:
        _too_warm(session, site, record.reading, now)
    care_recorded.send(session, record=record, now=now)
    return record


def _too_warm(session, site, reading, now):
    """The followers' news, a row of the outbox in the reading's own transaction (the
    coordinators' alert is the view's, at most one per WARM_ALERT_MINUTES: claim_warm_alert)."""
    outbox.announce(session, site, "warm", {"celsius": float(reading.celsius)}, now, key=f"warm:{reading.id}")


def claim_warm_alert(session, care, now, every):
    """Whether this visit's reading is the one that tells coordinators the site is too warm: a
    reading out of range, made now (not a replay), and no alert for the site within `every`.
    Claimed by one conditional UPDATE, so two readings at once make one alert."""
    reading = care.reading
    if reading is None or reading.in_range or care.created_at != now:
        return False
    claimed = session.execute(
        update(Site)
        .where(Site.id == care.site_id,
               or_(Site.warm_alert_sent_at.is_(None), Site.warm_alert_sent_at <= now - every))
        .values(warm_alert_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _payload(record):
    celsius = record.reading.celsius if record.reading is not None else None
    return (record.site_id, list(record.checklist), record.note, celsius)


def discard_batch(session, site, batch_id, quantity, key, now, *, today, most, reason="past_date"):
    """Take out of the fridge what the checklist offered, and nothing it did not: a batch past
    its date on `today` (reason "past_date"), or one in question after a warm spell (reason
    "warm"); at most what it holds and at most `most` at once (MAX_LOG_QUANTITY, the bound of
    every log at a label). The same key again answers like the first time, even once empty."""
    batch = session.get(Batch, batch_id) if ledger.within_ids(batch_id) else None
    if batch is None or batch.site_id != site.id:
        raise UnknownBatch()
    entry = ledger.Entry("discard", key, site.id, batch.item_id, quantity, batch_id=batch.id, source="care",
                         reason=reason)
    if type(quantity) is int and ledger.find_replay(session, entry) is None:
        offered = batch.id in excursions.questioned(session, site.id) if reason == "warm" else (
            batch.best_before is not None and batch.best_before < today)
        if not offered:
            raise NotPastItsDate()
        if not 1 <= quantity <= min(most, batch.quantity):
            raise TooManyToRemove()
    return ledger.record(session, entry, now)


def offered(batch, most):
    """How many of a batch the checklist offers to remove in one tap."""
    return min(batch.quantity, most)


def past_date_batches(session, site, today):
    """The batches at the site whose best-before date is before `today`, the oldest first."""
    query = (
        select(Batch)
        .where(Batch.site_id == site.id, Batch.quantity > 0, Batch.best_before < today)
        .order_by(Batch.best_before, Batch.id)
        .options(joinedload(Batch.item))
    )
    return session.scalars(query).all()


def warm_batches(session, site):
    """The batches at the site in question after an excursion (pantry.care.excursions), the oldest flag first."""
    flags = excursions.questioned(session, site.id)
    if not flags:
        return []
    found = session.scalars(select(Batch).where(Batch.id.in_(flags)).options(joinedload(Batch.item)))
    return sorted(found, key=lambda batch: flags[batch.id].id)


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


def latest_reading_id(site_id):
    """The id of a site's latest reading, as a subquery (`site_id` may be a column to correlate).
    Read backwards along the (site_id, taken_at) index: one step however long the history."""
    return (
        select(Reading.id).where(Reading.site_id == site_id)
        .order_by(Reading.taken_at.desc(), Reading.id.desc()).limit(1).scalar_subquery()
    )


def latest_care_id(site_id):
    """The id of a site's latest care record, along the (site_id, created_at) index."""
    return (
        select(CareRecord.id).where(CareRecord.site_id == site_id)
        .order_by(CareRecord.created_at.desc(), CareRecord.id.desc()).limit(1).scalar_subquery()
    )


def care_states(session, sites, now, overdue_after):
    """For each site: its last care record, its last reading, and whether cleaning is overdue
    (no care record for longer than `overdue_after`; a new site counts from when it was added).
    Two queries however many sites, each site's latest rows found along its index."""
    ids = [site.id for site in sites]
    if not ids:
        return {}
    last_care = (
        select(CareRecord.created_at).where(CareRecord.site_id == Site.id)
        .order_by(CareRecord.created_at.desc()).limit(1).scalar_subquery()
    )
    rows = session.execute(select(Site.id, last_care, latest_reading_id(Site.id)).where(Site.id.in_(ids))).all()
    reading_ids = [reading_id for _, _, reading_id in rows if reading_id is not None]
    readings = {}
    if reading_ids:
        latest = session.scalars(select(Reading).where(Reading.id.in_(reading_ids)))
        readings = {reading.id: reading for reading in latest}
    by_site = {site_id: (cared, readings.get(reading_id)) for site_id, cared, reading_id in rows}
    states = {}
    for site in sites:
        cared, reading = by_site.get(site.id, (None, None))
        since = cared or site.created_at
        states[site.id] = CareState(cared, reading, now - since > overdue_after)
    return states
