"""What a cleaning visit did, every thermometer reading, the excursions and the food they put in question."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.shifts.models import Shift
from pantry.sites.models import Site
from pantry.stock.models import Batch


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


class Excursion(db.Model):
    """A stretch of time a fridge or freezer read out of range: from the first reading too warm
    until the next reading in range (open while `ended_at` is None). Its length is unknown when
    no reading came in the setting's hours before it (the fridge may have been warm since then)."""

    __table_args__ = (Index("ix_excursion_site_time", "site_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    length_known: Mapped[bool]
    warmest: Mapped[float]  # degrees Celsius
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when it put food in question

    site: Mapped[Site] = relationship()
    flags: Mapped[list["Flag"]] = relationship(back_populates="excursion", order_by="Flag.id")

    def length(self, now):
        return (self.ended_at or now) - self.started_at


class Flag(db.Model):
    """A cold-chain batch that was in the fridge during an excursion: check before eating.
    Cleared by a coordinator with a reason, or by the batch running out."""

    __table_args__ = (
        UniqueConstraint("excursion_id", "batch_id"),
        Index("ix_flag_site_open", "site_id", "cleared_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    excursion_id: Mapped[int] = mapped_column(ForeignKey(Excursion.id), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey(Batch.id), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by: Mapped[str] = mapped_column(String(120), default="")
    clear_reason: Mapped[str] = mapped_column(String(200), default="")
    clear_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    excursion: Mapped[Excursion] = relationship(back_populates="flags")
    batch: Mapped[Batch] = relationship()
