"""The outbox's queue: post a message in the caller's transaction, claim due ones for a worker,
settle each as sent, failed (tried again later, each wait longer) or dead.

A claim is a lease: the rows are marked with the worker's claim and a time; a worker killed
mid-batch leaves them to be claimed again when the lease runs out. Claiming takes
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers never wait on each other's rows, and runs
under `BEGIN IMMEDIATE` on SQLite (the caller's `writer()`), where one writer claims at a time."""
import secrets
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pantry.outbox.models import Message

LONGEST_WAIT = timedelta(hours=6)


def post(session, recipient, event, letter, now, *, channel="mail", payload=None, topic=None, due_at=None):
    """Queue one message; the same recipient and event again is a no-op. True when it was new."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(
        insert(Message)
        .values(channel=channel, letter=letter, recipient=recipient, event=event[:120], topic=topic,
                payload=payload or {}, state="waiting", attempts=0, due_at=due_at or now, created_at=now,
                last_error="")
        .on_conflict_do_nothing(index_elements=["recipient", "event"])
        .returning(Message.id)
    )
    return result.first() is not None


def claim(session, now, limit, lease, skip=()):
    """Up to `limit` due messages for this worker (none of `skip`), leased until now + lease.
    The caller commits."""
    query = (
        select(Message.id)
        .where(Message.state.in_(("waiting", "failed")), Message.due_at <= now,
               or_(Message.claimed_until.is_(None), Message.claimed_until <= now),
               Message.id.not_in(skip) if skip else true())
        .order_by(Message.due_at, Message.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = session.scalars(query).all()
    if not ids:
        return None, []
    token = secrets.token_hex(8)
    session.execute(
        update(Message).where(Message.id.in_(ids))
        .values(claim=token, claimed_until=now + lease, attempts=Message.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return token, ids


def _settle(session, message_id, token, **values):
    """Only the worker still holding the claim settles a message (a lease that ran out lost it)."""
    result = session.execute(
        update(Message).where(Message.id == message_id, Message.claim == token)
        .values(claim=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def sent(session, message_id, token, now):
    return _settle(session, message_id, token, state="sent", sent_at=now, last_error="")


def failed(session, message, token, error, now, *, backoff, attempts):
    """Try again after backoff x 2^(attempts - 1), at most LONGEST_WAIT; dead after `attempts`."""
    reason = str(error)[:500] or type(error).__name__
    if message.attempts >= attempts:
        return _settle(session, message.id, token, state="dead", last_error=reason)
    wait = min(backoff * 2 ** (message.attempts - 1), LONGEST_WAIT)
    return _settle(session, message.id, token, state="failed", due_at=now + wait, last_error=reason)


def dead(session, message_id, token, reason):
    """A message that can never go (it cannot be written, its recipient is unknown)."""
    return _settle(session, message_id, token, state="dead", last_error=str(reason)[:500])


def retry(session, message_id, now):
    """A coordinator sends a dead or failed message again: due now, its attempts counted afresh."""
    result = session.execute(
        update(Message).where(Message.id == message_id, Message.state.in_(("dead", "failed")))
        .values(state="waiting", attempts=0, due_at=now, claim=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def counts(session):
    """How many messages are in each state: the outbox dashboard's first line."""
    found = dict(session.execute(select(Message.state, func.count()).group_by(Message.state)).all())
    return {state: found.get(state, 0) for state in ("waiting", "failed", "dead", "sent")}


def dead_count(session):
    """How many messages could not be delivered (the home screen's warning), along the (state, due_at) index."""
    return session.scalar(dead_count_query())


def dead_count_query():
    return select(func.count()).select_from(Message).where(Message.state == "dead")


def told_lately(session, recipient, topic, since):
    """Whether `recipient` had a message about `topic` after `since` (a follower's window)."""
    query = select(Message.id).where(and_(Message.recipient == recipient, Message.topic == topic,
                                          Message.created_at > since)).limit(1)
    return session.scalar(query) is not None
