"""The ledger's invariant, checked: stock equals the sum of its movements and of its batches, never negative."""
from sqlalchemy import func, select

from pantry.stock.models import Batch, Movement, Stock


def discrepancies(session):
    """Every (site, item) where the books disagree, as readable lines; empty when all is well."""
    moved = dict(
        ((site_id, item_id), total)
        for site_id, item_id, total in session.execute(
            select(Movement.site_id, Movement.item_id, func.sum(Movement.delta))
            .group_by(Movement.site_id, Movement.item_id)
        )
    )
    batched = dict(
        ((site_id, item_id), total)
        for site_id, item_id, total in session.execute(
            select(Batch.site_id, Batch.item_id, func.sum(Batch.quantity)).group_by(Batch.site_id, Batch.item_id)
        )
    )
    stocked = dict(
        ((site_id, item_id), quantity)
        for site_id, item_id, quantity in session.execute(select(Stock.site_id, Stock.item_id, Stock.quantity))
    )
    problems = []
    for key in sorted(set(moved) | set(batched) | set(stocked)):
        stock, movements, batches = stocked.get(key, 0), moved.get(key, 0), batched.get(key, 0)
        if not stock == movements == batches:
            problems.append(f"site {key[0]} item {key[1]}: stock {stock}, movements {movements}, batches {batches}")
        if stock < 0:
            problems.append(f"site {key[0]} item {key[1]}: negative stock {stock}")
    negative = session.scalar(select(func.count()).where(Batch.quantity < 0))
    if negative:
        problems.append(f"{negative} batches below zero")
    return problems
