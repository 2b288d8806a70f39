"""The network itself: what its first coordinator chose at setup (its name, time zone and language),
one row. The clock and the languages read it, falling back to the settings (TIMEZONE,
BABEL_DEFAULT_LOCALE) while there is none: a network set up by the demo or the command line.

It is read on a connection of its own, once per app and kept for KEEP_SECONDS (a date formatted costs no query); the process
that sets the network up forgets it at once, and every other process (another gunicorn worker, the
outbox worker) sees it within KEEP_SECONDS."""
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import CheckConstraint, String, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.pool import StaticPool

from pantry.database import UTCDateTime, reader
from pantry.extensions import db

KEPT = "pantry.network"  # in app.extensions: (until, Chosen or None)
KEEP_SECONDS = 30


class Network(db.Model):
    """What the first coordinator chose at setup: the network's name, time zone and language (one row)."""

    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(12))
    set_up_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Chosen:
    name: str
    timezone: str
    language: str


def chosen(clock=time.monotonic):
    """What setup chose, or None; read at most once per KEEP_SECONDS per app."""
    extensions, moment = current_app.extensions, clock()
    until, kept = extensions.get(KEPT, (None, None))
    if until is not None and moment < until:
        return kept
    query = select(Network.name, Network.timezone, Network.language).where(Network.id == 1)
    try:
        if isinstance(db.engine.pool, StaticPool):  # an in-memory SQLite: one connection, the session's
            row = db.session.execute(query).first()
        else:  # on a connection of its own: it never joins (or, failing, spoils) the request's transaction,
            with reader(), db.engine.connect() as connection:  # nor waits for the write lock the request holds
                row = connection.execute(query).first()
    except SQLAlchemyError as error:  # the database is down (the page says so): the settings, this once
        current_app.logger.warning("could not read the network's settings: %s", error)
        return None
    kept = Chosen(*row) if row is not None else None
    extensions[KEPT] = (moment + KEEP_SECONDS, kept)
    return kept


def forget():
    """After setup commits: this process reads the row again at once."""
    current_app.extensions.pop(KEPT, None)


def zone_name():
    """The network's time zone: the one chosen at setup, else the TIMEZONE setting."""
    kept = chosen()
    return kept.timezone if kept is not None else current_app.config["TIMEZONE"]


def default_language():
    """The language of a page whose reader asked for none we offer, and of mails to people who chose
    none: the one chosen at setup (while it is still offered), else BABEL_DEFAULT_LOCALE."""
    kept, config = chosen(), current_app.config
    if kept is not None and kept.language in config["LANGUAGES"]:
        return kept.language
    return config["BABEL_DEFAULT_LOCALE"]


def name():
    """The network's name as chosen at setup, or None."""
    kept = chosen()
    return kept.name if kept is not None else None
