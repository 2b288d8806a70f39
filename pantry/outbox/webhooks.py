"""Group chats' webhooks, kept by coordinators: a URL, the kinds of news, a secret to sign with.
A webhook that fails WEBHOOK_MAX_FAILURES times in a row is disabled (the worker does it) until a
coordinator turns it on again."""
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from pantry.outbox.addresses import check_url
from pantry.outbox.models import Message, Webhook
from pantry.outbox.news import KINDS
from pantry.refusals import Refusal


class NoWebhookKinds(Refusal):
    code = "no_kinds"
    status = 422
    field = "kinds"
    message = _l("Choose at least one kind of news.")


class UnknownWebhook(Refusal):
    code = "unknown_webhook"
    status = 404
    message = _l("There is no such webhook.")


def add(session, url, kinds, now, *, allow_loopback=False):
    check_url((url or "").strip(), allow_loopback=allow_loopback)
    if not kinds or set(kinds) - set(KINDS):
        raise NoWebhookKinds()
    hook = Webhook(url=url.strip(), kinds=[kind for kind in KINDS if kind in kinds], secret=secrets.token_hex(32),
                   created_at=now)
    session.add(hook)
    session.flush()
    return hook


def find(session, hook_id):
    hook = session.get(Webhook, hook_id)
    if hook is None:
        raise UnknownWebhook()
    return hook


def remove(session, hook_id):
    hook = find(session, hook_id)
    session.execute(delete(Message).where(Message.recipient == f"webhook:{hook.id}", Message.state != "sent"))
    session.delete(hook)
    session.flush()


def enable(session, hook_id):
    hook = find(session, hook_id)
    hook.disabled_at, hook.failures = None, 0
    session.flush()
    return hook


def disabled(session):
    return session.scalars(select(Webhook).where(Webhook.disabled_at.is_not(None)).order_by(Webhook.id)).all()
