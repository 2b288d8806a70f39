"""Two-step sign-in: after the password, a code from the coordinator's phone (TOTP, RFC 6238) or one of
ten one-time recovery codes. Only the coordinator turns it on (by scanning a QR code and typing a code)
or off (with a current code); only hashes of the recovery codes are kept; a code is good once."""
import base64
import hmac
import io
import secrets

import pyotp
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from pantry import journal
from pantry.coordinators import sessions
from pantry.coordinators.models import RecoveryCode, hash_token
from pantry.refusals import Refusal
from pantry.sealed import UNREADABLE

ISSUER = "Pantry"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
WINDOW = 1  # the code before and after the current one also count: a phone's clock may be 30 s off


class TwoStepError(Refusal):
    code = "two_step"
    status = 422
    message = _l("That could not be done.")
    field = "code"


class WrongCode(TwoStepError):
    code = "wrong_code"
    message = _l("That code is not right. Type the 6 digits your app shows now, or one of your recovery codes.")


class UsedCode(TwoStepError):
    code = "used_code"
    status = 409
    message = _l("That code was used already. Wait for your app to show the next one.")


class UsedRecoveryCode(TwoStepError):
    code = "used_recovery_code"
    status = 410
    message = _l("That recovery code was used already: each one works once. Use another, or a code from your app.")


class AlreadyOn(TwoStepError):
    code = "two_step_on"
    status = 409
    message = _l("Two-step sign-in is on already.")


class NotOn(TwoStepError):
    code = "two_step_off"
    status = 409
    message = _l("Two-step sign-in is off already.")


class Required(TwoStepError):
    code = "two_step_required"
    status = 409
    message = _l("This network requires two-step sign-in for every coordinator, so it stays on.")


def new_secret():
    return pyotp.random_base32()


def qr_code(secret, email):
    """The QR code an authenticator app scans, as a data: URL of an SVG image (the page allows data: images)."""
    import qrcode  # with the first code shown: a worker that shows none does not hold qrcode and Pillow
    import qrcode.image.svg

    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def turn_on(session, who, secret, code, now):
    """Keep `secret` as the coordinator's once `code` proves their phone has it; returns the ten
    recovery codes, to be shown once. Only flushes."""
    if who.totp_secret:
        raise AlreadyOn()
    if not isinstance(secret, str) or len(secret) != 32 or _step(secret, code, now) is None:
        raise WrongCode()
    who.totp_secret, who.two_step_since = secret, now
    codes = _new_recovery_codes(session, who)
    journal.record(session, who, "coordinator.two_step_on", who.display_name, {"two_step": False},
                   {"two_step": True}, now)
    return codes


def turn_off(session, who, code, now, required):
    """Turn two-step sign-in off, with a current code (or a recovery code)."""
    if required:
        raise Required()
    if not who.totp_secret:
        raise NotOn()
    prove(session, who, code, now)
    who.totp_secret, who.two_step_since = None, None
    session.execute(delete(RecoveryCode).where(RecoveryCode.coordinator_id == who.id))
    journal.record(session, who, "coordinator.two_step_off", who.display_name, {"two_step": True},
                   {"two_step": False}, now)


def prove(session, coordinator, code, now):
    """Check a code typed at sign-in: the phone's (returns its time step, good once) or a recovery code
    (spent, with a journal line; returns None). Raises WrongCode, UsedCode or UsedRecoveryCode."""
    if not coordinator.totp_secret:
        raise NotOn()
    text = _plain(code)
    if text.isdigit():
        step = _step(coordinator.totp_secret, text, now)
        if step is None:
            raise WrongCode()
        last = sessions.last_step(session, coordinator.id)
        if last is not None and step <= last:
            raise UsedCode()
        return step
    _spend_recovery_code(session, coordinator, text, now)
    return None


def recovery_codes_left(session, coordinator_id):
    return len(session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.coordinator_id == coordinator_id, RecoveryCode.used_at.is_(None))).all())


def current_code(secret, now):
    """The code a phone shows at `now` (for tests and the command line, never shown on a page)."""
    return pyotp.TOTP(secret).at(now)


def _spend_recovery_code(session, coordinator, text, now):
    if len(text) != 10 or any(ch not in RECOVERY_ALPHABET for ch in text):
        raise WrongCode()
    mine = select(RecoveryCode).where(RecoveryCode.coordinator_id == coordinator.id,
                                      RecoveryCode.code_hash == hash_token(text))
    found = session.scalar(mine)
    if found is None:
        raise WrongCode()
    # Spent with a conditional update: two tabs sending the same code sign in once.
    spent = session.execute(update(RecoveryCode).where(RecoveryCode.id == found.id, RecoveryCode.used_at.is_(None))
                            .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if not spent:
        raise UsedRecoveryCode()
    left = recovery_codes_left(session, coordinator.id)
    journal.record(session, coordinator, "coordinator.recovery_code_used", coordinator.display_name, {},
                   {"recovery_codes_left": left}, now)


def _step(secret, code, now):
    """The time step whose code `code` is, within WINDOW of `now`, or None."""
    code = _plain(code)
    if len(code) != 6 or not code.isdigit() or secret == UNREADABLE:  # sealed under a lost key: no code matches
        return None
    totp = pyotp.TOTP(secret)
    for offset in range(-WINDOW, WINDOW + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


def _new_recovery_codes(session, who):
    session.execute(delete(RecoveryCode).where(RecoveryCode.coordinator_id == who.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(coordinator_id=who.id, code_hash=hash_token(code)) for code in codes)
    session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _plain(code):
    """A code as typed: spaces and dashes dropped, lower case, at most a few dozen characters."""
    text = code if isinstance(code, str) else ""
    return "".join(ch for ch in text[:40].lower() if ch not in " -\t")

