"""Items, the stock of each item at each site, its batches, and the movements of the ledger."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.sites.models import Site

CATEGORIES = {
    "produce": _l("Fruit and vegetables"),
    "dairy": _l("Dairy and eggs"),
    "bakery": _l("Bread and bakery"),
    "meals": _l("Prepared meals"),
    "canned": _l("Canned food"),
    "dry": _l("Dry goods"),
    "drinks": _l("Drinks"),
    "baby": _l("Baby"),
    "hygiene": _l("Hygiene"),
    "other": _l("Other"),
}

KINDS = ("restock", "take", "discard", "count", "correction", "transfer")
# Why a discard was thrown out (the impact report counts them by reason).
DISCARD_REASONS = {
    "past_date": _l("Past its date"),
    "warm": _l("Warm"),
    "damaged": _l("Damaged"),
}
LARGEST_GRAMS = 50_000  # a typical weight above 50 kg is a typing mistake, not an item


class Item(db.Model):
    """A kind of thing kept in stock, network-wide: "Milk 1 L", "Canned beans"."""

    __table_args__ = (
        Index("ix_item_category_name", "category", "name", "id"),  # the items list, a page at a time
        CheckConstraint(f"category IN {tuple(CATEGORIES)}", name="category"),
        CheckConstraint(f"typical_grams IS NULL OR typical_grams BETWEEN 1 AND {LARGEST_GRAMS}", name="typical_grams"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    category: Mapped[str] = mapped_column(String(12), default="other")
    unit: Mapped[str] = mapped_column(String(40), default="")
    # Cold-chain food: a warm fridge puts its batches in question (pantry.care.excursions).
    keep_cold: Mapped[bool] = mapped_column(default=False)
    typical_grams: Mapped[int | None]  # for the impact report's estimate in kilograms
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def category_label(self):
        return CATEGORIES[self.category]

    def __repr__(self):
        return f"<Item {self.name}>"


class Stock(db.Model):
    """One item at one site: how many there are now, how many we aim for, and whether
    the count can be trusted. Its row is the lock that writers of this item take."""

    __table_args__ = (
        UniqueConstraint("site_id", "item_id"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("target IS NULL OR target >= 0", name="target_not_negative"),
        # "Where can I find..." (pantry.needs.search) counts and sorts its matches from this index alone
        Index("ix_stock_item_quantity_site", "item_id", "quantity", "site_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.id))
    quantity: Mapped[int] = mapped_column(default=0)
    target: Mapped[int | None]
    count_looks_off: Mapped[bool] = mapped_column(default=False)
    last_restocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship()
    item: Mapped[Item] = relationship(lazy="joined")

    @property
    def shortfall(self):
        return max((self.target or 0) - self.quantity, 0)


class Batch(db.Model):
    """The stock of one item at one site with one best-before date (or none)."""

    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        Index("ix_batch_site_item", "site_id", "item_id", "best_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.id))
    best_before: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()


class Movement(db.Model):
    """One line of the ledger. Never edited or deleted: a mistake gets a correction
    that names it. `quantity` is what the person said; `delta` is what it did to the stock."""

    __table_args__ = (
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint(f"reason IS NULL OR reason IN {tuple(DISCARD_REASONS)}", name="reason"),
        # A site's ledger a page at a time (newest first, from an entry) and its days: pantry.stock.history.
        Index("ix_movement_site_time", "site_id", "created_at", "id"),
        Index("ix_movement_time", "created_at"),  # the network's impact report over a range
        Index("ix_movement_site_latest", "site_id", "id"),  # a site's latest movement, at once
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    item_id: Mapped[int] = mapped_column(ForeignKey(Item.id))
    kind: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int]
    delta: Mapped[int]
    best_before: Mapped[date | None] = mapped_column(Date)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("movement.id"), unique=True)
    # A transfer is two movements, out of one site and into another, each naming the other.
    pairs_id: Mapped[int | None] = mapped_column(ForeignKey("movement.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(String(12))  # a discard's reason, DISCARD_REASONS
    source: Mapped[str] = mapped_column(String(12), default="scan")
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    item: Mapped[Item] = relationship(lazy="joined")
    corrects: Mapped["Movement | None"] = relationship(
        remote_side=[id], foreign_keys=[corrects_id], back_populates="corrected_by"
    )
    corrected_by: Mapped["Movement | None"] = relationship(
        foreign_keys=[corrects_id], back_populates="corrects"
    )
    pair: Mapped["Movement | None"] = relationship(remote_side=[id], foreign_keys=[pairs_id], post_update=True)
    allocations: Mapped[list["Allocation"]] = relationship(order_by="Allocation.id")

    @property
    def kind_label(self):
        return MOVEMENT_LABELS[self.kind]


class Allocation(db.Model):
    """How much of a movement's delta landed on which batch, so a correction can put it back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey(Movement.id), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey(Batch.id), index=True)
    delta: Mapped[int]


MOVEMENT_LABELS = {
    "restock": _l("Restock"),
    "take": _l("Take"),
    "discard": _l("Discard"),
    "count": _l("Count"),
    "correction": _l("Correction"),
    "transfer": _l("Transfer"),
}
