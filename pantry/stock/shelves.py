"""What is on the shelves: the stock of a site now, what is about to expire, and what it needs.

These read stock rows and live batches, never the ledger, so their cost grows with the
number of items, not with years of history."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from pantry.stock.models import CATEGORIES, Batch, Item, Stock


@dataclass
class Line:
    """One item at a site, as a person at the fridge sees it."""

    stock: Stock
    batches: list = field(default_factory=list)

    @property
    def item(self):
        return self.stock.item

    @property
    def quantity(self):
        return self.stock.quantity

    @property
    def soonest(self):
        dated = [batch.best_before for batch in self.batches if batch.best_before]
        return min(dated) if dated else None

    def past(self, today):
        return [batch for batch in self.batches if batch.best_before and batch.best_before < today]

    def expiring(self, today, days):
        limit = today + timedelta(days=days)
        return [b for b in self.batches if b.best_before and today <= b.best_before <= limit]


def inside(session, site_id, today):
    """What is in the site now, by category, the soonest best-before first in each."""
    stocks = session.scalars(
        select(Stock).join(Stock.item)
        .where(Stock.site_id == site_id, Stock.quantity > 0)
    ).all()
    lines = {stock.item_id: Line(stock) for stock in stocks}
    batches = session.scalars(
        select(Batch)
        .where(Batch.site_id == site_id, Batch.quantity > 0)
        .order_by(Batch.best_before.is_(None), Batch.best_before)
    )
    for batch in batches:
        if batch.item_id in lines:
            lines[batch.item_id].batches.append(batch)
    far = date.max
    ordered = sorted(lines.values(), key=lambda line: (line.soonest or far, line.item.name))
    groups = {}
    for line in ordered:
        groups.setdefault(line.item.category, []).append(line)
    return [(category, CATEGORIES[category], groups[category]) for category in CATEGORIES if category in groups]


def line(session, site_id, item_id):
    """One item at a site with its live batches, soonest best-before first."""
    stock = session.scalar(select(Stock).where(Stock.site_id == site_id, Stock.item_id == item_id))
    if stock is None:
        return None
    batches = session.scalars(
        select(Batch)
        .where(Batch.site_id == site_id, Batch.item_id == item_id, Batch.quantity > 0)
        .order_by(Batch.best_before.is_(None), Batch.best_before)
    ).all()
    return Line(stock, list(batches))


def in_stock(session, site_id):
    """Items the site has now, for the scan page's list: by name, as people look for them."""
    query = (
        select(Stock).join(Stock.item)
        .where(Stock.site_id == site_id, Stock.quantity > 0)
        .order_by(Item.name)
    )
    return session.scalars(query).all()


def needs(session, site_id, limit=None):
    """Items under their target at the site, the emptiest first."""
    shortfall = Stock.target - Stock.quantity
    query = (
        select(Stock).join(Stock.item)
        .where(Stock.site_id == site_id, Stock.target > 0, Stock.quantity < Stock.target)
        .order_by((Stock.quantity * 1.0 / Stock.target), shortfall.desc(), Item.name)
    )
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


@dataclass
class Summary:
    fullness: int | None  # percent of the targets on the shelves, None when no targets are set
    last_restocked_at: object
    count_looks_off: int


def summaries(session, site_ids):
    """For each site: how full it is against its targets, its last restock, its doubtful counts."""
    capped = func.min(Stock.quantity, Stock.target) if _is_sqlite(session) else func.least(Stock.quantity, Stock.target)
    query = (
        select(
            Stock.site_id,
            func.sum(capped).filter(Stock.target > 0),
            func.sum(Stock.target).filter(Stock.target > 0),
            func.max(Stock.last_restocked_at),
            func.count().filter(Stock.count_looks_off),
        )
        .where(Stock.site_id.in_(site_ids))
        .group_by(Stock.site_id)
    )
    found = {}
    for site_id, held, target, restocked, off in session.execute(query):
        fullness = round(100 * (held or 0) / target) if target else None
        found[site_id] = Summary(fullness, restocked, off)
    return {site_id: found.get(site_id, Summary(None, None, 0)) for site_id in site_ids}


def _is_sqlite(session):
    return session.get_bind().dialect.name == "sqlite"

