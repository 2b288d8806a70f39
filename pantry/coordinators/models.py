"""Coordinators (all peers), the one-time links that let them set a password, the links that
confirm a new email address, and the reviews of a coordinator's membership with their votes."""
import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db
from pantry.sealed import Sealed


class Coordinator(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str | None] = mapped_column(String(12))  # their mails' language; None: the deployment's
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first password set
    language: Mapped[str] = mapped_column(String(8), default="")
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # stepped down or removed by review

    @property
    def is_member(self):
        """Joined (a password set) and not left: who counts, votes and agrees."""
        return self.password_hash is not None and self.left_at is None
    # Part of every session's fingerprint: signing out bumps it, so a copied cookie stops working.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Two-step sign-in: the TOTP secret their phone shares (None: off), and since when it is on.
    # Sealed under a key from SECRET_KEY (pantry/sealed.py): a copy of the database does not hold it.
    totp_secret: Mapped[str | None] = mapped_column(Sealed)
    two_step_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def set_password(self, password):
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password):
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def display_name(self):
        return self.name or self.email

    def get_id(self):
        """What the session cookie holds: the id and a fingerprint of the password and the session
        generation, so setting a new password (after a lost phone, say) or signing out ends every
        session signed in before."""
        return f"{self.id}:{self.password_fingerprint}"

    @property
    def password_fingerprint(self):
        signed_in_with = f"{self.password_hash or ''}:{self.session_generation or 0}"
        return hashlib.sha256(signed_in_with.encode()).hexdigest()[:16]


class Invitation(db.Model):
    """A one-time link to set a password. Only the token's hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(254), default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey(Coordinator.id))
    # From three coordinators on, a second one agrees before the link works.
    needs_agreement: Mapped[bool] = mapped_column(default=False)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey(Coordinator.id))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coordinator: Mapped[Coordinator] = relationship(foreign_keys=[coordinator_id])
    inviter: Mapped[Coordinator | None] = relationship(foreign_keys=[invited_by_id])
    agreed_by: Mapped[Coordinator | None] = relationship(foreign_keys=[agreed_by_id])

    @property
    def waiting(self):
        return self.needs_agreement and self.agreed_at is None


class EmailConfirmation(db.Model):
    """A link mailed to a new address; the address becomes the coordinator's once it is opened."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), index=True)
    new_email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Review(db.Model):
    """A proposal about one coordinator's membership, voted on by those who were members when it opened."""

    __table_args__ = (CheckConstraint("outcome IS NULL OR outcome IN ('remove', 'keep')", name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), index=True)
    reason: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    round: Mapped[int] = mapped_column(default=1)
    round_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(8))

    subject: Mapped[Coordinator] = relationship(foreign_keys=[subject_id])
    opened_by: Mapped[Coordinator] = relationship(foreign_keys=[opened_by_id])

    @property
    def is_open(self):
        return self.closed_at is None


class ReviewVoter(db.Model):
    """Who may vote on a review: the members when it opened, written then, the person concerned too."""

    review_id: Mapped[int] = mapped_column(ForeignKey(Review.id), primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), primary_key=True)


class ReviewVote(db.Model):
    """One voter's scores in one round, -2 to +2 for each choice."""

    __table_args__ = (
        UniqueConstraint("review_id", "round", "voter_id"),
        *(CheckConstraint(f"{choice} BETWEEN -2 AND 2", name=f"{choice}_score")
          for choice in ("remove", "keep", "discuss")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey(Review.id), index=True)
    round: Mapped[int]
    voter_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id))
    remove: Mapped[int]
    keep: Mapped[int]
    discuss: Mapped[int]
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime)

    voter: Mapped[Coordinator] = relationship()


class Recovery(db.Model):
    """A way back in for a coordinator who forgot their password when no mail is set up: one
    coordinator asks, a second agrees, and the first of them to hand it over gets the link."""

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey(Coordinator.id))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey(Coordinator.id))
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the owner saw it at their next sign-in

    subject: Mapped[Coordinator] = relationship(foreign_keys=[subject_id])
    asked_by: Mapped[Coordinator] = relationship(foreign_keys=[asked_by_id])
    agreed_by: Mapped[Coordinator | None] = relationship(foreign_keys=[agreed_by_id])
    handed_by: Mapped[Coordinator | None] = relationship(foreign_keys=[handed_by_id])


class SignedIn(db.Model):
    """One signed-in session: its id and a token (kept hashed) are in the session cookie, and ending
    the row ends the session. What it says of where: a browser family and a system, never an address."""

    __tablename__ = "coordinator_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    browser: Mapped[str] = mapped_column(String(40), default="")
    system: Mapped[str] = mapped_column(String(40), default="")
    two_step_step: Mapped[int | None] = mapped_column()  # the TOTP time step signed in with: never again
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(db.Model):
    """One of the ten one-time codes that stand in for the phone at two-step sign-in. Only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def new_token():
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()
