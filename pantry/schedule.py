"""The worker's periodic jobs, on their schedules: what needed cron before (reminders, shifts
made ahead, purges) and the followers' news that comes with time passing (a shift tomorrow
still short, a fridge overdue for cleaning, the daily digests). Each job only queues messages
or changes rows, in one short write; the worker delivers what they queue."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from pantry import outbox
from pantry.care import rules as care
from pantry.clock import deployment_zone
from pantry.database import commit_write
from pantry.extensions import db
from pantry.outbox import followers, letters
from pantry.shifts import planning, privacy, reminders
from pantry.shifts.models import Shift
from pantry.sites.models import Site

SHORT_AHEAD = timedelta(hours=24)


@outbox.job("reminders", timedelta(minutes=15))
def _reminders(app, now):
    volunteers, coordinators, shifts, _elsewhere = commit_write(db.session, lambda: reminders.queue_due(db.session, now))
    return f"queued {volunteers} reminders and {coordinators} mails about {shifts} short shifts"


@outbox.job("make-shifts", timedelta(hours=6))
def _make_shifts(app, now):
    weeks = app.config["SHIFT_WEEKS_AHEAD"]
    made = commit_write(db.session, lambda: planning.make_shifts(db.session, now, deployment_zone(), weeks=weeks))
    return f"made {made} shifts"


@outbox.job("purge-contacts", timedelta(days=1))
def _purge_contacts(app, now):
    after = timedelta(days=app.config["PURGE_CONTACTS_AFTER_DAYS"])
    purged = commit_write(db.session, lambda: privacy.purge_contacts(db.session, now, after))
    purged += commit_write(db.session, lambda: followers.purge_unconfirmed(db.session, now))
    return f"purged {purged} contacts"


@outbox.job("digests", timedelta(minutes=10))
def _digests(app, now):
    return f"queued {commit_write(db.session, lambda: letters.digests_due(db.session, now, deployment_zone()))} digests"


@outbox.job("news-of-the-hour", timedelta(minutes=30))
def _news_of_the_hour(app, now):
    """Shifts in the next 24 hours still needing people, and sites overdue for cleaning."""
    return f"{commit_write(db.session, lambda: short_shifts_news(db.session, now) + overdue_news(db.session, now))} news"


def short_shifts_news(session, now):
    query = select(Shift).where(Shift.cancelled_at.is_(None), Shift.taken < Shift.capacity, Shift.starts_at > now,
                                Shift.starts_at <= now + SHORT_AHEAD)
    told = 0
    for shift in session.scalars(query):
        payload = {"starts_at": shift.starts_at.isoformat(), "path": f"/shifts/{shift.id}",
                   "open": shift.capacity - shift.taken}
        told += outbox.announce(session, shift.site, "shifts", payload, now, key=f"short:{shift.id}") is not None
    return told


def overdue_news(session, now):
    """Once per stretch without cleaning: the key names the site's last care record."""
    sites = session.scalars(select(Site).where(Site.state == "open")).all()
    after = timedelta(hours=current_app.config["CLEANING_OVERDUE_HOURS"])
    told = 0
    for site in sites:
        state = care.care_states(session, [site], now, after)[site.id]
        if state.cleaning_overdue:
            since = (state.last_care_at or site.created_at).isoformat()
            told += outbox.announce(session, site, "overdue", {"since": since}, now,
                                    key=f"overdue:{site.id}:{since}") is not None
    return told
