"""What a coordinator is told by mail about their own account: that their password changed, in
their own language (else the network's)."""
from flask import render_template
from flask_babel import format_datetime, gettext as _

from pantry import mail


def send_password_changed(config, coordinator, when):
    """Told whenever the password changes: by a one-time link or on the command line."""
    with mail.written_in(config, coordinator.language):
        subject = _("Your Pantry password was changed")
        body = render_template(
            "mail/password_changed.txt", name=coordinator.display_name, email=coordinator.email,
            when=format_datetime(when, "EEE d MMM yyyy, HH:mm"),
        )
    mail.send_after_answer(config, [mail.compose(config, coordinator.email, subject, body)])
