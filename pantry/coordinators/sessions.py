"""Where a coordinator is signed in: one row per sign-in, named in the session cookie, checked on every
coordinator request with one primary-key lookup. A coordinator sees their own and ends any of them.

What a row keeps of where: a browser family and a system, read from the User-Agent; never an address."""
import hmac
import re
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from pantry import journal
from pantry.coordinators.models import SignedIn, hash_token, new_token
from pantry.refusals import Refusal

SEEN_EVERY = timedelta(minutes=5)  # last seen is written at most this often, so a click costs no write
LARGEST_ID = 2**63 - 1
# First match wins: Edge and Opera also say Chrome, and Chrome also says Safari.
BROWSERS = [("Edge", r"Edg(e|A|iOS)?/"), ("Opera", r"OPR/|Opera"), ("Samsung Internet", r"SamsungBrowser/"),
            ("Firefox", r"Firefox/|FxiOS/"), ("Chrome", r"Chrome/|CriOS/|Chromium/"), ("Safari", r"Safari/")]
SYSTEMS = [("iOS", r"iPhone|iPad|iPod"), ("Android", r"Android"), ("ChromeOS", r"CrOS"),
           ("Windows", r"Windows"), ("macOS", r"Mac OS X|Macintosh"), ("Linux", r"Linux|X11")]


class SessionError(Refusal):
    code = "unknown_session"
    status = 404
    message = _l("That session is not one of yours, or it has ended already.")


def describe(user_agent):
    """The browser family and the system a User-Agent names, or "" for either it does not."""
    user_agent = (user_agent or "")[:512]
    return _first(BROWSERS, user_agent), _first(SYSTEMS, user_agent)


def start(session, coordinator, user_agent, now, step=None):
    """A new signed-in session; returns the value the cookie keeps ("id:token"). Only flushes."""
    browser, system = describe(user_agent)
    token = new_token()
    row = SignedIn(coordinator_id=coordinator.id, token_hash=hash_token(token), started_at=now, last_seen_at=now,
                   browser=browser, system=system, two_step_step=step)
    session.add(row)
    session.flush()
    return f"{row.id}:{token}"


def find(session, cookie_value, coordinator_id):
    """The live session the cookie names, if it is this coordinator's: one primary-key lookup."""
    row_id, _, token = str(cookie_value or "").partition(":")
    if not row_id.isascii() or not row_id.isdigit() or int(row_id) > LARGEST_ID or not token:
        return None
    row = session.get(SignedIn, int(row_id))
    if row is None or row.ended_at is not None or row.coordinator_id != coordinator_id:
        return None
    return row if hmac.compare_digest(row.token_hash, hash_token(token)) else None


def stale(row, now):
    return row.last_seen_at <= now - SEEN_EVERY


def seen(session, row_id, now):
    """Write last seen, unless another request did within SEEN_EVERY."""
    session.execute(update(SignedIn).where(SignedIn.id == row_id, SignedIn.last_seen_at <= now - SEEN_EVERY)
                    .values(last_seen_at=now).execution_options(synchronize_session=False))


def live(session, coordinator_id):
    """A coordinator's sessions that have not ended, the latest seen first."""
    return session.scalars(select(SignedIn).where(SignedIn.coordinator_id == coordinator_id, SignedIn.ended_at.is_(None))
                           .order_by(SignedIn.last_seen_at.desc(), SignedIn.id.desc())).all()


def end(session, who, row_id, now):
    """End one of the signed-in coordinator's own sessions (another's is refused as unknown)."""
    ended = session.execute(update(SignedIn).where(
        SignedIn.id == row_id, SignedIn.coordinator_id == who.id, SignedIn.ended_at.is_(None))
        .values(ended_at=now).execution_options(synchronize_session=False)).rowcount
    if not ended:
        raise SessionError()
    journal.record(session, who, "coordinator.session_ended", who.display_name, {}, {"session": row_id}, now)


def end_others(session, who, keep_id, now):
    """End every session of the coordinator but `keep_id` (None: every one). Returns how many ended."""
    query = update(SignedIn).where(SignedIn.coordinator_id == who.id, SignedIn.ended_at.is_(None))
    if keep_id is not None:
        query = query.where(SignedIn.id != keep_id)
    ended = session.execute(query.values(ended_at=now).execution_options(synchronize_session=False)).rowcount
    if ended:
        journal.record(session, who, "coordinator.sessions_ended", who.display_name, {}, {"ended": ended}, now)
    return ended


def end_this(session, who, row_id, now):
    """Signing out: this session ends (the cookie, copied or not, signs nobody in again). In the
    journal, as signing out always was."""
    session.execute(update(SignedIn).where(SignedIn.id == row_id, SignedIn.coordinator_id == who.id)
                    .values(ended_at=now).execution_options(synchronize_session=False))
    journal.record(session, who, "coordinator.signed_out", who.display_name, {}, {}, now)


def purge_ended(session, now, after):
    """Delete the sessions that ended more than `after` ago (SESSIONS_KEPT_DAYS; the worker's daily
    job): nobody sees them any more. Returns how many. Only flushes."""
    return session.execute(delete(SignedIn).where(SignedIn.ended_at <= now - after)
                           .execution_options(synchronize_session=False)).rowcount


def last_step(session, coordinator_id):
    """The latest TOTP time step this coordinator signed in with: a code is good once."""
    return session.scalar(select(func.max(SignedIn.two_step_step)).where(SignedIn.coordinator_id == coordinator_id))


def _first(patterns, user_agent):
    for name, pattern in patterns:
        if re.search(pattern, user_agent):
            return name
    return ""
