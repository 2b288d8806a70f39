"""The bench's network, seeded through Pantry's own rules: three sites, 25 items in stock,
a site tag; then a ledger history of a given length, the long tail written in bulk."""
from datetime import timedelta

from sqlalchemy import func, select, text

from pantry.database import writer
from pantry.sites.models import Site
from pantry.stock import ledger
from pantry.stock.models import Item, Movement, Stock
from pantry.tags.rules import issue_tag

SITES = [("corner-fridge", "Corner Fridge", "fridge"), ("library-pantry", "Library Pantry", "pantry"),
         ("church-freezer", "Church Freezer", "freezer")]
ITEMS = [
    ("Milk 1 L", "dairy", "carton"), ("Eggs", "dairy", "dozen"), ("Yogurt", "dairy", "pot"),
    ("Cheese", "dairy", "pack"), ("Butter", "dairy", "pack"), ("Apples", "produce", "kg"),
    ("Bananas", "produce", "bunch"), ("Carrots", "produce", "kg"), ("Potatoes", "produce", "kg"),
    ("Onions", "produce", "kg"), ("Bread", "bakery", "loaf"), ("Tortillas", "bakery", "pack"),
    ("Soup", "meals", "bowl"), ("Rice and beans", "meals", "box"), ("Canned beans", "canned", "can"),
    ("Canned tuna", "canned", "can"), ("Tomato sauce", "canned", "jar"), ("Rice 1 kg", "dry", "bag"),
    ("Pasta", "dry", "bag"), ("Oats", "dry", "bag"), ("Orange juice", "drinks", "carton"),
    ("Water", "drinks", "bottle"), ("Baby food", "baby", "jar"), ("Diapers size 3", "baby", "pack"),
    ("Soap", "hygiene", "bar"),
]
TAKEN = "Milk 1 L"  # the item the log POST takes from, stocked far beyond what a run takes


def network(session, now):
    """Sites, items, stock in batches with best-before dates, targets, and a site tag."""
    sites = [Site(slug=slug, name=name, kind=kind) for slug, name, kind in SITES]
    items = [Item(name=name, category=category, unit=unit) for name, category, unit in ITEMS]
    session.add_all(sites + items)
    session.flush()
    today = now.date()
    with writer():
        for site in sites:
            for number, item in enumerate(items):
                for days in (-1, 1, 9)[: 1 + number % 3]:
                    ledger.restock(session, site.id, item.id, 4 + number % 5, _key(), now,
                                   best_before=today + timedelta(days=days))
        home = sites[0]
        taken = next(item for item in items if item.name == TAKEN)
        for days in (20, 40, 60):  # 600,000 in all, so the benchmarked takes never run it out
            for _ in range(200_000 // ledger.LARGEST_QUANTITY):
                ledger.restock(session, home.id, taken.id, ledger.LARGEST_QUANTITY, _key(), now,
                               best_before=today + timedelta(days=days))
        for stock in session.scalars(select(Stock)):
            stock.target = 12
        tag = issue_tag(session, home, "site", now)
        session.commit()
    return {"slug": home.slug, "code": tag.code, "item": taken.id}


def history(session, now, total):
    """Pairs of restock and take through the rules until the ledger holds `total` movements."""
    sites = session.scalars(select(Site.id)).all()
    items = session.scalars(select(Item.id)).all()
    count = movements(session)
    with writer():
        pair = 0
        while count < total:
            site, item = sites[pair % len(sites)], items[pair % len(items)]
            ledger.restock(session, site, item, 1, _key(), now)
            count += 1
            if count < total:
                ledger.take(session, site, item, 1, _key(), now)
                count += 1
            pair += 1
            if pair % 100 == 0:
                session.commit()
        session.commit()


# Years of history in one statement: pairs of restock +1 and take -1 on one item at one
# site, so stock, batches and the ledger still agree. No allocations: nothing reads them here.
BULK = text("""
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :rows - 1)
INSERT INTO movement (site_id, item_id, kind, quantity, delta, source, recorded_by, note,
                      idempotency_key, payload_digest, created_at)
SELECT :first_site + (i / 2) % :sites,
       :first_item + (i / 2 / :sites) % :items,
       CASE i % 2 WHEN 0 THEN 'restock' ELSE 'take' END,
       1,
       CASE i % 2 WHEN 0 THEN 1 ELSE -1 END,
       'seed', '', '',
       'history-' || i,
       '0000000000000000000000000000000000000000000000000000000000000000',
       datetime(:start, '+' || (i * 60) || ' seconds') || '.000000'
FROM n
""")


HISTORY_ENDS_BEFORE = timedelta(days=15)


def deep_history(session, total, now):
    """Bring the ledger to `total` movements with bulk SQL (SQLite), the oldest first."""
    rows = total - movements(session)
    if rows <= 0:
        return
    first_site, last_site = session.execute(select(func.min(Site.id), func.max(Site.id))).one()
    first_item, last_item = session.execute(select(func.min(Item.id), func.max(Item.id))).one()
    rows += rows % 2  # whole pairs only
    # The history ends before the site page's charts begin (their last 14 days), so the deep and the
    # shallow ledgers have the same recent days and the figure compares depth alone.
    start = (now - timedelta(seconds=rows * 60) - HISTORY_ENDS_BEFORE).replace(tzinfo=None, microsecond=0)
    with writer():
        session.execute(BULK, {
            "rows": rows, "first_site": first_site, "sites": last_site - first_site + 1,
            "first_item": first_item, "items": last_item - first_item + 1,
            "start": start.isoformat(sep=" "),
        })
        session.commit()
    session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    session.commit()


def movements(session):
    return session.scalar(select(func.count()).select_from(Movement))


_keys = iter(range(10**9))


def _key():
    return f"seed-{next(_keys):08d}"
