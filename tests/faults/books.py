"""The books after a fault: every acknowledged key there once, no half-written movement,
the ledger's invariant, and the database file itself sound."""
from collections import Counter

from sqlalchemy import func, select, text

from pantry.stock.audit import discrepancies
from pantry.stock.models import Allocation, Batch, Movement, Stock


def problems(session):
    """Everything wrong with the books, as readable lines; empty when all is well."""
    session.rollback()  # a fresh snapshot
    found = list(discrepancies(session))
    found += [f"movement {id}: delta {delta} but its batches moved {total}"
              for id, delta, total in _unlike_its_allocations(session, Movement, Movement.delta, "movement_id")]
    found += [f"batch {id}: holds {quantity} but its movements add up to {total}"
              for id, quantity, total in _unlike_its_allocations(session, Batch, Batch.quantity, "batch_id")]
    if session.get_bind().dialect.name == "sqlite":
        checked = session.execute(text("PRAGMA integrity_check")).scalars().all()
        if checked != ["ok"]:
            found += [f"integrity_check: {line}" for line in checked]
    session.rollback()
    return found


def times_applied(session, keys):
    """How many movements each key made (0 when it never landed)."""
    session.rollback()
    counted = Counter()
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        counted.update(session.scalars(select(Movement.idempotency_key).where(Movement.idempotency_key.in_(chunk))))
    session.rollback()
    return {key: counted[key] for key in keys}


def expected_stock(initial, logs):
    """What each item should hold when every entry in `logs` applied exactly once (none ran dry)."""
    held = Counter(initial)
    for sent in logs:
        sign = 1 if sent.fields["kind"] == "restock" else -1
        held[sent.fields["item"]] += sign * sent.fields["quantity"]
    return dict(held)


def stock_of(session, site_id):
    session.rollback()
    rows = session.execute(select(Stock.item_id, Stock.quantity).where(Stock.site_id == site_id)).all()
    session.rollback()
    return dict(rows)


def _unlike_its_allocations(session, model, amount, link):
    """Rows of `model` whose `amount` is not the sum of the allocations naming them by `link`."""
    totals = (
        select(getattr(Allocation, link).label("owner"), func.sum(Allocation.delta).label("total"))
        .group_by(getattr(Allocation, link))
        .subquery()
    )
    return session.execute(
        select(model.id, amount, totals.c.total)
        .outerjoin(totals, totals.c.owner == model.id)
        .where(amount != func.coalesce(totals.c.total, 0))
    ).all()
