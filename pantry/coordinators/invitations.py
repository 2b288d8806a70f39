"""How a person becomes a coordinator and proves it: invitations, one-time links, passwords, sign-in.

All coordinators are peers, so any of them may invite another. Only a token's hash is stored;
the link holding the token is shown once, to the person who asked for it.
"""
import re
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from pantry import emails, journal
from pantry.coordinators.models import Coordinator, Invitation, hash_token, new_token
from pantry.refusals import Refusal
from pantry.text import has_control_characters

EMAIL_MAX = 254
NAME_MAX = 120
PASSWORD_MIN = 10
PASSWORD_MAX = 256
TOKEN_MAX = 128
# Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
EMAIL_PATTERN = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f.]+$")


class InvitationError(Refusal):
    """What can go wrong with an invitation, a password or a sign-in."""

    code = "invitation_error"
    status = 422
    message = _l("That could not be done.")


class BadEmail(InvitationError):
    code = "bad_email"
    message = _l("Enter an email address such as name@example.org.")


class BadName(InvitationError):
    code = "bad_name"
    message = _l("Use a name of up to %(most)d characters, without unusual invisible characters.", most=NAME_MAX)


class BadPassword(InvitationError):
    code = "bad_password"
    message = _l("Choose a password of at least %(least)d characters.", least=PASSWORD_MIN)


class UnknownInvitation(InvitationError):
    code = "unknown_invitation"
    status = 404
    message = _l("This link is not valid. Check that you copied all of it, or ask a coordinator for a new one.")


class ExpiredInvitation(InvitationError):
    code = "expired_invitation"
    status = 410
    message = _l("This link has expired. Ask a coordinator for a new one.")


class UsedInvitation(InvitationError):
    code = "used_invitation"
    status = 410
    message = _l(
        "This link has been used already, or a newer one replaced it. Sign in, or ask a coordinator for a new link."
    )


class WaitingForAgreement(InvitationError):
    code = "waiting_for_agreement"
    status = 403
    message = _l("This link works once a second coordinator has agreed to the invitation. Ask them to look "
                 "at the coordinators page.")
class SignInFailed(InvitationError):
    code = "sign_in_failed"
    message = _l("Email or password is wrong.")


def normalise_email(email):
    """Exactly one address (pantry.emails), lowercased."""
    email = (email or "").strip().lower()
    if len(email) > EMAIL_MAX or not EMAIL_PATTERN.fullmatch(email) or not emails.is_one_address(email):
        raise BadEmail()
    return emails.one_address(email)


def check_password(password):
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise BadPassword()
    if len(password) > PASSWORD_MAX:
        raise BadPassword(_l("Use a password of at most 256 characters."))
    return password


def invite(session, email, name, now, base_url, days, invited_by):
    """Make a one-time link to set a password, and the coordinator it belongs to if new.

    Returns (coordinator, link). Inviting someone who is already a coordinator issues a
    fresh link: that is how a forgotten password is reset. Their current password keeps
    working until the link is used (so nobody can lock a peer out), their older links stop
    working, and the new Invitation records who asked for it.

    The admin screens never reach this for a member (membership.invite refuses it): a new
    password for a member comes by the reset link mailed to them, or by two others agreeing.
    """
    email = normalise_email(email)
    name = clean_name(name)
    coordinator = session.scalar(select(Coordinator).where(Coordinator.email == email))
    if coordinator is None:
        coordinator = Coordinator(email=email, name=name, created_at=now)
        session.add(coordinator)
        session.flush()
    elif name and not coordinator.name:
        coordinator.name = name
    _retire_open_links(session, coordinator, now)
    token = new_token()
    session.add(Invitation(
        coordinator_id=coordinator.id,
        token_hash=hash_token(token),
        invited_by=(invited_by or "")[:EMAIL_MAX],
        created_at=now,
        expires_at=now + timedelta(days=days),
    ))
    session.flush()
    return coordinator, f"{base_url.rstrip('/')}/admin/welcome/{token}"


def add_with_password(session, email, name, password, now):
    """Add a coordinator who can sign in at once (from the command line, where the
    person at the keyboard already runs the server). For an existing coordinator it
    sets a new password, and their open links stop working."""
    email = normalise_email(email)
    name = clean_name(name)
    check_password(password)
    coordinator = session.scalar(select(Coordinator).where(Coordinator.email == email))
    if coordinator is None:
        coordinator = Coordinator(email=email, name=name, created_at=now)
        session.add(coordinator)
    elif name:
        coordinator.name = name
    coordinator.set_password(password)
    coordinator.joined_at, coordinator.left_at = coordinator.joined_at or now, None
    session.flush()
    journal.record(session, None, "coordinator.added", email, {}, {"name": coordinator.name}, now)
    _retire_open_links(session, coordinator, now)
    return coordinator


def open_invitation(session, token, now):
    """The invitation behind a link, if it can still be used; a typed error if not."""
    if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX:
        raise UnknownInvitation()
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise UnknownInvitation()
    if invitation.used_at is not None:
        raise UsedInvitation()
    if invitation.expires_at <= now:
        raise ExpiredInvitation()
    if invitation.waiting:
        raise WaitingForAgreement()
    return invitation


def accept(session, token, password, now):
    """Use a one-time link: set the password and spend the link. Returns the coordinator."""
    invitation = open_invitation(session, token, now)
    check_password(password)
    # Spent with a conditional update, so two tabs posting the same link set one password.
    spent = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise UsedInvitation()
    coordinator = session.get(Coordinator, invitation.coordinator_id)
    coordinator.set_password(password)
    session.flush()
    _retire_open_links(session, coordinator, now)
    return coordinator


def authenticate(session, email, password):
    """The coordinator with this email and password, or SignInFailed.

    The answer never says which of the two was wrong, and a password is hashed
    even for an unknown email, so the time taken does not tell either."""
    email = (email or "").strip().lower()
    password = password if isinstance(password, str) else ""
    coordinator = None
    if EMAIL_PATTERN.fullmatch(email) and len(email) <= EMAIL_MAX and len(password) <= PASSWORD_MAX:
        coordinator = session.scalar(select(Coordinator).where(Coordinator.email == email))
    if coordinator is None or coordinator.password_hash is None or coordinator.left_at is not None:
        check_password_hash(_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"]), password[:PASSWORD_MAX])
        raise SignInFailed()
    if not coordinator.check_password(password):
        raise SignInFailed()
    return coordinator


def clean_name(name):
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX or has_control_characters(name):
        raise BadName()
    return name


def _retire_open_links(session, coordinator, now):
    session.execute(
        update(Invitation)
        .where(Invitation.coordinator_id == coordinator.id, Invitation.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


@cache
def _stand_in_hash(method):
    """A hash to check against when there is no real one (made as a real one is, so it takes
    as long to check), made once per process."""
    return generate_password_hash(new_token(), method=method)
