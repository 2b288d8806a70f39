"""Delivering one claimed message: by mail (SMTP), webhook (a signed JSON POST) or push.

Each channel raises on a failure worth trying again (the server is down, it hangs past its
timeout) and raises Undeliverable for one that never will (it cannot be written, nobody is
reached as its recipient); it returns quietly for a message with nothing left to say."""
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from pantry import mail
from pantry.outbox import addresses
from pantry.outbox.failures import Undeliverable
from pantry.outbox.models import PushSubscription, Webhook
from pantry.outbox.registry import LETTERS, find_addressee

SIGNATURE_HEADER = "X-Pantry-Signature"


def deliver(session, message, config):
    return CHANNELS[message.channel](session, message, config)


def by_mail(session, message, config):
    composed = write(session, message, config)
    if composed is None:
        return "nothing to say"
    mail.send(config, [composed])
    return "sent"


def write(session, message, config):
    """The mail for `message`, in its recipient's language; None when there is no one to tell or
    nothing left to say. Raises Undeliverable when it cannot be written."""
    try:
        write_letter = LETTERS[message.letter]
        addressee = find_addressee(session, message.recipient)
        if addressee is None:
            return None
        with mail.written_in(config, addressee.language):
            letter = write_letter(session, message, addressee, config)
        return None if letter is None else compose(config, message, addressee, letter)
    except Exception as error:  # a letter that cannot be written is never tried again
        raise Undeliverable(f"could not write the {message.letter!r} letter: {error!r}") from error


def compose(config, message, addressee, letter):
    composed = mail.compose(config, addressee.email, letter.subject, letter.body, letter.attachments)
    # One id per recipient and event: a copy sent again after a crash is known as the same mail.
    del composed["Message-ID"]
    composed["Message-ID"] = f"<outbox-{message.id}@{config['MAIL_MESSAGE_ID_DOMAIN']}>"
    if letter.unsubscribe:
        composed["List-Unsubscribe"] = f"<{letter.unsubscribe}>"
        composed["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return composed


def by_webhook(session, message, config):
    hook = session.get(Webhook, int(message.recipient.partition(":")[2]))
    if hook is None or hook.disabled_at is not None:
        raise Undeliverable("the webhook was removed or disabled")
    addresses.check_url(hook.url, allow_loopback=config["WEBHOOK_ALLOW_LOOPBACK"])
    body = json.dumps(message.payload, sort_keys=True, separators=(",", ":")).encode()
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Pantry",
        SIGNATURE_HEADER: "sha256=" + sign(hook.secret, body),
        "X-Pantry-Delivery": str(message.id),
    })
    with _no_redirects().open(request, timeout=config["WEBHOOK_TIMEOUT"]) as answer:
        answer.read(1024)
    return "sent"


def sign(secret, body):
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _Refuse(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect could lead anywhere, a private address too
        return None


def _no_redirects():
    return urllib.request.build_opener(_Refuse)


def by_push(session, message, config):
    from pantry.outbox import push

    subscription = session.get(PushSubscription, int(message.recipient.partition(":")[2]))
    if subscription is None:
        return "nobody to tell"
    push.send(subscription, message.payload, config)
    return "sent"


CHANNELS = {"mail": by_mail, "webhook": by_webhook, "push": by_push}
