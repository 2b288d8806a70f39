"""The outbox's rows: news that happened at a site, the messages that tell someone of it, the
people and group chats who follow, and the worker's periodic jobs."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.sites.models import Site

STATES = ("waiting", "sent", "failed", "dead")


class News(db.Model):
    """Something a follower may be told of: an item ran out, a fridge went warm. The feeds read these."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(120), unique=True)  # the event's own name: once per event
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    site: Mapped[Site] = relationship(lazy="joined")


class Message(db.Model):
    """One message to one recipient about one event, written in the event's own transaction.
    `recipient` names who, never their address ("follower:7", "coordinator:2", "webhook:1"):
    the address is looked up when the message goes, so a forgotten follower is never written to."""

    __table_args__ = (
        UniqueConstraint("recipient", "event", name="uq_message_recipient_event"),
        CheckConstraint("state IN ('waiting', 'sent', 'failed', 'dead')", name="state"),
        Index("ix_message_due", "state", "due_at"),
        Index("ix_message_recipient_topic", "recipient", "topic", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))  # mail, webhook, push
    letter: Mapped[str] = mapped_column(String(24))  # how it is written: "news", "reminder", "too-warm"...
    recipient: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(120))
    topic: Mapped[str | None] = mapped_column(String(16))  # the kind of news, for followers' windows
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(8), default="waiting")
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Follower(db.Model):
    """Someone told of a site's news by mail, without an account. The address is seen by nobody
    but the worker that writes to it, and is gone (the whole row) at unsubscribe."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id), index=True)
    email: Mapped[str] = mapped_column(String(254))
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    digest_hour: Mapped[int | None]  # None: as it happens; else a daily digest at this local hour
    language: Mapped[str] = mapped_column(String(12), default="en")
    nonce: Mapped[str] = mapped_column(String(32), unique=True)  # what its private links are made from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship(lazy="joined")


class Webhook(db.Model):
    """A group chat's bridge: news of the chosen kinds POSTed as signed JSON to a URL."""

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)  # in a row; reset by a delivery that works
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PushSubscription(db.Model):
    """A phone's Push API subscription to a site's news (the endpoint and the browser's keys)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(60))
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Job(db.Model):
    """A periodic job of the worker and when it is next due; a worker runs it only after moving
    `due_at` on with one conditional UPDATE, so two workers never run it at the same turn."""

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
