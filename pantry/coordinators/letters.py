"""Mail to a coordinator about their own account or membership, in their language. Sent as other
mail is today (pantry/mail.py); a mail that cannot go is logged and said, never raised."""
import logging
import smtplib

from flask import current_app, render_template

from pantry import mail

logger = logging.getLogger(__name__)


def send(address, language, subject, letter, **values):
    """`subject` is a lazy string with %(name)s places, `letter` the name of a mail template taking
    the same `values`; both are written in `language` (or the default)."""
    config = current_app.config
    with mail.written_in(config, language):
        message = mail.compose(config, address, str(subject) % values,
                               render_template(f"mail/{letter}.txt", **values))
    try:
        mail.send(config, [message])
    except (smtplib.SMTPException, OSError):
        logger.exception("could not mail a coordinator about their account")
        return False
    return True


def mail_is_set_up():
    return bool(current_app.config.get("MAIL_SERVER"))
