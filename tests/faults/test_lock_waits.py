"""A write that cannot get its lock in time answers 503 with Retry-After, never 500, and writes
nothing; once the lock is free, the same key applies exactly once.

SQLite: another connection holds the write lock (BEGIN IMMEDIATE) past the busy timeout.
PostgreSQL: another transaction holds the stock row (SELECT ... FOR UPDATE) past lock_timeout."""
import sqlite3
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from pantry.extensions import db
from pantry.stock.models import Movement, Stock
from tests.conftest import csrf_token, key
from tests.faults import books

WAIT_MS = 300


@pytest.fixture
def impatient(app):
    """The app, waiting WAIT_MS for a lock instead of 10 s."""
    app.config.update(SQLITE_BUSY_TIMEOUT_MS=WAIT_MS, POSTGRES_LOCK_TIMEOUT_MS=WAIT_MS)
    db.session.remove()
    db.engine.dispose()  # connections made from now on take the short wait
    return app


@contextmanager
def lock_held(database_url, site_id, item_id):
    """Another writer holds what a log at the site needs, until the block ends."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with db.engine.connect() as other:
        other.execute(
            text("SELECT id FROM stock WHERE site_id = :site AND item_id = :item FOR UPDATE"),
            {"site": site_id, "item": item_id},
        )
        try:
            yield
        finally:
            other.rollback()


def books_now(session, site_id):
    session.rollback()
    return session.scalar(select(func.count()).select_from(Movement)), books.stock_of(session, site_id)


def test_a_log_that_waits_past_the_lock_timeout_answers_503_and_writes_nothing(
    impatient, database_url, session, client, fridge
):
    site_id, _, code, initial = fridge
    item_id = min(initial)
    token = csrf_token(client.get(f"/t/{code}").text)
    form = {"csrf_token": token, "key": key(), "kind": "take", "item": item_id, "quantity": 2}
    outbox = {"key": key(), "kind": "restock", "item": item_id, "quantity": 3, "best_before": "2026-12-01"}
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    before = books_now(session, site_id)

    with lock_held(database_url, site_id, item_id):
        started = time.monotonic()
        by_form = client.post(f"/t/{code}/log", data=form)
        by_outbox = client.post(f"/t/{code}/log", json=outbox, headers=headers)
        waited = time.monotonic() - started
        assert books_now(session, site_id) == before  # nothing written

    assert waited < 5, "the short wait was not used"
    assert by_form.status_code == 503
    assert by_form.headers["Retry-After"] == "2"
    assert by_form.mimetype == "text/html"
    assert "Nothing was saved" in by_form.text
    assert by_outbox.status_code == 503
    assert by_outbox.headers["Retry-After"] == "2"
    assert by_outbox.json["code"] == "busy"  # the outbox keeps the entry and sends it again

    # The lock is free: each is sent again with its key, twice, and applies once.
    for _ in range(2):
        assert client.post(f"/t/{code}/log", data=form).status_code == 303
        assert client.post(f"/t/{code}/log", json=outbox, headers=headers).status_code == 201
    assert books.times_applied(session, [form["key"], outbox["key"]]) == {form["key"]: 1, outbox["key"]: 1}
    assert books.stock_of(session, site_id)[item_id] == initial[item_id] - 2 + 3
    assert books.problems(session) == []


def test_a_stuck_lock_on_the_api_answers_503_too(impatient, database_url, session, client, fridge):
    site_id, slug, _, initial = fridge
    item_id = min(initial)
    token = client.get("/api/v1/csrf-token").json["csrf_token"]
    body = {"key": key(), "kind": "take", "item": item_id, "quantity": 1}
    with lock_held(database_url, site_id, item_id):
        answer = client.post(f"/api/v1/sites/{slug}/movements", json=body, headers={"X-CSRFToken": token})
    assert (answer.status_code, answer.headers.get("Retry-After"), answer.json["code"]) == (503, "2", "busy")
    again = client.post(f"/api/v1/sites/{slug}/movements", json=body, headers={"X-CSRFToken": token})
    assert again.status_code == 201
    session.rollback()
    assert session.scalar(select(Stock.quantity).where(Stock.item_id == item_id)) == initial[item_id] - 1


def test_the_lock_waits_are_settings(impatient):
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == WAIT_MS
        else:
            assert connection.execute(text("SHOW lock_timeout")).scalar() == f"{WAIT_MS}ms"
