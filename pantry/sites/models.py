"""The Site and its state."""
from datetime import datetime

from flask_babel import lazy_gettext as _l, lazy_pgettext
from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db

SITE_KINDS = {"fridge": _l("Fridge"), "freezer": _l("Freezer"), "pantry": _l("Pantry shelf")}
# With a context: "Open" is also a button that opens a label's code, a verb in other languages.
SITE_STATES = {
    "open": lazy_pgettext("site state", "Open"),
    "closed": lazy_pgettext("site state", "Closed"),
    "out_of_order": lazy_pgettext("site state", "Out of order"),
}


class Site(db.Model):
    __table_args__ = (
        CheckConstraint("kind IN ('fridge', 'freezer', 'pantry')", name="kind"),
        CheckConstraint("state IN ('open', 'closed', 'out_of_order')", name="state"),
        Index("ix_site_name", "name", "id"),  # coordinators' lists of sites, a page at a time (pantry.sites.by_name)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(12), default="fridge")
    state: Mapped[str] = mapped_column(String(12), default="open")
    hours: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Where it is, for "Where can I find..." (pantry.needs.search): set by coordinators.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    neighbourhood: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When coordinators were last mailed that it is too warm (at most one mail per WARM_ALERT_MINUTES).
    warm_alert_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def kind_label(self):
        return SITE_KINDS[self.kind]

    @property
    def state_label(self):
        return SITE_STATES[self.state]

    def __repr__(self):
        return f"<Site {self.slug}>"
