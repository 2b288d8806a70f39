"""Coordinators hear at once when a fridge is too warm: a receiver of pantry.signals.too_warm
queues a mail to every coordinator who can sign in, in the reading's own transaction (at most
one alert a site per WARM_ALERT_MINUTES: pantry.care.rules.claim_warm_alert); the outbox's
worker sends it, so a mail server that is down never touches the volunteer's reading."""
import logging

from flask import render_template
from flask_babel import format_datetime, format_decimal, gettext as _
from sqlalchemy import select

from pantry import outbox
from pantry.care import rules as care
from pantry.care.models import Reading
from pantry.coordinators.models import Coordinator
from pantry.extensions import db

logger = logging.getLogger(__name__)


def mail_coordinators(sender, reading, **extra):
    """The receiver of pantry.signals.too_warm (connected by create_app). Queue a mail about `reading` to each coordinator with a password, one per coordinator and reading."""
    ids = db.session.scalars(select(Coordinator.id).where(Coordinator.password_hash.is_not(None))).all()
    for coordinator_id in ids:
        outbox.post(db.session, f"coordinator:{coordinator_id}", f"too-warm:{reading.id}", "too-warm",
                    reading.taken_at, payload={"reading": reading.id})
    logger.info("queued word to %d coordinators that %s is too warm", len(ids), reading.site.name)


@outbox.letter("too-warm")
def _messages(session, message, to, config):
    reading = session.get(Reading, message.payload["reading"])
    site = reading.site
    subject = _("Too warm: %(site)s", site=site.name)
    limit = config["TEMPERATURE_LIMITS"].get(site.kind)
    body = render_template(
        "mail/too_warm.txt", site=site.name, address=site.address, reading=degrees(reading.celsius, config), kind=site.kind_label.lower(),
        limit=degrees(limit, config) if limit is not None else "-",
        when=format_datetime(reading.taken_at, "EEE d MMM yyyy, HH:mm"),
        link=f"{config['BASE_URL']}/sites/{site.slug}",
    )
    return outbox.Letter(subject, body)


def degrees(celsius, config):
    """A temperature in the deployment's unit: "7.5 °C" or "45.5 °F"."""
    unit = config["TEMPERATURE_UNIT"]
    return f"{format_decimal(care.to_unit(celsius, unit), '0.0')} °{unit}"
