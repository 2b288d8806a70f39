"""The outbox's queue without a worker process: once per recipient and event, leases, a growing
backoff, dead after the set attempts, and a coordinator's retry."""
from datetime import timedelta

from sqlalchemy import select

from pantry.outbox import queue
from pantry.outbox.models import Message
from tests.conftest import NOW

LEASE = timedelta(minutes=5)
BACKOFF = timedelta(seconds=30)


def test_one_message_per_recipient_and_event(session):
    assert queue.post(session, "coordinator:1", "too-warm:7", "too-warm", NOW)
    assert not queue.post(session, "coordinator:1", "too-warm:7", "too-warm", NOW)  # the same event again
    assert queue.post(session, "coordinator:2", "too-warm:7", "too-warm", NOW)
    session.commit()
    assert len(session.scalars(select(Message)).all()) == 2


def test_a_claim_is_a_lease_that_runs_out(session):
    queue.post(session, "coordinator:1", "e:1", "too-warm", NOW)
    token, ids = queue.claim(session, NOW, 10, LEASE)
    session.commit()
    assert len(ids) == 1 and token
    assert queue.claim(session, NOW + timedelta(minutes=1), 10, LEASE) == (None, [])  # leased to the first
    later, again = queue.claim(session, NOW + LEASE + timedelta(seconds=1), 10, LEASE)  # its worker died
    assert again == ids and later != token
    session.commit()
    assert not queue.sent(session, ids[0], token, NOW)  # the first worker lost its claim
    assert queue.sent(session, ids[0], later, NOW)


def test_each_failure_waits_longer_and_the_last_is_dead(session):
    queue.post(session, "coordinator:1", "e:1", "too-warm", NOW)
    session.commit()
    now, waits = NOW, []
    for _attempt in range(4):
        token, [message_id] = queue.claim(session, now, 10, LEASE)
        session.commit()
        message = session.get(Message, message_id, populate_existing=True)
        queue.failed(session, message, token, OSError("connection refused"), now, backoff=BACKOFF, attempts=4)
        session.commit()
        session.refresh(message)
        if message.state == "dead":
            break
        waits.append(message.due_at - now)
        assert queue.claim(session, message.due_at - timedelta(seconds=1), 10, LEASE) == (None, [])
        session.rollback()
        now = message.due_at
    assert waits == [BACKOFF, 2 * BACKOFF, 4 * BACKOFF]
    assert (message.state, message.attempts, message.last_error) == ("dead", 4, "connection refused")
    assert queue.counts(session) == {"waiting": 0, "failed": 0, "dead": 1, "sent": 0}

    assert queue.retry(session, message.id, now)  # a coordinator sends it again
    session.commit()
    session.refresh(message)
    assert (message.state, message.attempts) == ("waiting", 0)
    assert queue.claim(session, now, 10, LEASE)[1] == [message.id]
    session.rollback()
    assert not queue.retry(session, message.id, now)  # only a dead or failed message is retried
