"""How Pantry talks to its database: SQLite pragmas, write transactions and UTC timestamps."""
import math
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import current_app, has_app_context
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.types import TypeDecorator

# How long a write waits for a lock before giving up with OperationalError (answered 503 +
# Retry-After, pantry/errors.py). The app's settings of the same names override these.
SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_LOCK_TIMEOUT_MS = 10_000
_writer = ContextVar("pantry_sqlite_writer", default=False)


def _setting(name, default):
    """A timeout from the app whose engine is connecting (connections open inside its context)."""
    return int(current_app.config.get(name, default)) if has_app_context() else default


@event.listens_for(Engine, "connect")
def _configure_connection(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        _configure_sqlite(dbapi_connection)
    elif type(dbapi_connection).__module__.startswith("psycopg"):
        _configure_postgres(dbapi_connection)


def _configure_postgres(dbapi_connection):
    """A row lock held too long (a stuck transaction) fails the waiting write instead of hanging it."""
    timeout = _setting("POSTGRES_LOCK_TIMEOUT_MS", POSTGRES_LOCK_TIMEOUT_MS)
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {timeout}")
    dbapi_connection.commit()


def _configure_sqlite(dbapi_connection):
    """Every SQLite connection: WAL, foreign keys, a busy timeout, and our own BEGIN."""
    # Let SQLAlchemy's "begin" event issue BEGIN, so writers can ask for BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {_setting('SQLITE_BUSY_TIMEOUT_MS', SQLITE_BUSY_TIMEOUT_MS)}")
    cursor.execute("PRAGMA foreign_keys = ON")
    if dbapi_connection.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    try:  # the search sorts by distance in SQL: SQLite has sin, cos and radians since 3.35, if built with them
        cursor.execute("SELECT sin(radians(cos(0)))")
    except sqlite3.OperationalError:
        add_math_functions(dbapi_connection)
    cursor.close()


def add_math_functions(dbapi_connection):
    """Python's sin, cos and radians as SQL functions, for a SQLite built without its own."""
    for name, function in (("sin", math.sin), ("cos", math.cos), ("radians", math.radians)):
        dbapi_connection.create_function(name, 1, _unless_null(function), deterministic=True)


def _unless_null(function):
    return lambda value: None if value is None else function(value)


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn):
    """On SQLite, a writer takes the write lock at its first statement (BEGIN IMMEDIATE).

    A deferred transaction that read first and then writes fails at once with
    "database is locked" when another writer committed in between; BEGIN
    IMMEDIATE waits its turn under the busy timeout instead. Readers stay
    deferred, so they never queue behind writers."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _writer.get() else "BEGIN")


@contextmanager
def writer():
    """Mark the transactions begun inside this block as writers (for CLI commands and tests)."""
    token = _writer.set(True)
    try:
        yield
    finally:
        _writer.reset(token)


@contextmanager
def reader():
    """Inside a writer, mark the transactions begun in this block as readers again: a read on a
    connection of its own (pantry/network.py) must not queue for the write lock its own request holds."""
    token = _writer.set(False)
    try:
        yield
    finally:
        _writer.reset(token)


def utcnow():
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC on every backend and handed back aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Pantry stores aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def end_transaction(session):
    """Roll back what the session holds open. When the database cut the connection meanwhile
    (a restart, a terminated backend), SQLAlchemy has dropped it and there is nothing left to
    undo: no error for a request that has its answer already."""
    try:
        session.rollback()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        session.rollback()


def commit_write(session, write):
    """Run a rule that writes, and commit: the one commit point of a request.

    The reads that came before (finding the tag, checking the form) end first, so the
    write transaction is short and, on SQLite, holds the write lock only while the
    rule runs. When a unique constraint turns the commit down (a twin request with the
    same idempotency key, or a second correction of one entry, won the race), the rule
    runs once more: it now sees the twin and answers as it did."""
    session.commit()
    with writer():
        try:
            result = write()
            session.commit()
            return result
        except IntegrityError:
            session.rollback()
        result = write()
        session.commit()
        return result
