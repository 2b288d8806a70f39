"""The few stories of the demo network (pantry.demo_network.STORY) played through its
neighbourhood: a late restock, a big take, a count that was off, a typo put right."""
from datetime import timedelta


def restock(hood, site_id, item, quantity, days_from_today, moment):
    best_before = None if days_from_today is None else hood.today + timedelta(days=days_from_today)
    hood.restock(site_id, item.id, quantity, moment, best_before)


def take(hood, site_id, item, quantity, _extra, moment):
    hood.take(site_id, item.id, quantity, moment)


def count(hood, site_id, item, off_by, _extra, moment):
    counted = max(hood.on_shelf[site_id, item.id] + off_by, 0)
    hood.count(site_id, item.id, counted, moment, note="Counted while cleaning")


def mistake(hood, site_id, item, typed, meant, moment):
    """A typo logged, corrected a few minutes later, then logged right."""
    best_before = hood.best_before(item, moment)
    wrong = hood.restock(site_id, item.id, typed, moment, best_before)
    hood.correct(wrong.id, moment + timedelta(minutes=3), note=f"Typed {typed}, meant {meant}")
    hood.restock(site_id, item.id, meant, moment + timedelta(minutes=4), best_before)


EVENTS = {
    "restock": restock,
    "take": take,
    "count": count,
    "mistake": mistake,
}
