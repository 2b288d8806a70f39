"""The ledger's rules: restock, take, discard, count and correct.

Each rule takes the session and `now`, locks the stock row of the item at the
site, applies its change with conditional `quantity = quantity + :delta`
updates, appends one movement, and flushes. The caller commits.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pantry.signals import movement_recorded
from pantry.sites.models import Site
from pantry.stock.errors import (
    AlreadyCorrected,
    CannotCorrect,
    IdempotencyConflict,
    LedgerError,
    UndoExpired,
    UnknownBatch,
    UnknownItem,
    UnknownMovement,
    UnknownSite,
)
from pantry.stock.entries import (  # noqa: F401  (Entry and the limits are the ledger's words too)
    KEY_RE,
    LARGEST_ID,
    LARGEST_QUANTITY,
    Entry,
    check,
    findable,
    get,
    within_ids,
)
from pantry.stock.models import Allocation, Batch, Item, Movement, Stock

def restock(session, site_id, item_id, quantity, key, now, best_before=None, **extra):
    entry = Entry("restock", key, site_id, item_id, quantity, best_before=best_before, **extra)
    return record(session, entry, now)


def take(session, site_id, item_id, quantity, key, now, **extra):
    return record(session, Entry("take", key, site_id, item_id, quantity, **extra), now)


def discard(session, site_id, item_id, quantity, key, now, batch_id=None, **extra):
    entry = Entry("discard", key, site_id, item_id, quantity, batch_id=batch_id, **extra)
    return record(session, entry, now)


def count(session, site_id, item_id, counted, key, now, **extra):
    return record(session, Entry("count", key, site_id, item_id, counted, **extra), now)


def correct(session, movement_id, key, now, **extra):
    return record(session, Entry("correction", key, corrects_id=movement_id, **extra), now)


def undo(session, movement_id, key, now, window=timedelta(minutes=5)):
    """A correction asked for by the person who logged the entry, within `window`.
    The same undo sent again later still answers like the first time."""
    entry = Entry("correction", key, corrects_id=movement_id, source="undo")
    check(entry)
    original = get(session, Movement, movement_id)
    if original is None:
        raise UnknownMovement()
    if now - original.created_at > window and find_replay(session, entry) is None:
        raise UndoExpired()
    return record(session, entry, now)


def record(session, entry, now):
    """Apply `entry` once. The same key again returns the first movement;
    the same key with another payload raises IdempotencyConflict."""
    check(entry)
    if entry.kind == "correction":
        original = get(session, Movement, entry.corrects_id)
        if original is None:
            raise UnknownMovement()
        site_id, item_id = original.site_id, original.item_id
    else:
        site_id, item_id = entry.site_id, entry.item_id
        _check_exists(session, site_id, item_id)

    stock = lock_stock(session, site_id, item_id)
    # Looked up under the lock: a concurrent twin holding the same key has committed by now.
    earlier = find_replay(session, entry)
    if earlier is not None:
        return earlier
    if entry.kind == "correction":
        _check_correctable(session, original)

    change = _APPLY[entry.kind](session, stock, entry, now)
    movement = Movement(
        site_id=site_id,
        item_id=item_id,
        kind=entry.kind,
        quantity=entry.quantity,
        delta=change.delta,
        best_before=entry.best_before,
        corrects_id=entry.corrects_id,
        source=entry.source,
        recorded_by=entry.recorded_by,
        note=entry.note,
        idempotency_key=entry.key,
        payload_digest=entry.digest(),
        created_at=now,
    )
    session.add(movement)
    session.flush()
    if change.batches:
        session.execute(insert(Allocation), [
            {"movement_id": movement.id, "batch_id": batch_id, "delta": delta}
            for batch_id, delta in change.batches
        ])
    result = session.execute(
        update(Stock)
        .where(Stock.id == stock.id, Stock.quantity + change.delta >= 0)
        .values(quantity=Stock.quantity + change.delta, **change.stock)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LedgerError(_l("The stock changed while logging; try again."))
    movement_recorded.send(session, movement=movement, now=now)
    return movement


@dataclass
class Change:
    """What applying an entry did: (batch id, delta) per batch, and stock fields to set."""

    batches: list = field(default_factory=list)
    stock: dict = field(default_factory=dict)

    @property
    def delta(self):
        return sum(delta for _, delta in self.batches)


def _check_exists(session, site_id, item_id):
    site, item = session.execute(select(
        select(Site.id).where(Site.id == findable(site_id)).exists(),
        select(Item.id).where(Item.id == findable(item_id)).exists(),
    )).one()
    if not site:
        raise UnknownSite()
    if not item:
        raise UnknownItem()


def find_replay(session, entry):
    """The movement already recorded under `entry.key`, if its payload matches."""
    earlier = session.scalar(select(Movement).where(Movement.idempotency_key == entry.key))
    if earlier is not None and earlier.payload_digest != entry.digest():
        raise IdempotencyConflict()
    return earlier


def lock_stock(session, site_id, item_id):
    """Lock the stock row of the item at the site until the transaction ends, making it
    on the item's first movement there.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite: writers already hold the database's
    write lock (BEGIN IMMEDIATE, see pantry.database)."""
    query = (
        select(Stock)
        .where(Stock.site_id == site_id, Stock.item_id == item_id)
        .with_for_update(of=Stock)
        .execution_options(populate_existing=True)
    )
    stock = session.scalars(query).first()
    if stock is None:
        insert_or_skip = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert_or_skip(Stock)
            .values(site_id=site_id, item_id=item_id, quantity=0, count_looks_off=False)
            .on_conflict_do_nothing(index_elements=["site_id", "item_id"])
        )
        stock = session.scalars(query).one()
    return stock


def _restock(session, stock, entry, now):
    batch = _batch_for(session, stock, entry.best_before, now)
    return Change([_move(session, batch, entry.quantity)], {"last_restocked_at": now})


def _take(session, stock, entry, now):
    change = Change(_take_earliest_first(session, stock, entry.quantity))
    if -change.delta < entry.quantity:
        change.stock["count_looks_off"] = True
    return change


def _discard(session, stock, entry, now):
    if entry.batch_id is None:
        return _take(session, stock, entry, now)
    batch = get(session, Batch, entry.batch_id, populate_existing=True)
    if batch is None or (batch.site_id, batch.item_id) != (stock.site_id, stock.item_id):
        raise UnknownBatch()
    removed = min(batch.quantity, entry.quantity)
    change = Change([_move(session, batch, -removed)] if removed else [])
    if removed < entry.quantity:
        change.stock["count_looks_off"] = True
    return change


def _count(session, stock, entry, now):
    """Set the stock to what was counted: surplus comes off the earliest batches,
    a shortfall of the record goes on a batch with no date."""
    difference = entry.quantity - stock.quantity
    change = Change(stock={"count_looks_off": False})
    if difference < 0:
        change.batches = _take_earliest_first(session, stock, -difference)
    elif difference > 0:
        change.batches = [_move(session, _batch_for(session, stock, None, now), difference)]
    return change


def _correct(session, stock, entry, now):
    """Reverse the named movement batch by batch, as far as the batches still allow."""
    original = session.get(Movement, entry.corrects_id)
    change = Change()
    for allocation in original.allocations:
        batch = session.get(Batch, allocation.batch_id, populate_existing=True)
        amount = max(-allocation.delta, -batch.quantity)
        if amount:
            change.batches.append(_move(session, batch, amount))
    if change.delta != -original.delta:
        change.stock["count_looks_off"] = True
    return change


def _check_correctable(session, original):
    if original.kind == "correction":
        raise CannotCorrect()
    # Asked of the database under the lock, not of a relationship loaded earlier.
    if session.scalar(select(Movement.id).where(Movement.corrects_id == original.id)) is not None:
        raise AlreadyCorrected()


_APPLY = {
    "restock": _restock,
    "take": _take,
    "discard": _discard,
    "count": _count,
    "correction": _correct,
}


def _take_earliest_first(session, stock, wanted):
    """Take up to `wanted` from the batches, earliest best-before first."""
    batches = session.scalars(
        select(Batch)
        .where(Batch.site_id == stock.site_id, Batch.item_id == stock.item_id, Batch.quantity > 0)
        .order_by(Batch.best_before.is_(None), Batch.best_before, Batch.id)
        .execution_options(populate_existing=True)
    )
    moved, remaining = [], wanted
    for batch in batches:
        if remaining == 0:
            break
        portion = min(batch.quantity, remaining)
        moved.append(_move(session, batch, -portion))
        remaining -= portion
    return moved


def _batch_for(session, stock, best_before, now):
    query = select(Batch).where(
        Batch.site_id == stock.site_id,
        Batch.item_id == stock.item_id,
        Batch.best_before.is_(None) if best_before is None else Batch.best_before == best_before,
    )
    batch = session.scalars(query.order_by(Batch.id).limit(1)).first()
    if batch is None:
        batch = Batch(
            site_id=stock.site_id, item_id=stock.item_id, best_before=best_before,
            quantity=0, created_at=now,
        )
        session.add(batch)
        session.flush()
    return batch


def _move(session, batch, delta):
    """Change one batch by `delta`, atomically and never below zero."""
    result = session.execute(
        update(Batch)
        .where(Batch.id == batch.id, Batch.quantity + delta >= 0)
        .values(quantity=Batch.quantity + delta)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LedgerError(_l("The stock changed while logging; try again."))
    return batch.id, delta
