"""The needs list: items under their target, items neighbours asked for this week (even at
their target), and what donors have promised, so the next donor knows what is still needed.

Four queries for any number of sites: the stock rows (as plain numbers), the asks counted per
item, the open promises summed per item and day, and the items listed."""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from pantry.clock import local_today
from pantry.needs.models import Ask, Promise
from pantry.stock.models import Item, Stock


@dataclass
class Need:
    """One item a site needs, asked for, or is promised."""

    item: Item | None  # None only while the list is made, until its item is read
    quantity: int = 0
    target: int | None = None
    asks: int = 0
    promised_by_day: dict = field(default_factory=dict)  # day -> still to come

    @property
    def shortfall(self):
        return max((self.target or 0) - self.quantity, 0)

    @property
    def promised(self):
        return sum(self.promised_by_day.values())

    @property
    def still_needed(self):
        return max(self.shortfall - self.promised, 0)

    @property
    def more_than_needed(self):
        """More is promised than the target lacks (only said of an item with a target)."""
        return self.target is not None and self.promised > self.shortfall

    @property
    def wanted(self):
        return self.still_needed > 0 or self.asks > 0

    def order(self):
        """Asked for first (the most asked first), then the emptiest; what promises cover, last."""
        filled = self.quantity / self.target if self.target else 1
        return (not self.wanted, -self.asks, filled, -self.shortfall, self.item.name)


def counts(session, site_ids, now, window_days):
    """Asks per (site, item) in the window, and open promises per (site, item, day)."""
    since = now - timedelta(days=window_days)
    asks = session.execute(
        select(Ask.site_id, Ask.item_id, func.count(Ask.id))
        .where(Ask.site_id.in_(site_ids), Ask.item_id.is_not(None), Ask.created_at >= since)
        .group_by(Ask.site_id, Ask.item_id)
    ).all()
    promised = session.execute(
        select(Promise.site_id, Promise.item_id, Promise.day, func.sum(Promise.quantity - Promise.brought))
        .where(Promise.site_id.in_(site_ids), Promise.day >= local_today(now),
               Promise.cancelled_at.is_(None), Promise.kept_at.is_(None))
        .group_by(Promise.site_id, Promise.item_id, Promise.day)
    ).all()
    return asks, promised


def needs(session, site_ids, now, window_days, limit=None, found_shelves=None):
    """{site id: [Need]} in the needs order; `limit` keeps the first few of each. `found_shelves`
    are the sites' shelves when the caller has read them already (pantry.stock.shelves); else the
    stock rows are read as plain numbers, and only the items listed are read whole."""
    found = _stocked(session, site_ids) if found_shelves is None else {
        site_id: {stock.item_id: Need(stock.item, stock.quantity, stock.target) for stock in found_shelves[site_id].stocks}
        for site_id in site_ids}
    asks, promised = counts(session, site_ids, now, window_days)
    for site_id, item_id, count in asks:
        found[site_id].setdefault(item_id, Need(None)).asks = count
    for site_id, item_id, day, count in promised:
        found[site_id].setdefault(item_id, Need(None)).promised_by_day[day] = int(count)
    listed = {site_id: {item_id: need for item_id, need in by_item.items() if need.wanted or need.promised}
              for site_id, by_item in found.items()}
    missing = {item_id for by_item in listed.values() for item_id, need in by_item.items() if need.item is None}
    items = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(missing)))} if missing else {}
    shown = {}
    for site_id, by_item in listed.items():
        for item_id, need in by_item.items():
            if need.item is None:
                need.item = items[item_id]
        ordered = sorted(by_item.values(), key=Need.order)
        shown[site_id] = ordered[:limit] if limit else ordered
    return shown


def _stocked(session, site_ids):
    """{site id: {item id: Need}} of the sites' stock rows, their items still to be read."""
    found = {site_id: {} for site_id in site_ids}
    for site_id, item_id, quantity, target in session.execute(stock_query(site_ids)):
        found[site_id][item_id] = Need(None, quantity, target)
    return found


def stock_query(site_ids):
    """The SELECT of the sites' stock rows as plain numbers: (site id, item id, quantity, target)."""
    return select(Stock.site_id, Stock.item_id, Stock.quantity, Stock.target).where(Stock.site_id.in_(site_ids))


def site_needs(session, site_id, now, window_days, limit=None, shelf=None):
    found_shelves = None if shelf is None else {site_id: shelf}
    return needs(session, [site_id], now, window_days, limit, found_shelves)[site_id]


def version(session, site_id):
    """What the needs of a site last changed by, for caches: the latest ask and promise change."""
    return session.execute(select(*version_columns(site_id))).one()


def version_columns(site_id):
    """`version` as scalar subqueries (`site_id` may be a column to correlate), for a caller
    that asks them in its own query."""
    return (
        select(func.max(Ask.id)).where(Ask.site_id == site_id).scalar_subquery(),
        select(func.max(Promise.changed_at)).where(Promise.site_id == site_id).scalar_subquery(),
    )
