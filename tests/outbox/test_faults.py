"""The worker under faults: killed with kill -9 mid-batch and started again, two workers on one
database, a mail server that is down and comes back, one that never answers."""
import os
import signal
import socket
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pantry.coordinators.models import Coordinator
from pantry.database import utcnow
from pantry.outbox.models import Message
from pantry.outbox.worker import deliver_due
from pantry.tags.rules import issue_tag
from tests.care.conftest import open_checklist, send_checklist
from tests.conftest import NOW, csrf_token
from tests.outbox.processes import start_mailbox, start_worker, stop, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def slow_smtp():
    box, controller = start_mailbox()
    yield box
    controller.stop()


@pytest.fixture
def smtp(slow_smtp, app):
    slow_smtp.clear()
    slow_smtp.delay = 0
    app.config.update(MAIL_SERVER=slow_smtp.host, MAIL_PORT=slow_smtp.port)
    return slow_smtp


def sent_count(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(Message).where(Message.state == "sent"))


def assert_each_once(box, addresses):
    received = Counter(message["To"] for message in box.messages)
    assert sorted(received) == sorted(addresses)
    assert set(received.values()) == {1}, [address for address, times in received.items() if times > 1]


def test_a_worker_killed_mid_batch_and_started_again_delivers_every_message_once(database_url, session, queued, smtp):
    addresses = queued(30, now=utcnow())
    smtp.delay = 0.1  # each message takes a tenth of a second: the kill lands in the middle of the batch
    worker = start_worker(database_url, smtp.port, OUTBOX_LEASE_SECONDS=2, OUTBOX_BATCH=30)
    try:
        assert wait_until(lambda: len(smtp.messages) >= 8, timeout=60)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        before = len(smtp.messages)
        assert before < 30, "the kill came after the batch: nothing was proved"
        time.sleep(0.5)
        assert len(smtp.messages) == before  # nobody is sending now
    finally:
        stop(worker)
    again = start_worker(database_url, smtp.port, OUTBOX_LEASE_SECONDS=2, OUTBOX_BATCH=30)
    try:
        assert wait_until(lambda: sent_count(session) == 30, timeout=90)
    finally:
        stop(again)
    # At least once: the one message in flight at the kill may have been handed over before its
    # row was settled, and goes again. It goes under the same Message-ID (one per recipient and
    # event), so the recipient's mail service knows it as the same mail; no other is repeated.
    ids = {message["To"]: set() for message in smtp.messages}
    for message in smtp.messages:
        ids[message["To"]].add(message["Message-ID"])
    assert sorted(ids) == sorted(addresses)
    assert all(len(found) == 1 for found in ids.values())
    assert len({found.pop() for found in ids.values()}) == 30
    assert len(smtp.messages) - 30 <= 1, Counter(message["To"] for message in smtp.messages).most_common(2)


def test_two_workers_on_one_database_deliver_each_message_once(database_url, session, queued, smtp):
    addresses = queued(40, now=utcnow())
    smtp.delay = 0.02
    workers = [start_worker(database_url, smtp.port, OUTBOX_BATCH=5) for _ in range(2)]
    try:
        assert wait_until(lambda: sent_count(session) == 40, timeout=90)
    finally:
        for worker in workers:
            stop(worker)
    assert_each_once(smtp, addresses)


def test_messages_wait_while_the_mail_server_is_down_and_go_when_it_is_back(app, session, queued, smtp):
    addresses = queued(3)
    app.config.update(MAIL_PORT=1, OUTBOX_BACKOFF_SECONDS=60)  # down: nothing listens there
    assert deliver_due(app.config, NOW).failed == 3
    assert deliver_due(app.config, NOW).failed == 0  # each waits its backoff before the next try
    app.config["MAIL_PORT"] = smtp.port  # back
    tally = deliver_due(app.config, NOW + timedelta(seconds=61))
    assert (tally.sent, tally.failed) == (3, 0)
    assert_each_once(smtp, addresses)


@pytest.fixture(scope="module")
def silent_smtp():
    """A mail server that accepts connections and never says a word."""
    listener = socket.create_server(("127.0.0.1", 0))
    held, done = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not done.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    done.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_no_request_waits_on_a_mail_server_that_never_answers(app, client, session, fridge, make_follower,
                                                              silent_smtp):
    """The checklist with a warm reading answers at once: the coordinators' alert and the
    followers' news are rows in the outbox, and the worker meets the silent server alone."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent_smtp, MAIL_TIMEOUT=1)
    session.add(Coordinator(email="ada@example.org", password_hash="x"))
    make_follower("warm@example.org", kinds=["warm"])
    tag = issue_tag(session, fridge, "care", utcnow())
    session.commit()
    page = open_checklist(client, tag)
    started = time.monotonic()
    answer = send_checklist(client, tag, csrf_token(page), reading="9")
    took = time.monotonic() - started
    assert answer.status_code == 303
    assert took < 1.0, f"the checklist took {took:.2f} s"
    waiting = session.scalars(select(Message.letter).where(Message.state == "waiting")).all()
    assert sorted(waiting) == ["news", "too-warm"]
    started = time.monotonic()
    tally = deliver_due(app.config, utcnow())  # the worker waits out the timeout instead, and survives
    assert (tally.sent, tally.failed) == (0, 2) and time.monotonic() - started >= 1.0
