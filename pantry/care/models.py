"""What a cleaning visit did, and every thermometer reading."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, JSON, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.shifts.models import Shift
from pantry.sites.models import Site


class CareRecord(db.Model):
    __table_args__ = (Index("ix_care_record_site_time", "site_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey(Shift.id), index=True)
    checklist: Mapped[list] = mapped_column(JSON, default=list)  # the keys of the ticked items
    note: Mapped[str] = mapped_column(String(500), default="")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    shift: Mapped[Shift | None] = relationship()
    reading: Mapped["Reading | None"] = relationship(back_populates="care_record")


class Reading(db.Model):
    """A thermometer reading, always kept, in degrees Celsius whatever unit it was typed in."""

    __table_args__ = (
        CheckConstraint("celsius >= -40 AND celsius <= 40", name="celsius_in_range"),
        Index("ix_reading_site_time", "site_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    care_record_id: Mapped[int | None] = mapped_column(ForeignKey(CareRecord.id), unique=True)
    celsius: Mapped[float]
    in_range: Mapped[bool]
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    care_record: Mapped[CareRecord | None] = relationship(back_populates="reading")
