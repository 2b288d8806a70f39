"""What a coordinator is told by mail about their own account: a link to set a new password that
someone asked for (it goes only to them), and that their password changed. In the deployment's
default language, as every mail to coordinators."""
from flask_babel import force_locale, format_datetime, gettext as _, ngettext

from pantry import mail


def send_reset_link(config, coordinator, link, asked_by):
    """The one-time link for an existing coordinator, mailed to them (never shown to the asker)."""
    days = config["INVITATION_DAYS"]
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = _("A link to set a new Pantry password")
        body = _(
            "Hello %(name)s,\n\n%(asker)s asked for a link that sets a new password for your coordinator "
            "account. If you forgot your password, use it:\n\n%(link)s\n\n%(valid)s\n\n"
            "If you did not ask for it, ignore this mail: your password stays as it is until the link is used.\n",
            name=coordinator.display_name, asker=asked_by, link=link,
            valid=ngettext("It works once, for %(num)d day.", "It works once, for %(num)d days.", days),
        )
    mail.send_after_answer(config, [mail.compose(config, coordinator.email, subject, body)])


def send_password_changed(config, coordinator, when):
    """Told whenever the password changes: by a one-time link or on the command line."""
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Your Pantry password was changed")
        body = _(
            "Hello %(name)s,\n\nThe password of your coordinator account (%(email)s) was set on %(when)s. "
            "Every session signed in before is now signed out.\n\n"
            "If that was not you, tell another coordinator at once.\n",
            name=coordinator.display_name, email=coordinator.email,
            when=format_datetime(when, "EEE d MMM yyyy, HH:mm"),
        )
    mail.send_after_answer(config, [mail.compose(config, coordinator.email, subject, body)])
