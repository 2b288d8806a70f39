"""`flask pantry send-reminders` and `make-shifts`, and the warm-fridge alert, against a real
SMTP server on loopback: each reminder arrives once, even from two runs started together."""
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from babel import dates as babel_dates
from icalendar import Calendar
from sqlalchemy import func, select

from pantry.care.rules import record_care
from pantry.clock import deployment_zone
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow
from pantry.outbox.models import Message
from pantry.outbox.worker import deliver_due
from pantry.shifts import signups
from pantry.shifts.models import Reminder, Shift, ShiftPattern
from pantry.signals import too_warm
from tests.conftest import NOW, PASSWORD, cheap_hash, key
from tests.live import ROOT
from tests.mailbox import body, mailbox  # noqa: F401  (the fixture)

SECRET = "test-secret"


@pytest.fixture
def coordinators(session):
    cheap = cheap_hash(PASSWORD)
    session.add_all([Coordinator(email="ada@example.org", name="Ada", password_hash=cheap),
                     Coordinator(email="bea@example.org", name="Bea")])  # invited, no password yet
    session.commit()


def add_shift(session, site, hours_ahead, capacity, kind="cleaning", now=None):
    starts_at = (now or utcnow()).replace(second=0, microsecond=0) + timedelta(hours=hours_ahead)
    shift = Shift(site=site, kind=kind, day=starts_at.astimezone(deployment_zone()).date(), starts_at=starts_at,
                  ends_at=starts_at + timedelta(minutes=30), capacity=capacity, taken=0, updated_at=utcnow())
    session.add(shift)
    session.commit()
    return shift


def take_place(session, shift, name, email=None, language="en"):
    idempotency = key()
    place = signups.sign_up(session, shift.id, name, email, None, True, idempotency,
                            signups.manage_token(SECRET, idempotency), utcnow() - timedelta(hours=1))
    place.language = language
    session.commit()
    return place


@pytest.fixture
def rota(session, fridge, coordinators):
    """Tomorrow's shift (3 of 4 taken, two with an email), one in 30 hours (1 of 3), and a
    full one in 40 hours: volunteers of the first are due, and the first two are short."""
    tomorrow = add_shift(session, fridge, 20, 4)
    ana = take_place(session, tomorrow, "Ana Ruiz", "ana@example.org")
    take_place(session, tomorrow, "Bo Chen")
    eva = take_place(session, tomorrow, "Eva Soto", "eva@example.org", language="es")
    later = add_shift(session, fridge, 30, 3, kind="restock")
    take_place(session, later, "Dee")
    full = add_shift(session, fridge, 40, 1)
    take_place(session, full, "Cy Park", "cy@example.org")
    return {"tomorrow": tomorrow, "later": later, "full": full, "ana": ana, "eva": eva}


def send_reminders(runner):
    return runner.invoke(args=["pantry", "send-reminders"])


def attachment(message):
    [ics] = list(message.iter_attachments())
    assert ics.get_content_type() == "text/calendar" and ics.get_filename() == "shift.ics"
    return Calendar.from_ical(ics.get_content())


@pytest.mark.clock
def test_volunteers_get_a_reminder_a_day_ahead_with_the_link_and_the_calendar(runner, session, rota, mailbox):
    result = send_reminders(runner)
    assert result.exit_code == 0, result.output
    assert "Reminders: 2 to volunteers, 1 to coordinators about 2 short shifts, 0 failed" in result.output
    assert sorted(message["To"] for message in mailbox.messages) == [
        "ada@example.org", "ana@example.org", "eva@example.org"]

    [letter] = mailbox.to("ana@example.org")
    assert letter["Subject"].startswith("Reminder: Cleaning at Corner Fridge, ")
    text = body(letter)
    manage = f"https://pantry.example/sign-ups/{signups.manage_token(SECRET, rota['ana'].idempotency_key)}"
    assert manage in text and "Hello Ana," in text and "Where: 12 Elm St" in text
    assert "Scan the cleaning label" in text
    [event] = attachment(letter).walk("VEVENT")
    shift = rota["tomorrow"]
    assert str(event["UID"]) == f"shift-{shift.id}@pantry.example"
    assert event["DTSTART"].params["TZID"] == deployment_zone().key
    assert event.decoded("DTSTART") == shift.starts_at
    assert manage in str(event["DESCRIPTION"])

    [spanish] = mailbox.to("eva@example.org")  # her dates in her language
    assert babel_dates.format_datetime(shift.starts_at, "EEE d MMM, HH:mm", tzinfo=deployment_zone(),
                                       locale="es") in spanish["Subject"]


@pytest.mark.clock
def test_coordinators_hear_of_short_shifts_two_days_ahead(runner, session, rota, mailbox):
    assert send_reminders(runner).exit_code == 0
    [letter] = mailbox.to("ada@example.org")
    assert letter["Subject"] == "2 shifts in the next 48 hours still need people"
    text = body(letter)
    tomorrow, later, full = rota["tomorrow"], rota["later"], rota["full"]
    assert "Cleaning at Corner Fridge: 3 of 4 places taken" in text
    assert "Restock run at Corner Fridge: 1 of 3 places taken" in text
    assert f"https://pantry.example/admin/shifts/{later.id}" in text
    assert f"https://pantry.example/shifts/{tomorrow.id}" in text
    assert f"/shifts/{full.id}" not in text
    assert not mailbox.to("bea@example.org")


def test_running_it_again_sends_nothing_new(runner, session, rota, mailbox):
    assert send_reminders(runner).exit_code == 0
    assert len(mailbox.messages) == 3
    again = send_reminders(runner)
    assert again.exit_code == 0, again.output
    assert "Reminders: 0 to volunteers, 0 to coordinators about 0 short shifts, 0 failed" in again.output
    assert len(mailbox.messages) == 3
    sent = session.scalars(select(Reminder)).all()
    assert len(sent) == 4 and all(reminder.sent_at is not None for reminder in sent)


def test_a_mail_that_fails_waits_in_the_outbox_and_goes_with_a_later_run(app, runner, session, rota, mailbox):
    port = mailbox.port
    app.config.update(MAIL_PORT=1, OUTBOX_BACKOFF_SECONDS=0)  # nothing listens there; try again at once
    failed = send_reminders(runner)
    assert failed.exit_code == 1
    assert "3 failed" in failed.output and "Outbox: 0 sent, 3 to try again, 0 dead." in failed.output
    assert session.scalar(select(func.count()).select_from(Message).where(Message.state == "failed")) == 3
    app.config["MAIL_PORT"] = port
    again = send_reminders(runner)
    assert again.exit_code == 0, again.output
    assert "Reminders: 0 to volunteers" in again.output and "Outbox: 3 sent" in again.output
    assert len(mailbox.messages) == 3


@pytest.mark.clock
def test_a_cancelled_place_gets_no_reminder(runner, session, rota, mailbox):
    ana = rota["ana"]
    signups.cancel_sign_up(session, signups.manage_token(SECRET, ana.idempotency_key), utcnow(), notice=timedelta(hours=2))
    session.commit()
    assert send_reminders(runner).exit_code == 0
    assert not mailbox.to("ana@example.org") and mailbox.to("eva@example.org")


def test_two_runs_started_together_send_each_reminder_once(database_url, session, fridge, coordinators, mailbox):
    session.add(Coordinator(email="cal@example.org", password_hash="x"))
    session.commit()
    volunteers = []
    for hour in range(10):
        shift = add_shift(session, fridge, 2 + hour, 3)
        for person in ("a", "b"):
            volunteers.append(f"{person}{hour}@example.org")
            take_place(session, shift, f"Volunteer {person}{hour}", volunteers[-1])
    session.commit()
    mailbox.delay = 0.03  # a slow server keeps both runs busy at once
    env = {
        **os.environ, "PANTRY_SQLALCHEMY_DATABASE_URI": database_url, "PANTRY_SECRET_KEY": SECRET,
        "PANTRY_MAIL_SERVER": "127.0.0.1", "PANTRY_MAIL_PORT": str(mailbox.port),
        "PANTRY_BASE_URL": "https://pantry.example", "PANTRY_TIMEZONE": "America/New_York",
    }
    command = [sys.executable, "-m", "flask", "--app", "pantry", "pantry", "send-reminders"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    received = sorted(message["To"] for message in mailbox.messages)
    assert received == sorted(volunteers + ["ada@example.org", "cal@example.org"]), outputs
    assert all(len(mailbox.to(address)) == 1 for address in volunteers)
    told = [re.search(r"Reminders: (\d+) to volunteers", out).group(1) for out, _err in outputs]
    assert sum(map(int, told)) == 20, outputs
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Reminder).where(Reminder.sent_at.is_not(None))) == 30


@pytest.mark.clock
def test_make_shifts_makes_the_coming_weeks_once(app, runner, session, fridge):
    app.config["SHIFT_WEEKS_AHEAD"] = 2
    today = utcnow().astimezone(deployment_zone()).date()
    session.add(ShiftPattern(site=fridge, kind="cleaning", weekdays=0b1111111, starts_at=NOW.time(),
                             ends_at=(NOW + timedelta(minutes=30)).time(), capacity=2, first_day=today))
    session.commit()
    first = runner.invoke(args=["pantry", "make-shifts"])
    assert first.exit_code == 0, first.output
    made = session.scalar(select(func.count()).select_from(Shift))
    assert made in (14, 15)
    assert f"Made {made} new shifts for the next 2 weeks." in first.output
    again = runner.invoke(args=["pantry", "make-shifts"])
    assert "Made 0 new shifts" in again.output
    assert session.scalar(select(func.count()).select_from(Shift)) == made
    assert session.scalar(select(func.max(Shift.day))) <= today + timedelta(weeks=2)


def warm_reading(app, session, fridge, celsius=7.5):
    """A warm reading and its alert, in one transaction as the checklist's view makes them."""
    record = record_care(session, fridge, [], celsius, "", key(), NOW,
                         checklist=app.config["CARE_CHECKLIST"], limits=app.config["TEMPERATURE_LIMITS"])
    too_warm.send(fridge, reading=record.reading)
    session.commit()
    return record.reading


@pytest.mark.clock
def test_a_warm_fridge_is_mailed_to_every_coordinator(app, session, fridge, coordinators, mailbox):
    app.config["TIMEZONE"] = "America/New_York"  # the mail's time is written for New York, in any --zone
    reading = warm_reading(app, session, fridge)
    assert not reading.in_range
    assert not mailbox.messages  # queued with the reading, sent by the worker
    deliver_due(app.config, NOW)
    [letter] = mailbox.messages
    assert (letter["To"], letter["Subject"]) == ("ada@example.org", "Too warm: Corner Fridge")
    text = body(letter)
    assert "read 7.5 °C at Fri 20 Nov 2026, 10:00" in text
    assert "above the limit of 5.0 °C for a fridge" in text
    assert "https://pantry.example/sites/corner-fridge" in text


def test_a_warm_fridge_mail_that_fails_waits_in_the_outbox(app, session, fridge, coordinators, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    warm_reading(app, session, fridge, 8.0)
    with caplog.at_level(logging.WARNING, logger="pantry.outbox.worker"):
        tally = deliver_due(app.config, NOW)
    assert (tally.sent, tally.failed) == (0, 1)
    assert "failed (attempt 1)" in caplog.text
    [message] = session.scalars(select(Message)).all()
    ada = session.scalar(select(Coordinator).where(Coordinator.email == "ada@example.org"))
    assert (message.recipient, message.state, message.letter) == (f"coordinator:{ada.id}", "failed", "too-warm")
    assert message.attempts == 1 and message.due_at > NOW  # it waits before the next try
