"""Plain-text mail through the deployment's SMTP server (MAIL_* settings).

With no MAIL_SERVER set, nothing is sent and each message is logged instead, so a
development machine works without a mail server. A mail a page asks for goes after its
answer has been sent (send_after_answer), so nobody waits on SMTP and the time a page takes
tells nothing about what was mailed. (The notifications issue moves every mail to an outbox.)"""
import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import after_this_request, has_request_context
from flask_babel import force_locale

from pantry import emails
from pantry.network import default_language

logger = logging.getLogger(__name__)


def written_in(config, language):
    """Write a mail in `language` if the deployment offers it, else in its default language."""
    return force_locale(language if language in config["LANGUAGES"] else default_language())


def compose(config, to, subject, body, attachments=()):
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="pantry")
    message.set_content(body)
    for filename, content, mimetype in attachments:
        maintype, subtype = mimetype.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def send_after_answer(config, messages):
    """Send `messages` once the answer to this request has gone (at once outside a request).
    A failure is logged, never raised: the page has already said what was done."""
    messages = list(messages)
    if not messages:
        return
    settings = {name: value for name, value in config.items() if name.startswith("MAIL_")}
    if not has_request_context():
        _send_quietly(settings, messages)
        return

    @after_this_request
    def when_answered(response):
        response.call_on_close(lambda: _send_quietly(settings, messages))
        return response


def _send_quietly(settings, messages):
    try:
        send(settings, messages)
    except Exception:  # SMTP down or refusing: the request it came from is over
        logger.exception("could not send %d mails", len(messages))


def send(config, messages):
    """Send `messages` over one connection; returns how many went. Raises on SMTP errors.
    A message whose To is not exactly one email address is not sent (and is logged)."""
    messages = [message for message in messages if _one_recipient(message)]
    if not messages:
        return 0
    if not config.get("MAIL_SERVER"):
        for message in messages:
            logger.info("mail not configured; not sending %r to %s", message["Subject"], message["To"])
        return 0
    connect = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with connect(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for message in messages:
            smtp.send_message(message)
    return len(messages)


def _one_recipient(message):
    if emails.is_one_address(str(message["To"] or "")):
        return True
    logger.warning("not sending %r: its recipient is not one email address", message["Subject"])
    return False
