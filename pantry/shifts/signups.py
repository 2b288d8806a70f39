"""Taking and giving back a place on a shift, without an account.

A place is taken by `UPDATE shift SET taken = taken + 1 WHERE taken < capacity`: however
many people press "Sign up" at once, no more succeed than there are places.

No answer depends on whether someone else's email is stored: a sign-up with an email that
already holds a place on the shift, or on one at the same time, is answered like any other
(it takes a place, if there is one), but the new place is kept without the email, so one
address never holds two places at once; the owner of the address is told by mail, with the
new place's link to give it back (`earlier_places`, pantry.shifts.notices)."""
import hashlib
import hmac
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text, update

from pantry import outbox
from pantry.shifts.errors import (
    ShiftCancelled,
    ShiftError,
    ShiftFull,
    ShiftInThePast,
    ShiftOver,
    SignUpsClosed,
    TooLateToCancel,
    UnknownShift,
    UnknownSignUp,
)
from pantry.shifts.models import Shift, SignUp

LATE_DROP_OUT = timedelta(hours=24)
# Advisory lock spaces (PostgreSQL's two-key form, apart from any single-key lock).
SIGN_UP_KEYS = 1
EMAILS = 2


def manage_token(secret, key):
    """The private link's token for the sign-up made with idempotency `key`: derived, so a
    replayed request can show the same link, and stored only as a hash."""
    return hmac.new(secret.encode(), f"sign-up:{key}".encode(), hashlib.sha256).hexdigest()[:40]


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def manage_url(base_url, token):
    """The private link that shows and cancels a sign-up, as shown after signing up and mailed."""
    return f"{base_url}/sign-ups/{token}"


def sign_up(session, shift_id, name, email, phone, show_name, key, token, now, cutoff=timedelta(0), language=None):
    """Take one place on the shift. `cutoff` is how long before the start sign-ups close;
    `language` is the page's, for the mails that follow."""
    email = email.strip().lower() if email else None
    # The same form sent twice at once (a double tap) waits for its twin, then replays it.
    _serialise(session, SIGN_UP_KEYS, key)
    earlier = session.scalar(select(SignUp).where(SignUp.idempotency_key == key))
    if earlier is not None:
        if (earlier.shift_id, earlier.name, earlier.email) != (shift_id, name, email):
            raise ShiftError(_l("This form was already sent with other details. Reload the page and try again."))
        return earlier
    shift = _open_shift(session, shift_id, now, cutoff)
    if email:
        # Two sign-ups with one address at once: the second waits, then sees the first.
        _serialise(session, EMAILS, email)
        if earlier_places(session, shift, email):
            email = None
    taken = session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.taken < Shift.capacity, Shift.cancelled_at.is_(None))
        .values(taken=Shift.taken + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise ShiftFull()
    place = SignUp(
        shift_id=shift.id, name=name, email=email or None, phone=phone or None,
        show_name=show_name, token_hash=hash_token(token), idempotency_key=key, created_at=now,
    )
    if language:
        place.language = language
    session.add(place)
    session.flush()
    session.refresh(shift)
    return place


def _open_shift(session, shift_id, now, cutoff):
    """The shift, if it still takes sign-ups: not cancelled, not started, not within `cutoff` of its start."""
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise UnknownShift()
    if shift.cancelled_at is not None:
        raise ShiftCancelled()
    if shift.starts_at <= now:
        raise ShiftInThePast(_l("This shift has already started."))
    if now > shift.starts_at - cutoff:
        raise SignUpsClosed()
    return shift


def find_sign_up(session, token, now):
    place = session.scalar(select(SignUp).where(SignUp.token_hash == hash_token(token)))
    if place is None:
        raise UnknownSignUp()
    if place.shift.ends_at <= now:
        raise ShiftOver()
    return place


def cancel_deadline(shift, notice):
    """The last moment a place on `shift` can be given back: `notice` (CANCEL_NOTICE_HOURS) before the start."""
    return shift.starts_at - notice


def cancel_sign_up(session, token, now, notice):
    """Give the place back, until `notice` before the start. Cancelling twice is harmless."""
    place = find_sign_up(session, token, now)
    if place.cancelled_at is not None:
        return place
    if now > cancel_deadline(place.shift, notice):
        raise TooLateToCancel()
    place.cancelled_at = now
    session.flush()
    session.execute(
        update(Shift)
        .where(Shift.id == place.shift_id, Shift.taken > 0)
        .values(taken=Shift.taken - 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(place.shift)
    _tell_if_short(session, place, now)
    return place


def _tell_if_short(session, place, now):
    """A late drop-out (less than LATE_DROP_OUT before the start) that leaves the shift short is
    news at once: for the site's followers of shifts, and for the coordinators."""
    shift = place.shift
    if shift.cancelled_at is None and shift.taken < shift.capacity and shift.starts_at - now < LATE_DROP_OUT:
        payload = {"starts_at": shift.starts_at.isoformat(), "path": f"/shifts/{shift.id}", "late": True,
                   "open": shift.capacity - shift.taken}
        outbox.announce(session, shift.site, "shifts", payload, now, key=f"drop-out:{place.id}", coordinators=True)


def earlier_places(session, shift, email, but=None):
    """The live places held with `email` on `shift` or on a shift that overlaps it (other than
    the place `but`), the soonest first: what the owner of the address is told of."""
    if not email:
        return []
    query = (
        select(SignUp)
        .join(Shift, SignUp.shift_id == Shift.id)
        .where(
            func.lower(SignUp.email) == email.strip().lower(),
            SignUp.cancelled_at.is_(None),
            Shift.cancelled_at.is_(None),
            Shift.starts_at < shift.ends_at,
            Shift.ends_at > shift.starts_at,
        )
        .order_by(Shift.starts_at, SignUp.id)
    )
    if but is not None:
        query = query.where(SignUp.id != but.id)
    return session.scalars(query).all()


def _serialise(session, space, value):
    """On PostgreSQL, hold a transaction lock on `value` until commit; SQLite's writers
    are one at a time already (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(:space, hashtext(:value))")
        session.execute(lock, {"space": space, "value": value})
