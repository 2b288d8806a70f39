"""Reading the books back in tests: what the database holds now, after the requests or rules
under test committed (or flushed) it."""
from contextlib import contextmanager

from sqlalchemy import event, func, select

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


@contextmanager
def statements(leaving_out=("BEGIN",), engine=None):
    """The SQL statements the app's engine (or `engine`) sends while the block runs, but those
    that begin with one of `leaving_out` (by default the transactions' BEGIN; () keeps all)."""
    from pantry.extensions import db

    engine = engine or db.engine
    sent = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if not (leaving_out and statement.startswith(tuple(leaving_out))):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)
