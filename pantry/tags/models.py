"""A Tag is a printed label: a short random code that points at a site, an item at a site,
or a site's cleaning checklist. It never carries a database id."""
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock.models import Item

# No 0/O, 1/I/L: the code is also typed by hand from the print under the QR.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
PURPOSES = {"site": _l("This fridge"), "item": _l("One item"), "care": _l("Cleaning checklist")}


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed):
    """What a person typed, as a code: upper case, without spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


class Tag(db.Model):
    __table_args__ = (
        CheckConstraint("purpose IN ('site', 'item', 'care')", name="purpose"),
        CheckConstraint("(purpose = 'item') = (item_id IS NOT NULL)", name="item_only_for_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey(Item.id))
    purpose: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship(lazy="joined")
    item: Mapped[Item | None] = relationship(lazy="joined")

    @property
    def revoked(self):
        return self.revoked_at is not None

    def __repr__(self):
        return f"<Tag {self.code} {self.purpose}>"
