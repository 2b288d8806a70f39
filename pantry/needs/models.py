"""What neighbours ask for and donors promise. Nothing here names a person: an ask is a site,
an item (or a suggestion) and a time; a promise's only contact is an optional email, purged."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock.models import Item, Movement

SUGGESTION_STATES = ("open", "made", "dismissed")


class Suggestion(db.Model):
    """A name typed at a site that is not an item of the network: seen by coordinators only,
    grouped by its folded form ("Diapers size 5" and "diapers  size 5" are one)."""

    __table_args__ = (
        UniqueConstraint("site_id", "folded"),
        CheckConstraint(f"state IN {SUGGESTION_STATES}", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    name: Mapped[str] = mapped_column(String(60))
    folded: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(10), default="open")
    item_id: Mapped[int | None] = mapped_column(ForeignKey(Item.id))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship()


class Ask(db.Model):
    """One "I'd need..." at a site: for an item, or for a suggestion until it becomes one."""

    __table_args__ = (
        CheckConstraint("item_id IS NOT NULL OR suggestion_id IS NOT NULL", name="names_something"),
        Index("ix_ask_site_time", "site_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    item_id: Mapped[int | None] = mapped_column(ForeignKey(Item.id))
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey(Suggestion.id), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item | None] = relationship()


class Promise(db.Model):
    """"I'll bring N on <day>". Open until restocks bring all of it (kept), it is cancelled,
    or its day ends (lapsed: worked out from the day, never stored, never shown as a fault)."""

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("brought >= 0 AND brought <= quantity", name="brought_within"),
        Index("ix_promise_site_item_day", "site_id", "item_id", "day"),
        Index("ix_promise_changed", "changed_at"),  # the home page's version: the network's latest change
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.id))
    quantity: Mapped[int]
    day: Mapped[date] = mapped_column(Date)  # the deployment's local day
    brought: Mapped[int] = mapped_column(default=0)  # what restocks on or after the day brought
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email: Mapped[str | None] = mapped_column(String(254))  # only to mail the link and a reminder
    language: Mapped[str] = mapped_column(String(8), default="en")
    link_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # claimed, then sent
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    item: Mapped[Item] = relationship(lazy="joined")

    @property
    def kept(self):
        return self.kept_at is not None

    def state(self, today):
        if self.cancelled_at is not None:
            return "cancelled"
        if self.kept_at is not None:
            return "kept"
        return "open" if self.day >= today else "lapsed"


class PromiseRestock(db.Model):
    """What one restock brought to one promise: a correction of that restock (an undo too)
    takes it back, so a promise is never kept by a restock that no longer stands. Only the
    standing restocks' parts are kept: a promise's `brought` is the sum of its rows."""

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey(Promise.id), index=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey(Movement.id), index=True)
    quantity: Mapped[int]


class ItemName(db.Model):
    """An item's name in another language ("Leche 1 L" for "Milk 1 L"), for search and pages."""

    __table_args__ = (UniqueConstraint("item_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.id))
    language: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(80))
