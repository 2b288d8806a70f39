"""SECURITY.md says what the code does about private links (issue 12, point 11): a manage link's
token is HMAC(SECRET_KEY, the sign-up's idempotency key) cut to 160 bits, only its hash is stored,
and the key is stored in clear; an invitation's is 256 random bits, stored only as a hash."""
import hashlib
import hmac
from pathlib import Path

from sqlalchemy import select

from pantry.coordinators import invitations
from pantry.coordinators.models import Invitation
from pantry.database import utcnow
from pantry.shifts.models import SignUp

SECURITY = (Path(__file__).resolve().parents[2] / "SECURITY.md").read_text()


def test_the_manage_link_is_what_security_md_says(app, session, network):
    place = session.scalar(select(SignUp).where(SignUp.name == "Bo Chen"))
    derived = hmac.new(app.secret_key.encode(), f"sign-up:{place.idempotency_key}".encode(),
                       hashlib.sha256).hexdigest()[:40]
    assert derived == network.manage_token  # the database plus the secret rebuild it
    assert place.token_hash == hashlib.sha256(derived.encode()).hexdigest() != derived
    assert 'HMAC-SHA256(SECRET_KEY, "sign-up:" +' in SECURITY and "cut to 160 bits" in SECURITY
    assert "the database together with `SECRET_KEY` rebuilds every manage link" in SECURITY
    assert "256-bit random\n  tokens stored only as hashes" not in SECURITY  # what it used to claim of both


def test_an_invitation_link_is_what_security_md_says(session):
    _, link = invitations.invite(session, "bea@example.org", "", utcnow(), "https://pantry.example",
                                 days=7, invited_by="")
    token = link.rsplit("/", 1)[1]
    stored = session.scalar(select(Invitation).where(Invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()))
    assert len(token) == 43 and stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert "a 256-bit random token\n  (`secrets.token_urlsafe(32)`) stored only as its SHA-256 hash" in SECURITY
