"""Rebalancing: items above target at one site and below it at another, and how many a van could
move to even them out. Read from the stock rows alone (their cost grows with the items, not history).
Sites have no locations yet, so the biggest moves come first; nearest first is left for when they do."""
from dataclasses import dataclass

from sqlalchemy import select

from pantry.stock.models import Stock

MOST_SUGGESTED = 10


@dataclass(frozen=True)
class Suggestion:
    item: object
    source: Stock  # above its target
    destination: Stock  # below its target
    quantity: int


def suggestions(session, limit=MOST_SUGGESTED, site_ids=None):
    """For each item, pair the sites with the most to spare with those short the most: among
    `site_ids` (a screen's page of sites, read along the stock's (site_id, item_id) key), or all."""
    query = select(Stock).where(Stock.target.is_not(None)).order_by(Stock.item_id, Stock.site_id)
    if site_ids is not None:
        query = query.where(Stock.site_id.in_(site_ids))
    stocks = session.scalars(query).all()
    by_item = {}
    for stock in stocks:
        by_item.setdefault(stock.item_id, []).append(stock)
    found = []
    for held in by_item.values():
        spare = sorted((s for s in held if s.quantity > s.target), key=lambda s: s.target - s.quantity)
        short = sorted((s for s in held if s.quantity < s.target), key=lambda s: s.quantity - s.target)
        for source, destination in zip(spare, short):
            amount = min(source.quantity - source.target, destination.target - destination.quantity)
            found.append(Suggestion(source.item, source, destination, amount))
    found.sort(key=lambda suggestion: (-suggestion.quantity, suggestion.item.name))
    return found[:limit]
