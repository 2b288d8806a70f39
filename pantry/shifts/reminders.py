"""Which reminders are due, claiming each one, and queuing its mail in the same transaction.

A claim is a row with a unique (kind, shift, sign-up): two runs of `send-reminders` at the
same moment both try to insert it and exactly one succeeds, so no reminder goes out twice.
A claim whose mail then fails is given up, so the next run tries again."""
from datetime import timedelta

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pantry import outbox
from pantry.outbox.registry import AUDIENCES
from pantry.shifts.models import Reminder, Shift, SignUp

VOLUNTEER = "volunteer-24h"
COORDINATORS = "coordinators-48h"
VOLUNTEER_AHEAD = timedelta(hours=24)
COORDINATORS_AHEAD = timedelta(hours=48)


def volunteers_due(session, now, ahead=VOLUNTEER_AHEAD):
    """Live sign-ups with an email whose shift starts within `ahead` and who were not reminded."""
    reminded = and_(Reminder.kind == VOLUNTEER, Reminder.sign_up_id == SignUp.id)
    query = (
        select(SignUp)
        .join(SignUp.shift)
        .where(
            SignUp.email.is_not(None),
            SignUp.cancelled_at.is_(None),
            Shift.cancelled_at.is_(None),
            Shift.starts_at > now,
            Shift.starts_at <= now + ahead,
            ~select(Reminder.id).where(reminded).exists(),
        )
        .order_by(Shift.starts_at, SignUp.id)
    )
    return session.scalars(query).all()


def short_shifts_due(session, now, ahead=COORDINATORS_AHEAD):
    """Shifts starting within `ahead` that still have open places, not yet reported."""
    reported = and_(Reminder.kind == COORDINATORS, Reminder.shift_id == Shift.id)
    query = (
        select(Shift)
        .where(
            Shift.cancelled_at.is_(None),
            Shift.taken < Shift.capacity,
            Shift.starts_at > now,
            Shift.starts_at <= now + ahead,
            ~select(Reminder.id).where(reported).exists(),
        )
        .order_by(Shift.starts_at)
    )
    return session.scalars(query).all()


def claim(session, kind, shift_id, now, sign_up_id=0):
    """True when this caller won the right to send the reminder."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(
        insert(Reminder)
        .values(kind=kind, shift_id=shift_id, sign_up_id=sign_up_id, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["kind", "shift_id", "sign_up_id"])
        .returning(Reminder.id)
    )
    return result.first() is not None


def mark_sent(session, kind, shift_id, now, sign_up_id=0):
    session.execute(
        update(Reminder)
        .where(Reminder.kind == kind, Reminder.shift_id == shift_id, Reminder.sign_up_id == sign_up_id)
        .values(sent_at=now)
    )


def give_up(session, kind, shift_id, sign_up_id=0):
    session.execute(
        delete(Reminder)
        .where(Reminder.kind == kind, Reminder.shift_id == shift_id, Reminder.sign_up_id == sign_up_id)
    )


def queue_due(session, now):
    """Claim each due reminder and queue its mail in the same transaction. Returns (volunteers
    queued, coordinators' mails queued, short shifts in them, left to another run)."""
    volunteers, elsewhere = 0, 0
    for place in volunteers_due(session, now):
        if claim(session, VOLUNTEER, place.shift_id, now, sign_up_id=place.id):
            outbox.post(session, f"sign-up:{place.id}", f"reminder:{place.id}", "reminder", now)
            mark_sent(session, VOLUNTEER, place.shift_id, now, sign_up_id=place.id)
            volunteers += 1
        else:
            elsewhere += 1
    everyone = AUDIENCES["coordinators"](session)
    due = short_shifts_due(session, now) if everyone else []
    claimed = [shift.id for shift in due if claim(session, COORDINATORS, shift.id, now)]
    for shift_id in claimed:
        mark_sent(session, COORDINATORS, shift_id, now)
    if claimed:
        event = "short-shifts:" + ",".join(map(str, claimed))
        for recipient in everyone:
            outbox.post(session, recipient, event, "short-shifts", now, payload={"shifts": claimed})
    return volunteers, len(everyone) if claimed else 0, len(claimed), elsewhere + len(due) - len(claimed)
