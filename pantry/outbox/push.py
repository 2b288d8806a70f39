"""Web push (RFC 8030, encrypted per RFC 8291, signed with VAPID per RFC 8292) through pywebpush.

The VAPID key pair is made once into the instance folder, like the secret key, and its public
half is what a phone subscribes with. A subscription's endpoint must be https (a setting lets
tests use a push service on loopback) and its keys must be a P-256 point and a 16-byte secret."""
import base64
import json
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pantry.outbox.failures import Gone
from pantry.outbox.models import PushSubscription
from pantry.outbox.news import KINDS
from pantry.refusals import Refusal

KEY_FILE = "vapid_private.pem"


class BadSubscription(Refusal):
    code = "bad_subscription"
    status = 422
    message = _l("This phone's push subscription could not be read. Try again, or follow by mail.")


def vapid(instance_path):
    """The deployment's VAPID key pair, made on first use and kept in the instance folder."""
    from py_vapid import Vapid02  # on first use, like pywebpush below

    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        key = Vapid02()
        key.generate_keys()
        path.write_bytes(key.private_pem())
        path.chmod(0o600)
    return Vapid02.from_file(str(path))


def public_key(instance_path):
    """The application server key, as the Push API wants it: the raw point, base64url."""
    from cryptography.hazmat.primitives import serialization  # on first use: some 8 MB

    raw = vapid(instance_path).public_key.public_bytes(serialization.Encoding.X962,
                                                       serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decoded(text, length):
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (TypeError, ValueError):
        raise BadSubscription() from None
    if len(raw) != length:
        raise BadSubscription()
    return raw


def subscribe(session, site, endpoint, p256dh, auth, kinds, now, *, allow_loopback=False):
    """Keep a phone's subscription to the site's news (the same endpoint again takes the new choices)."""
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not _allowed(endpoint, allow_loopback):
        raise BadSubscription()
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise BadSubscription()
    from cryptography.hazmat.primitives.asymmetric import ec  # on first use, like serialization above

    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _decoded(p256dh, 65))
    except ValueError:
        raise BadSubscription() from None
    _decoded(auth, 16)
    if not isinstance(kinds, list) or not kinds or set(kinds) - set(KINDS):
        raise BadSubscription()
    chosen = [kind for kind in KINDS if kind in kinds]
    found = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if found is None:
        found = PushSubscription(endpoint=endpoint, created_at=now, site_id=site.id, p256dh=p256dh, auth=auth,
                                 kinds=chosen)
        session.add(found)
    else:
        found.site_id, found.p256dh, found.auth, found.kinds = site.id, p256dh, auth, chosen
    session.flush()
    return found


def _allowed(endpoint, allow_loopback):
    if endpoint.startswith("https://"):
        return True
    return allow_loopback and endpoint.startswith(("http://127.0.0.1:", "http://localhost:"))


def send(subscription, payload, config):
    """Push `payload` (JSON) to the phone. Raises Gone on 404/410, OSError-like errors otherwise."""
    # Imported here: pywebpush brings aiohttp and requests (0.6 s), which only the worker uses.
    from pywebpush import WebPushException, webpush

    info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
    try:
        webpush(info, json.dumps(payload), vapid_private_key=vapid(current_app.instance_path),
                vapid_claims={"sub": config["VAPID_SUBJECT"]}, timeout=config["PUSH_TIMEOUT"], ttl=24 * 3600)
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            raise Gone(f"the push service answered {status}") from error
        raise OSError(f"the push service refused: {error}") from error
