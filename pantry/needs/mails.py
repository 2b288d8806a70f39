"""A donor who left an email gets two mails, no more: the private link, soon after promising,
and a reminder the evening before the day. Each is claimed by an atomic UPDATE before it is
sent (two runs at once send it once) and given back if the mail fails, for the next run."""
import smtplib
from datetime import time, timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select, update

from pantry import mail
from pantry.clock import deployment_zone, local_today
from pantry.database import writer
from pantry.needs.models import Promise
from pantry.needs.promises import manage_token

EVENING = time(18)  # from this local hour, the day before, the reminder is due
COLUMNS = {"link": Promise.link_mailed_at, "reminder": Promise.reminded_at}


def due(session, now):
    """[(promise id, kind)]: open promises with an email whose link or reminder is due."""
    today, zone = local_today(now), deployment_zone()
    evening = now.astimezone(zone).time() >= EVENING
    found = []
    for promise in session.scalars(select(Promise).where(
            Promise.email.is_not(None), Promise.cancelled_at.is_(None), Promise.kept_at.is_(None),
            Promise.day >= today).order_by(Promise.id)):
        if promise.link_mailed_at is None:
            found.append((promise.id, "link"))
        if promise.reminded_at is None and evening and promise.day == today + timedelta(days=1):
            found.append((promise.id, "reminder"))
    return found


def claim(session, promise_id, kind, now):
    """True when this run won the right to send it."""
    column = COLUMNS[kind]
    result = session.execute(update(Promise).where(Promise.id == promise_id, column.is_(None))
                             .values({column.key: now}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def give_back(session, promise_id, kind):
    column = COLUMNS[kind]
    session.execute(update(Promise).where(Promise.id == promise_id).values({column.key: None})
                    .execution_options(synchronize_session=False))


def compose(config, secret, promise, kind):
    """(to, subject, body) in the language the donor promised in."""
    base = config["BASE_URL"]
    link = f"{base}/promises/{manage_token(secret, promise.idempotency_key)}"
    with mail.written_in(config, promise.language):
        what = _("%(count)d %(item)s at %(site)s", count=promise.quantity, item=promise.item.name,
                 site=promise.site.name)
        if kind == "link":
            subject = _("Your promise: %(what)s", what=what)
            body = render_template("mail/promise_link.txt", what=what, day=promise.day.isoformat(), link=link)
        else:
            subject = _("Tomorrow: %(what)s", what=what)
            body = render_template("mail/promise_reminder.txt", what=what, link=link)
    return promise.email, subject, body




def send(config, secret, session, now):
    """Send what is due, one claimed mail at a time; returns (sent, failed)."""
    sent = failed = 0
    found = due(session, now)
    session.commit()
    for promise_id, kind in found:
        with writer():
            won = claim(session, promise_id, kind, now)
            session.commit()
        if not won:
            continue
        to, subject, body = compose(config, secret, session.get(Promise, promise_id), kind)
        try:
            mail.send(config, [mail.compose(config, to, subject, body)])
            sent += 1
        except (smtplib.SMTPException, OSError):
            with writer():
                give_back(session, promise_id, kind)
                session.commit()
            failed += 1
    return sent, failed
