"""Mail to a coordinator about their own account or membership, in their language. Sent as other
mail is today (pantry/mail.py); a mail that cannot go is logged and said, never raised."""
import logging
import smtplib

from flask import current_app
from flask_babel import force_locale

from pantry import mail

logger = logging.getLogger(__name__)


def send(address, language, subject, body, **values):
    """`subject` and `body` are lazy strings with %(name)s places, made in `language` (or the default)."""
    config = current_app.config
    chosen = language if language in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    with force_locale(chosen):
        message = mail.compose(config, address, str(subject) % values, str(body) % values)
    try:
        mail.send(config, [message])
    except (smtplib.SMTPException, OSError):
        logger.exception("could not mail a coordinator about their account")
        return False
    return True


def mail_is_set_up():
    return bool(current_app.config.get("MAIL_SERVER"))
