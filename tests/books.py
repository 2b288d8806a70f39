"""Reading the books back in tests: what the database holds now, after the requests or rules
under test committed (or flushed) it."""
from sqlalchemy import func, select

from pantry.stock.models import Movement, Stock


def stock_of(session, site, item):
    """The Stock row of `item` at `site`, read afresh (None when nothing was ever logged)."""
    session.expire_all()
    return session.scalar(select(Stock).where(Stock.site_id == site.id, Stock.item_id == item.id))


def count(session, model, *where):
    """How many rows of `model` (matching `where`) the database holds, read afresh."""
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def movements(session):
    """How many ledger lines there are, after ending the test's own transaction (so SQLite
    shows what the requests committed since)."""
    session.rollback()
    return count(session, Movement)
