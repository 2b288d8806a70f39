"""Nobody may lose the books: a consistent copy of the SQLite database taken while the app keeps
serving, checked before it counts, and such a copy put back. PostgreSQL has its own tools
(pg_dump and pg_restore); these functions say so rather than half-do their work."""
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
BOOKS = ("site", "item", "stock", "batch", "movement")  # without these a file is not Pantry's
PG_DUMP = (
    "This deployment runs on PostgreSQL, and `flask pantry backup` copies SQLite files only.\n"
    "Back it up with pg_dump instead, for example:\n"
    "  pg_dump --format=custom --file=pantry-$(date +%F).dump \"postgresql://user@host/pantry\"\n"
    "(the README has the whole recipe)."
)
PG_RESTORE = (
    "This deployment runs on PostgreSQL, and `flask pantry restore` puts back SQLite files only.\n"
    "Put a pg_dump file back with pg_restore instead, for example:\n"
    "  pg_restore --clean --if-exists --no-owner --dbname=\"postgresql://user@host/pantry\" pantry.dump\n"
    "(the README has the whole recipe)."
)


class BackupRefused(Exception):
    """Why a backup or a restore did not happen, in words that say what to do instead."""


@dataclass
class Copy:
    path: Path
    size: int
    movements: int
    missing: tuple = ()  # tables this version has that the copy lacks: `flask db upgrade` adds them


def backup(engine, path, force=False):
    """Copy the database behind `engine` into `path` with SQLite's online backup API.

    The copy is made in one step, inside one read transaction: a single consistent snapshot,
    while other processes go on writing (the database is in WAL mode). It is written next to
    `path`, turned into one self-contained file, checked with PRAGMA integrity_check, and only
    then moved into place; an existing `path` is replaced only when `force` is given."""
    _require_sqlite(engine, PG_DUMP)
    target = Path(path)
    if target.is_dir():
        raise BackupRefused(f"{target} is a folder: give the path of the file to write, e.g. {target}/pantry.db")
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists already. Choose another path, or add --force to replace it.")
    if not target.parent.is_dir():
        raise BackupRefused(f"There is no folder {target.parent} to write the backup into.")
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    try:
        raw = engine.raw_connection()
        try:
            copy = sqlite3.connect(partial)
            try:
                raw.driver_connection.backup(copy)  # all pages in one step: one snapshot
                copy.execute("PRAGMA journal_mode = DELETE")  # no -wal file beside the copy
                problems, movements = _checked(copy)
            finally:
                copy.close()
        finally:
            raw.close()
        if problems:
            raise BackupRefused("The copy failed its integrity check, so it was not kept:\n" + "\n".join(problems))
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
    return Copy(target, target.stat().st_size, movements)


def restore(engine, path, tables, force=False):
    """Put the backup at `path` in place of the database behind `engine`, with the backup API.

    `path` must be a SQLite file holding Pantry's books (`tables` are the ones this version
    knows) that passes its integrity check. A database that already holds data is replaced
    only when `force` is given. Safe while nothing writes: stop the app first."""
    _require_sqlite(engine, PG_RESTORE)
    source, live_path = Path(path), engine.url.database
    _check_restorable(source, live_path)
    copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        held = _table_names(copy)
        if not set(BOOKS) <= held:
            raise BackupRefused(f"{source} does not hold Pantry's books (no {', '.join(sorted(set(BOOKS) - held))}).")
        problems = integrity_problems(copy)
        if problems:
            raise BackupRefused(f"{source} failed its integrity check, so it was not restored:\n" + "\n".join(problems))
        raw = engine.raw_connection()
        try:
            live = raw.driver_connection
            if not force and _holds_data(live):
                raise BackupRefused(
                    f"The app's database ({live_path}) already holds data. Add --force to replace it "
                    "with the backup (stop the app first)."
                )
            copy.backup(live)
            problems, movements = _checked(live)
        finally:
            raw.close()
    finally:
        copy.close()
    engine.dispose()  # no pooled connection keeps a page of what was there before
    if problems:
        raise BackupRefused("The restored database failed its integrity check:\n" + "\n".join(problems))
    return Copy(Path(live_path), Path(live_path).stat().st_size, movements,
                missing=tuple(sorted(set(tables) - held)))


def _check_restorable(source, live_path):
    """Refuse what is not a SQLite file, or has no plain SQLite file to go to, or is that file."""
    if not source.is_file():
        raise BackupRefused(f"There is no file at {source}.")
    if not live_path or live_path == ":memory:" or live_path.startswith("file:"):
        raise BackupRefused("The app's database is not a plain SQLite file, so there is nowhere to restore to.")
    if Path(live_path).exists() and source.resolve() == Path(live_path).resolve():
        raise BackupRefused(f"{source} is the app's own database.")
    with source.open("rb") as opened:
        if opened.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupRefused(f"{source} is not a SQLite database.")


def _checked(connection):
    """What its integrity check found, and how many ledger entries it holds."""
    return integrity_problems(connection), connection.execute("SELECT count(*) FROM movement").fetchone()[0]


def integrity_problems(connection):
    """What PRAGMA integrity_check found: empty when it says "ok"."""
    found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return [] if found == ["ok"] else found


def _require_sqlite(engine, advice):
    if engine.dialect.name != "sqlite":
        raise BackupRefused(advice)


def _table_names(connection):
    return {name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}


def _holds_data(connection):
    """Whether any table has a row (an empty, freshly migrated database holds none)."""
    for name in _table_names(connection) - {"alembic_version"}:
        quoted = name.replace('"', '""')
        if connection.execute(f'SELECT 1 FROM "{quoted}" LIMIT 1').fetchone():
            return True
    return False
