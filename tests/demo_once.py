"""The demo network loaded through its rules once per leg, then copied into each test that
wants it as the same rows: a load writes some 850 ledger entries (seconds of work), a copy is one
INSERT of many rows per table.

`load(session, now, name)`: the first call with a `name` runs `pantry.demo.load` for real and
keeps every row of every table it wrote (and what it said); a later call with that `name` finds
the tables empty (the app fixture emptied them) and inserts the rows kept, ids and all, so the
copy is the load's very result. The ids do not collide with what a test adds after: SQLite gives
a new row the largest id plus one, and on PostgreSQL each copied table's sequence is moved past
its rows (a test between the load and the copy may have started the sequences again).
tests/test_demo.py runs the load itself, and checks a copy is the load (test_a_copy_is_the_load)."""
from sqlalchemy import bindparam, func, select, text

from pantry import demo
from pantry.database import writer
from pantry.extensions import db

_kept = {}  # name: (what the load said, {table name: [row, ...]})


def load(session, now, name):
    """The demo network at `now`, as `pantry.demo.load` leaves it; committed. Returns what it said."""
    if name in _kept and _empty(session):
        said, rows = _kept[name]
        with writer():
            for table in db.metadata.sorted_tables:
                if rows[table.name]:
                    _copy(session, table, rows[table.name])
            session.commit()
        return said
    fresh = _empty(session)
    with writer():
        said = demo.load(session, now)
        session.commit()
    if fresh and name not in _kept:
        _kept[name] = said, rows_of(session)
    return said


def rows_of(session):
    """Every row of every table, as {table name: [{column: value}, ...]}, in id order."""
    session.rollback()  # read what was committed, not an older snapshot
    return {
        table.name: [dict(row) for row in session.execute(
            select(table).order_by(*table.primary_key.columns)).mappings()]
        for table in db.metadata.sorted_tables
    }


def _copy(session, table, rows):
    """Insert the rows; a column naming a row of its own table (a transfer's two movements name each
    other) is filled in after, once every row it may name is there."""
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    session.execute(table.insert(), [{**row, **dict.fromkeys(own)} for row in rows])
    for name in own:
        named = [{"row": row["id"], "named": row[name]} for row in rows if row[name] is not None]
        if named:
            session.execute(
                table.update().where(table.c.id == bindparam("row")).values({name: bindparam("named")}), named)
    if session.get_bind().dialect.name == "postgresql" and "id" in table.c:
        session.execute(text(
            "SELECT setval(s::regclass, GREATEST(:top, COALESCE(pg_sequence_last_value(s::regclass), 0)))"
            " FROM pg_get_serial_sequence(:table, 'id') AS s WHERE s IS NOT NULL"),
            {"top": max(row["id"] for row in rows), "table": table.name})


def _empty(session):
    return all(session.scalar(select(func.count()).select_from(table)) == 0 for table in db.metadata.sorted_tables)
