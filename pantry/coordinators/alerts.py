"""Coordinators hear at once when a fridge is too warm: a receiver of pantry.signals.too_warm
mails every coordinator who can sign in, after the volunteer's page has been answered (at most
one alert a site per WARM_ALERT_MINUTES: pantry.care.rules.claim_warm_alert). A mail that
fails is logged; the reading stays saved."""
import logging
from contextlib import nullcontext

from flask import current_app, has_app_context
from flask_babel import force_locale, format_datetime, format_decimal, gettext as _
from sqlalchemy import select

from pantry import mail
from pantry.coordinators.blueprint import bp
from pantry.coordinators.models import Coordinator
from pantry.extensions import db
from pantry.signals import too_warm

logger = logging.getLogger(__name__)


@bp.record_once
def _listen(state):
    # Connected once per process however many apps register the blueprint (blinker keeps one
    # connection per receiver); the app that sends the signal is the one whose settings are used.
    too_warm.connect(mail_coordinators)


def mail_coordinators(sender, reading, **extra):
    """Mail each coordinator with a password about `reading`. Never raises."""
    try:
        with nullcontext() if has_app_context() else sender.app_context():
            config = current_app.config
            messages = _messages(config, reading)
            mail.send_after_answer(config, messages)
            logger.info("telling %d coordinators that %s is too warm", len(messages), reading.site.name)
    except Exception:  # a warm fridge must never turn a volunteer's reading into an error page
        logger.exception("could not mail the coordinators about too warm reading %s", getattr(reading, "id", None))
        if has_app_context():
            db.session.rollback()  # the page that sent the signal goes on with a usable session


def _messages(config, reading):
    emails = db.session.scalars(
        select(Coordinator.email).where(Coordinator.password_hash.is_not(None)).order_by(Coordinator.email)
    ).all()
    site = reading.site
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Too warm: %(site)s", site=site.name)
        limit = config["TEMPERATURE_LIMITS"].get(site.kind)
        body = _(
            "The thermometer at %(site)s read %(reading)s at %(when)s.\n"
            "That is above the limit of %(limit)s for a %(kind)s.\n\n"
            "Until a reading is back in range, the site's page warns people to check the fridge "
            "before taking dairy or meals. Please have someone check that the door shuts and the "
            "power is on, and take a new reading.\n\n"
            "%(link)s\n",
            site=site.name, reading=degrees(reading.celsius, config), kind=site.kind_label.lower(),
            limit=degrees(limit, config) if limit is not None else "-",
            when=format_datetime(reading.taken_at, "EEE d MMM yyyy, HH:mm"),
            link=f"{config['BASE_URL']}/sites/{site.slug}",
        )
    if site.address:
        body += "\n" + site.address + "\n"
    return [mail.compose(config, email, subject, body) for email in emails]


def degrees(celsius, config):
    """A temperature in the deployment's unit: "7.5 °C" or "45.5 °F"."""
    if config["TEMPERATURE_UNIT"] == "F":
        return f"{format_decimal(celsius * 9 / 5 + 32, '0.0')} °F"
    return f"{format_decimal(celsius, '0.0')} °C"

