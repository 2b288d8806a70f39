"""Fixtures for the outbox: followers of the fridge (tests/conftest.py), and messages queued to them."""
import secrets
from datetime import timedelta

import pytest

from pantry.outbox import queue
from pantry.outbox.models import Follower
from tests.conftest import NOW
from tests.coordinators.conftest import admin  # noqa: F401  (the signed-in client, for the outbox's screens)
from tests.mailbox import mailbox  # noqa: F401  (a real SMTP server on loopback)


@pytest.fixture
def make_follower(session, fridge):
    def make(email, kinds=("needs", "warm", "shifts"), confirmed=True, digest_hour=None, language="en", site=None,
             now=NOW):
        follower = Follower(site_id=(site or fridge).id, email=email, kinds=list(kinds), digest_hour=digest_hour,
                            language=language, nonce=secrets.token_hex(16), created_at=now - timedelta(hours=1),
                            confirmed_at=now - timedelta(minutes=30) if confirmed else None)
        session.add(follower)
        session.commit()
        return follower

    return make


@pytest.fixture
def queued(session, make_follower):
    """`count` followers, each with one confirmation mail waiting in the outbox. A worker process
    runs on the real clock (and purges followers unconfirmed for two days): pass `now` then."""
    def queue_them(count, now=NOW):
        people = [make_follower(f"person{index}@example.org", confirmed=False, now=now) for index in range(count)]
        for person in people:
            queue.post(session, f"follower:{person.id}", "confirm:test", "follow-confirm", now)
        session.commit()
        return [person.email for person in people]

    return queue_them
