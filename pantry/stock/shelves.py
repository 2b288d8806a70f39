"""What is on the shelves: the stock of a site now, what is about to expire, and what it needs.

These read stock rows and live batches, never the ledger, so their cost grows with the
number of items, not with years of history. A site's page reads its shelves with two
queries and works out the rest from those rows."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

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


@dataclass
class Summary:
    fullness: int | None  # percent of the targets on the shelves, None when no targets are set
    last_restocked_at: object
    count_looks_off: int


@dataclass
class Shelves:
    """Every stock row of a site (with its item) and its live batches."""

    stocks: list
    batches: dict

    def inside(self):
        """What is in the site now, by category, the soonest best-before first in each."""
        lines = [Line(stock, self.batches.get(stock.item_id, [])) for stock in self.stocks if stock.quantity > 0]
        lines.sort(key=lambda line: (line.soonest or date.max, line.item.name))
        groups = {}
        for line in lines:
            groups.setdefault(line.item.category, []).append(line)
        return [(category, CATEGORIES[category], groups[category]) for category in CATEGORIES if category in groups]

    def needs(self, limit=None):
        """Items under their target, the emptiest first."""
        short = [stock for stock in self.stocks if stock.target and stock.quantity < stock.target]
        short.sort(key=lambda stock: (stock.quantity / stock.target, -stock.shortfall, stock.item.name))
        return short[:limit] if limit else short

    def summary(self):
        targeted = [stock for stock in self.stocks if stock.target]
        wanted = sum(stock.target for stock in targeted)
        held = sum(min(stock.quantity, stock.target) for stock in targeted)
        restocked = [stock.last_restocked_at for stock in self.stocks if stock.last_restocked_at]
        return Summary(
            round(100 * held / wanted) if wanted else None,
            max(restocked, default=None),
            sum(1 for stock in self.stocks if stock.count_looks_off),
        )


def shelves(session, site_ids, with_batches=True):
    """The shelves of each site in `site_ids`: two queries however many sites."""
    stocks = session.scalars(select(Stock).join(Stock.item).where(Stock.site_id.in_(site_ids))).all()
    batches = {}
    if with_batches:
        query = (
            select(Batch)
            .where(Batch.site_id.in_(site_ids), Batch.quantity > 0)
            .order_by(Batch.best_before.is_(None), Batch.best_before)
        )
        for batch in session.scalars(query):
            batches.setdefault(batch.site_id, {}).setdefault(batch.item_id, []).append(batch)
    found = {site_id: Shelves([], batches.get(site_id, {})) for site_id in site_ids}
    for stock in stocks:
        found[stock.site_id].stocks.append(stock)
    return found


def summaries_query(site_ids):
    """The SELECT of `summaries`: per site, the shelved part of its targets, its targets, its last
    restock and how many of its counts look off."""
    held = case((Stock.quantity < Stock.target, Stock.quantity), else_=Stock.target)  # NULL without a target
    return (select(Stock.site_id, func.sum(held), func.sum(Stock.target), func.max(Stock.last_restocked_at),
                   func.count(case((Stock.count_looks_off, 1))))
            .where(Stock.site_id.in_(site_ids)).group_by(Stock.site_id))


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
    return shelves(session, [site_id], with_batches=False)[site_id].needs(limit)


def summaries(session, site_ids):
    """{site id: its Summary}, as `Shelves.summary` makes it, from one aggregate row a site: a list
    of sites (the home page, the coordinator's, the API's) reads no stock row one by one."""
    rows = session.execute(summaries_query(site_ids))
    found = {site_id: Summary(None, None, 0) for site_id in site_ids}
    for site_id, kept, wanted, restocked, looks_off in rows:
        found[site_id] = Summary(round(100 * kept / wanted) if wanted else None, restocked, looks_off)
    return found
