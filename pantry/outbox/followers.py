"""Following a site by mail, without an account: double opt-in, choices, one-click unsubscribe.

Nothing is sent before the confirmation link is opened, and a follower who never opens it is
purged after UNCONFIRMED_HOURS. The private links are signed with the app's secret and name a
random nonce, never the address; unsubscribing deletes the row (the address is forgotten) and
whatever was still waiting for it."""
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from pantry.outbox import queue
from pantry.outbox.models import Follower, Message
from pantry.outbox.news import KINDS
from pantry.refusals import Refusal

UNCONFIRMED = timedelta(hours=48)
CONFIRM, MANAGE = "follow-confirm", "follow-manage"  # two salts: a confirmation link cannot unsubscribe


class FollowRefusal(Refusal):
    """A refusal of the follow form, said on its `field`."""

    status = 422
    field = "email"


class BadFollowerEmail(FollowRefusal):
    code = "bad_email"
    status = 422
    message = _l("Enter one email address, like name@example.org.")


class NoKinds(FollowRefusal):
    code = "no_kinds"
    field = "kinds"
    status = 422
    message = _l("Choose at least one kind of news.")


class BadDigestHour(FollowRefusal):
    code = "bad_digest_hour"
    field = "hour"
    status = 422
    message = _l("Choose an hour between 0 and 23 for the daily digest.")


class UnknownFollowLink(Refusal):
    code = "unknown_follow_link"
    status = 404
    message = _l("This link is not known, or you have unsubscribed already.")


class AlreadyConfirmed(Refusal):
    code = "already_confirmed"
    status = 409
    message = _l("This address was confirmed already: you are following this site.")


def token(secret, follower, purpose):
    return URLSafeSerializer(secret, salt=purpose).dumps(follower.nonce)


def find(session, secret, link, purpose):
    try:
        nonce = URLSafeSerializer(secret, salt=purpose).loads(link)
    except BadSignature:
        raise UnknownFollowLink() from None
    follower = session.scalar(select(Follower).where(Follower.nonce == nonce)) if isinstance(nonce, str) else None
    if follower is None:
        raise UnknownFollowLink()
    return follower


def one_address(text):
    """The address, normalised, when `text` is exactly one email address."""
    try:
        return validate_email((text or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise BadFollowerEmail() from None


def check_choices(kinds, digest_hour):
    if not kinds or set(kinds) - set(KINDS):
        raise NoKinds()
    if digest_hour is not None and not (isinstance(digest_hour, int) and 0 <= digest_hour <= 23):
        raise BadDigestHour()
    return [kind for kind in KINDS if kind in kinds]


def follow(session, site, email, kinds, digest_hour, language, now):
    """Ask to follow `site`: a confirmation mail is queued (at most one an hour per address and
    site). Asking again with the same address changes nothing until it is confirmed."""
    address, kinds = one_address(email), check_choices(kinds, digest_hour)
    follower = session.scalar(select(Follower).where(Follower.site_id == site.id, Follower.email == address))
    if follower is None:
        follower = Follower(site_id=site.id, email=address, kinds=kinds, digest_hour=digest_hour, language=language,
                            nonce=secrets.token_hex(16), created_at=now)
        session.add(follower)
        session.flush()
    queue.post(session, f"follower:{follower.id}", f"confirm:{now:%Y%m%d%H}", "follow-confirm", now)
    return follower


def confirm(session, secret, link, now):
    follower = find(session, secret, link, CONFIRM)
    if follower.confirmed_at is not None:
        raise AlreadyConfirmed()
    follower.confirmed_at = now
    session.flush()
    return follower


def change(session, follower, kinds, digest_hour):
    follower.kinds = check_choices(kinds, digest_hour)
    follower.digest_hour = digest_hour
    session.flush()
    return follower


def unsubscribe(session, follower):
    """Forget the follower: the row, its address, and every message still waiting for it."""
    recipient = f"follower:{follower.id}"
    session.execute(delete(Message).where(Message.recipient == recipient))
    session.delete(follower)
    session.flush()


def purge_unconfirmed(session, now, after=UNCONFIRMED):
    stale = session.scalars(select(Follower).where(Follower.confirmed_at.is_(None),
                                                   Follower.created_at < now - after)).all()
    for follower in stale:
        unsubscribe(session, follower)
    return len(stale)
