"""Plain-text mail through the deployment's SMTP server (MAIL_* settings).

With no MAIL_SERVER set, nothing is sent and each message is logged instead, so a
development machine works without a mail server."""
import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

logger = logging.getLogger(__name__)


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


def send(config, messages):
    """Send `messages` over one connection; returns how many went. Raises on SMTP errors."""
    messages = list(messages)
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
