"""How a change lands on the stock: the lock on a stock row, batch moves that never go below
zero, and the movement that books them. The ledger's rules and the transfers share these.

The statements of a take are made once per process, with bound parameters (`_statement`):
making them again for every tap cost more than sending them."""
from dataclasses import dataclass, field
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pantry.stock.errors import IdempotencyConflict, LedgerError
from pantry.stock.models import Allocation, Batch, Movement, Stock


@dataclass
class Change:
    """What applying an entry did: (batch id, delta) per batch, and stock fields to set."""

    batches: list = field(default_factory=list)
    stock: dict = field(default_factory=dict)

    @property
    def delta(self):
        return sum(delta for _, delta in self.batches)


def book(session, stock, entry, change, now, key=None):
    """Append the movement of `entry` at the stock's site, its allocations, and change the
    stock row by the change's delta (atomically, never below zero). `key` overrides the
    entry's own (the second leg of a transfer has a key derived from the first's)."""
    movement = Movement(
        site_id=stock.site_id,
        item_id=stock.item_id,
        kind=entry.kind,
        quantity=entry.quantity,
        delta=change.delta,
        best_before=entry.best_before,
        corrects_id=entry.corrects_id,
        source=entry.source,
        recorded_by=entry.recorded_by,
        note=entry.note,
        reason=entry.reason,
        idempotency_key=key or entry.key,
        payload_digest=entry.digest(),
        created_at=now,
    )
    movement.item = stock.item  # loaded with the stock row: what answers the entry reads no more
    session.add(movement)
    session.flush()
    if change.batches:
        session.execute(insert(Allocation), [
            {"movement_id": movement.id, "batch_id": batch_id, "delta": delta}
            for batch_id, delta in change.batches
        ])
    values = {f"set_{name}": value for name, value in change.stock.items()}
    result = session.execute(_stock_change(tuple(sorted(change.stock))), {"stock": stock.id, "delta": change.delta, **values})
    if result.rowcount != 1:
        raise LedgerError(_l("The stock changed while logging; try again."))
    return movement


@cache
def _stock_change(fields):
    """UPDATE the stock row by :delta, never below zero, setting `fields` too (each from :set_<field>)."""
    delta = bindparam("delta", type_=Integer)
    return (
        update(Stock)
        .where(Stock.id == bindparam("stock"), Stock.quantity + delta >= 0)
        .values(quantity=Stock.quantity + delta, **{name: bindparam(f"set_{name}") for name in fields})
        .execution_options(synchronize_session=False)
    )


def find_replay(session, entry):
    """The movement already recorded under `entry.key`, if its payload matches."""
    earlier = session.scalar(select(Movement).where(Movement.idempotency_key == entry.key))
    if earlier is not None and earlier.payload_digest != entry.digest():
        raise IdempotencyConflict()
    return earlier


def lock_with_replay(session, site_id, item_id, entry, making):
    """`lock_stock`, and the movement already recorded under `entry.key` (`find_replay`), in one
    statement when the stock row exists; `making()` runs first when it does not (it may refuse).

    On SQLite the writer holds the database's write lock, so the replay is looked up under it.
    On PostgreSQL a twin request with the same key that held the row lock and has committed
    may be missed by this statement's snapshot: its own insert then breaks the key's unique
    constraint, and pantry.database.commit_write runs the rule again, which finds the twin."""
    found = session.execute(_stock_with_replay(), {"site": site_id, "item": item_id, "key": entry.key}).first()
    if found is None:
        making()
        return _make_stock(session, site_id, item_id), find_replay(session, entry)
    stock, earlier_id = found
    if earlier_id is None:
        return stock, None
    return stock, find_replay(session, entry)


@cache
def _stock_with_replay():
    """The stock row of :site and :item, locked, and the id of the movement under :key, if any."""
    replay = select(Movement.id).where(Movement.idempotency_key == bindparam("key")).scalar_subquery()
    query = select(Stock).where(Stock.site_id == bindparam("site"), Stock.item_id == bindparam("item"))
    return query.with_for_update(of=Stock).add_columns(replay).execution_options(populate_existing=True)


def _stock_query(site_id, item_id):
    return select(Stock).where(Stock.site_id == site_id, Stock.item_id == item_id).with_for_update(of=Stock)


def lock_stock(session, site_id, item_id):
    """Lock the stock row of the item at the site until the transaction ends, making it
    on the item's first movement there.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite: writers already hold the database's
    write lock (BEGIN IMMEDIATE, see pantry.database)."""
    query = _stock_query(site_id, item_id).execution_options(populate_existing=True)
    stock = session.scalars(query).first()
    return stock if stock is not None else _make_stock(session, site_id, item_id)


def _make_stock(session, site_id, item_id):
    """The stock row of an item's first movement at a site, locked (a twin may make it first)."""
    insert_or_skip = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert_or_skip(Stock)
        .values(site_id=site_id, item_id=item_id, quantity=0, count_looks_off=False)
        .on_conflict_do_nothing(index_elements=["site_id", "item_id"])
    )
    return session.scalars(_stock_query(site_id, item_id).execution_options(populate_existing=True)).one()


def take_earliest_first(session, stock, wanted):
    """Take up to `wanted` from the batches, earliest best-before first."""
    batches = session.scalars(_batches_in_stock(), {"site": stock.site_id, "item": stock.item_id})
    moved, remaining = [], wanted
    for batch in batches:
        if remaining == 0:
            break
        portion = min(batch.quantity, remaining)
        moved.append(move(session, batch, -portion))
        remaining -= portion
    return moved


@cache
def _batches_in_stock():
    """The batches of :item at :site with some left, earliest best-before first (undated last)."""
    return (
        select(Batch)
        .where(Batch.site_id == bindparam("site"), Batch.item_id == bindparam("item"), Batch.quantity > 0)
        .order_by(Batch.best_before.is_(None), Batch.best_before, Batch.id)
        .execution_options(populate_existing=True)
    )


def batch_for(session, stock, best_before, now):
    """The site's batch of the item with this best-before date, made when there is none."""
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


def move(session, batch, delta):
    """Change one batch by `delta`, atomically and never below zero."""
    result = session.execute(_batch_change(), {"batch": batch.id, "delta": delta})
    if result.rowcount != 1:
        raise LedgerError(_l("The stock changed while logging; try again."))
    return batch.id, delta


@cache
def _batch_change():
    """UPDATE the batch :batch by :delta, never below zero."""
    delta = bindparam("delta", type_=Integer)
    return (
        update(Batch)
        .where(Batch.id == bindparam("batch"), Batch.quantity + delta >= 0)
        .values(quantity=Batch.quantity + delta)
        .execution_options(synchronize_session=False)
    )


def reverse(session, movement):
    """Put back what `movement` did, batch by batch, as far as the batches still allow."""
    change = Change()
    for allocation in movement.allocations:
        batch = session.get(Batch, allocation.batch_id, populate_existing=True)
        amount = max(-allocation.delta, -batch.quantity)
        if amount:
            change.batches.append(move(session, batch, amount))
    if change.delta != -movement.delta:
        change.stock["count_looks_off"] = True
    return change
