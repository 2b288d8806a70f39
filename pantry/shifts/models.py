"""Shift patterns, the shifts they make, the people who sign up, and the reminders sent."""
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.sites.models import Site

SHIFT_KINDS = {
    "cleaning": _l("Cleaning"),
    "temperature": _l("Temperature check"),
    "restock": _l("Restock run"),
}
WEEKDAYS = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


class ShiftPattern(db.Model):
    """A weekly rule: "Mon, Wed, Fri 09:00 to 09:30, 2 people, cleaning", in the site's local time."""

    __table_args__ = (
        CheckConstraint("kind IN ('cleaning', 'temperature', 'restock')", name="kind"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("last_day IS NULL OR last_day >= first_day", name="ends_after_it_starts"),
        CheckConstraint("weekdays > 0 AND weekdays < 128", name="weekdays"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id), index=True)
    kind: Mapped[str] = mapped_column(String(12), default="cleaning")
    weekdays: Mapped[int]  # bit 0 = Monday ... bit 6 = Sunday
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    capacity: Mapped[int]
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")

    def on(self, day):
        return bool(self.weekdays >> day.weekday() & 1)

    @property
    def kind_label(self):
        return SHIFT_KINDS[self.kind]

    @property
    def weekday_labels(self):
        return [str(label) for bit, label in enumerate(WEEKDAYS) if self.weekdays >> bit & 1]


class Shift(db.Model):
    """One concrete shift. `taken` counts live sign-ups; it only moves by
    `taken = taken +/- 1` guarded by `taken < capacity`, so places are never oversold."""

    __table_args__ = (
        UniqueConstraint("pattern_id", "day", name="uq_shift_pattern_day"),
        CheckConstraint("kind IN ('cleaning', 'temperature', 'restock')", name="kind"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_shift_site_starts", "site_id", "starts_at"),
        Index("ix_shift_starts", "starts_at", "id"),  # the week's rota across the network, a page at a time
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey(Site.id))
    pattern_id: Mapped[int | None] = mapped_column(ForeignKey(ShiftPattern.id))
    kind: Mapped[str] = mapped_column(String(12), default="cleaning")
    day: Mapped[date] = mapped_column(Date)  # the local day it was made for
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(default=0)  # RFC 5545 SEQUENCE: bumped on every change
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")
    pattern: Mapped[ShiftPattern | None] = relationship()
    sign_ups: Mapped[list["SignUp"]] = relationship(back_populates="shift", order_by="SignUp.id")

    @property
    def kind_label(self):
        return SHIFT_KINDS[self.kind]

    @property
    def open_places(self):
        return max(self.capacity - self.taken, 0)

    @property
    def cancelled(self):
        return self.cancelled_at is not None


class SignUp(db.Model):
    """A place on a shift, taken without an account. The manage token is stored hashed."""

    __table_args__ = (
        Index(
            "uq_sign_up_shift_email", "shift_id", "email", unique=True,
            sqlite_where=text("cancelled_at IS NULL AND email IS NOT NULL"),
            postgresql_where=text("cancelled_at IS NULL AND email IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey(Shift.id), index=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    show_name: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(8), default="en")  # for the reminder mail
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[Shift] = relationship(back_populates="sign_ups")

    @property
    def first_name(self):
        return self.name.split()[0] if self.name.split() else ""


class Reminder(db.Model):
    """A reminder claimed before it is sent: the unique key is what makes
    `send-reminders` safe to run twice at once."""

    __table_args__ = (UniqueConstraint("kind", "shift_id", "sign_up_id", name="uq_reminder_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # "volunteer-24h", "coordinators-48h"
    shift_id: Mapped[int] = mapped_column(ForeignKey(Shift.id), index=True)
    sign_up_id: Mapped[int] = mapped_column(default=0)  # 0 when the reminder is about the shift
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
