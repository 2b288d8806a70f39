"""Temperature excursions, and the cold-chain food they put in question.

An excursion lasts from a reading out of range until the next reading in range. When it has
lasted longer than EXCURSION_HOURS (2 h by default, the common rule for perishables), or its
length is unknown (no reading in those hours before it), every batch of an item kept cold that
was in the fridge during it is flagged: "check before eating". Whether a batch was there is read
from the site's movements since the excursion began (so it costs what those hours hold): it was
there if it held something when the excursion began, or something arrived in it before the
reading back in range. Food restocked after that reading is never flagged."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update

from pantry import journal
from pantry.care.models import Excursion, Flag, Reading
from pantry.refusals import Refusal
from pantry.stock.entries import within_ids
from pantry.stock.models import Allocation, Batch, Item, Movement

REASON_LENGTH = 200


class NoReason(Refusal):
    code = "reason_needed"
    status = 422
    message = _l("Say why the flag can be cleared (for example: checked with a probe thermometer, 3 °C).")


class ReasonTooLong(NoReason):
    code = "reason_too_long"
    message = _l("Keep the reason under 200 characters.")


class NotFlagged(Refusal):
    code = "not_flagged"
    status = 404
    message = _l("That batch is not in question at this site.")


class ClearConflict(Refusal):
    code = "idempotency_conflict"
    status = 422
    message = _l("This was already sent with different details. Reload the page and try again.")


def follow(session, site_id, reading, after):
    """Open, extend or close the site's excursion with a new `reading`, flagging food when it
    has gone on too long. Returns the excursion the reading belongs to, if any."""
    excursion = session.scalars(
        select(Excursion).where(Excursion.site_id == site_id, Excursion.ended_at.is_(None))
        .order_by(Excursion.started_at.desc()).limit(1)
    ).first()
    if reading.in_range:
        if excursion is None:
            return None
        excursion.ended_at = reading.taken_at
    elif excursion is None:
        excursion = _open(session, site_id, reading, after)
    else:
        excursion.warmest = max(excursion.warmest, reading.celsius)
    if not excursion.length_known or excursion.length(reading.taken_at) > after:
        flag(session, excursion, reading.taken_at)
    session.flush()
    return excursion


def _open(session, site_id, reading, after):
    before = session.scalar(
        select(func.max(Reading.taken_at))
        .where(Reading.site_id == site_id, Reading.taken_at < reading.taken_at)
    )
    excursion = Excursion(
        site_id=site_id, started_at=reading.taken_at, warmest=reading.celsius,
        length_known=before is not None and reading.taken_at - before <= after,
    )
    session.add(excursion)
    session.flush()
    return excursion


def in_fridge(session, site_id, since, until):
    """The ids of the site's cold-chain batches that held food at some moment from `since` to `until`."""
    moved = (
        select(
            Allocation.batch_id,
            func.sum(Allocation.delta).label("since"),
            func.sum(case(((Allocation.delta > 0) & (Movement.created_at <= until), 1), else_=0)).label("arrived"),
        )
        .join(Movement, Movement.id == Allocation.movement_id)
        .where(Movement.site_id == site_id, Movement.created_at > since)
        .group_by(Allocation.batch_id)
        .subquery()
    )
    held_then = Batch.quantity - func.coalesce(moved.c.since, 0)
    query = (
        select(Batch.id)
        .join(Item, Item.id == Batch.item_id)
        .outerjoin(moved, moved.c.batch_id == Batch.id)
        .where(Batch.site_id == site_id, Item.keep_cold.is_(True))
        .where((held_then > 0) | (func.coalesce(moved.c.arrived, 0) > 0))
    )
    return set(session.scalars(query))


def flag(session, excursion, until):
    """Flag the cold-chain batches in the fridge during `excursion` (up to `until`), each once,
    and tell the journal (by Pantry itself: the thermometer's reading, not a person, did it)."""
    found = in_fridge(session, excursion.site_id, excursion.started_at, until)
    known = set(session.scalars(select(Flag.batch_id).where(Flag.excursion_id == excursion.id)))
    new = sorted(found - known)
    for batch_id in new:
        session.add(Flag(excursion_id=excursion.id, batch_id=batch_id, site_id=excursion.site_id, flagged_at=until))
    if excursion.flagged_at is None:
        excursion.flagged_at = until
    if new:
        names = session.scalars(select(Item.name).join(Batch, Batch.item_id == Item.id)
                                .where(Batch.id.in_(new)).distinct().order_by(Item.name)).all()
        journal.record(session, None, "food.put_in_question", ", ".join(names), {},
                       {"batches": len(new), "warm_since": excursion.started_at}, until, site=excursion.site_id)
    session.flush()


def questioned(session, site_id):
    """The site's batches in question now (flagged, not cleared, still holding food): batch id -> flag."""
    rows = session.scalars(
        select(Flag).join(Batch, Batch.id == Flag.batch_id)
        .where(Flag.site_id == site_id, Flag.cleared_at.is_(None), Batch.quantity > 0)
        .order_by(Flag.id)
    )
    return {flag.batch_id: flag for flag in rows}


def open_flags(site_id):
    """How many flags of a site are not cleared, as a subquery (a site page's version: a cleared flag shows at once)."""
    return (
        select(func.count(Flag.id)).where(Flag.site_id == site_id, Flag.cleared_at.is_(None)).scalar_subquery()
    )


def clear(session, site_id, batch_id, reason, key, now, cleared_by=""):
    """A coordinator clears a batch's flags with a reason. The same key again does nothing more."""
    reason = (reason or "").strip()
    earlier = session.scalar(select(Flag).where(Flag.clear_key == key))
    if earlier is not None:
        if (earlier.site_id, earlier.batch_id, earlier.clear_reason) != (site_id, batch_id, reason):
            raise ClearConflict()
        return earlier
    if not reason:
        raise NoReason()
    if len(reason) > REASON_LENGTH:
        raise ReasonTooLong()
    first = session.scalar(
        select(Flag.id).where(Flag.site_id == site_id, Flag.batch_id == (batch_id if within_ids(batch_id) else None),
                              Flag.cleared_at.is_(None)).order_by(Flag.id).limit(1)
    )
    if first is None:
        raise NotFlagged()
    session.execute(
        update(Flag).where(Flag.site_id == site_id, Flag.batch_id == batch_id, Flag.cleared_at.is_(None))
        .values(cleared_at=now, cleared_by=cleared_by, clear_reason=reason)
        .execution_options(synchronize_session=False)
    )
    session.execute(update(Flag).where(Flag.id == first).values(clear_key=key).execution_options(synchronize_session=False))
    session.flush()
    return session.get(Flag, first, populate_existing=True)
