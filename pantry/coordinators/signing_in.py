"""What happens once a password is right: a session row is started and named in the cookie, or, when
the coordinator has two-step sign-in on, the sign-in waits for their code (kept in the cookie, for a
few minutes, with the password's fingerprint: a new password in between ends the wait)."""
import hmac
import time

from flask import flash, redirect, request, session, url_for
from flask_babel import format_datetime, gettext as _
from flask_login import login_user

from pantry.coordinators import recovery, sessions
from pantry.coordinators.models import Coordinator
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.languages import safe_next
from pantry.text import has_control_characters

SIGNED_IN = "signed_in"  # the session row, "id:token"
WAITING = "two_step_waiting"  # who typed the right password and owes a code
WAIT_SECONDS = 300


def after_password(coordinator, target):
    """The password was right: sign in, or ask for the second step."""
    if coordinator.totp_secret:
        session.clear()
        session[WAITING] = {"id": coordinator.id, "fingerprint": coordinator.password_fingerprint,
                            "until": int(time.time()) + WAIT_SECONDS, "next": target or ""}
        return redirect(url_for("coordinators.sign_in_code"), 303)
    now = utcnow()
    cookie = commit_write(db.session, lambda: sessions.start(db.session, coordinator, user_agent(), now))
    return finish(coordinator, cookie, target)


def waiting():
    """The coordinator whose password was right a moment ago in this browser, or None."""
    wait = session.get(WAITING)
    if not isinstance(wait, dict) or not isinstance(wait.get("id"), int) or wait.get("until", 0) < time.time():
        return None
    coordinator = db.session.get(Coordinator, wait["id"])
    if coordinator is None or coordinator.left_at is not None or not coordinator.totp_secret \
            or not hmac.compare_digest(coordinator.password_fingerprint, str(wait.get("fingerprint"))):
        return None
    return coordinator


def finish(coordinator, cookie, target):
    """Sign in on a fresh session (nothing set before carries over), then go where they were going."""
    begin(coordinator, cookie)
    tell_of_recoveries(coordinator)
    return redirect(after_sign_in(target), 303)


def begin(coordinator, cookie):
    session.clear()
    login_user(coordinator)
    session[SIGNED_IN] = cookie


def user_agent():
    return request.headers.get("User-Agent", "")


def tell_of_recoveries(coordinator):
    """The owner learns, at their next sign-in, of every link two others issued for them."""
    now = utcnow()
    for found in commit_write(db.session, lambda: recovery.tell(db.session, coordinator, now)):
        flash(_("On %(when)s, %(asked)s and %(agreed)s issued a one-time link to your account, handed over by "
                "%(handed)s. If you did not ask for it, tell the other coordinators.",
                when=format_datetime(found.handed_at, "short"), asked=found.asked_by.display_name,
                agreed=found.agreed_by.display_name, handed=found.handed_by.display_name), "warning")


def after_sign_in(target):
    """The page asked for before signing in, if it is a path on this site.

    Stricter than safe_next: browsers read "/\\host" and "/<tab>/host" as another host. Werkzeug
    percent-quotes both in the Location header today; refusing them here keeps that from mattering."""
    if not target or "\\" in target or any(ch.isspace() for ch in target) or has_control_characters(target):
        return url_for("coordinators.home")
    return safe_next(target, "coordinators.home")
