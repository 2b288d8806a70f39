"""A report of a site's condition, each person's word on it, and the photos that came with them.

Nothing here names the person: no address, no name, no device. A Report is the one open
report of its kind at its site (a partial unique index keeps it one); each ReportEntry is
one person's word on it, with its own idempotency key; a ReportPhoto is re-encoded and
stripped before it is kept, and only coordinators ever see it."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.sites.models import Site

KINDS = {
    "empty": _l("Empty"),
    "full": _l("Full (no room for more)"),
    "dirty": _l("Dirty"),
    "not_cold": _l("Not cold"),
    "broken": _l("Broken (door, light, power)"),
    "unwanted": _l("Something that should not be there"),
    "other": _l("Other"),
}
# How the pages say it: "Reported dirty".
REPORTED = {
    "empty": _l("Reported empty"),
    "full": _l("Reported full"),
    "dirty": _l("Reported dirty"),
    "not_cold": _l("Reported not cold"),
    "broken": _l("Reported broken"),
    "unwanted": _l("Reported: something that should not be there"),
    "other": _l("Reported: something else"),
}
# Why a report closed: by what fixed it, by a coordinator, or by a newer report after the window.
CLOSINGS = {
    "cleaned": _l("Closed by a cleaning check"),
    "reading": _l("Closed by a reading in range"),
    "restocked": _l("Closed by a restock"),
    "counted": _l("Closed by a count or a take"),
    "coordinator": _l("Closed by a coordinator"),
    "not_true": _l("Marked not true by a coordinator"),
    "lapsed": _l("Closed: reported again after a long gap"),
}
_KIND_LIST = ", ".join(f"'{kind}'" for kind in KINDS)
_CLOSING_LIST = ", ".join(f"'{closing}'" for closing in CLOSINGS)
OPEN = text("closed_at IS NULL")


class Report(db.Model):
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KIND_LIST})", name="kind"),
        CheckConstraint(f"closed_how IS NULL OR closed_how IN ({_CLOSING_LIST})", name="closed_how"),
        CheckConstraint("people >= 0", name="people_not_negative"),
        # One open report of a kind at a site: what several phones reporting at once merge into.
        Index("uq_report_open_kind", "site_id", "kind", unique=True,
              sqlite_where=OPEN, postgresql_where=OPEN),
        Index("ix_report_site_time", "site_id", "last_reported_at"),
        # The network's open reports, the latest first, a page at a time (coordinators' reports screen).
        Index("ix_report_open_time", "last_reported_at", "id", sqlite_where=OPEN, postgresql_where=OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    kind: Mapped[str] = mapped_column(String(12))
    people: Mapped[int] = mapped_column(default=0)  # how many reports merged into this one
    first_reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_how: Mapped[str | None] = mapped_column(String(12))
    closed_reason: Mapped[str] = mapped_column(String(200), default="")
    closed_by: Mapped[str] = mapped_column(String(254), default="")  # a coordinator's email, when one closed it
    close_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # a coordinator's close, replayed

    site: Mapped[Site] = relationship()
    entries: Mapped[list["ReportEntry"]] = relationship(back_populates="report", order_by="ReportEntry.id")

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def reported_label(self):
        return REPORTED[self.kind]

    @property
    def closed_label(self):
        return CLOSINGS.get(self.closed_how, "")

    @property
    def hidden(self):
        return self.closed_how == "not_true"


class ReportEntry(db.Model):
    """One person's report: the kind they chose, their note, when. Never who they are."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey(Report.id), index=True)
    note: Mapped[str] = mapped_column(String(280), default="")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload_digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8), default="form")  # form or api
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship(back_populates="entries")
    photo: Mapped["ReportPhoto | None"] = relationship(back_populates="entry")


class ReportPhoto(db.Model):
    """A photo as re-encoded here: no metadata, at most REPORT_PHOTO_SIDE pixels on its long side.
    Kept in the database so every server sees it; purged after REPORT_PHOTO_DAYS."""

    __table_args__ = (CheckConstraint("media_type IN ('image/webp', 'image/jpeg')", name="media_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey(ReportEntry.id), unique=True)
    media_type: Mapped[str] = mapped_column(String(16))
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only when the photo is served
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    entry: Mapped[ReportEntry] = relationship(back_populates="photo")
