"""Coordinators (all peers) and the one-time links that let them set a password."""
import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from pantry.database import UTCDateTime, utcnow
from pantry.extensions import db


class Coordinator(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str | None] = mapped_column(String(12))  # their mails' language; None: the deployment's
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def display_name(self):
        return self.name or self.email

    def get_id(self):
        """What the session cookie holds: the id and a fingerprint of the password, so setting a
        new password (after a lost phone, say) ends every session signed in with the old one."""
        return f"{self.id}:{self.password_fingerprint}"

    @property
    def password_fingerprint(self):
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]


class Invitation(db.Model):
    """A one-time link to set a password. Only the token's hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey(Coordinator.id), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coordinator: Mapped[Coordinator] = relationship()


def new_token():
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()
