"""Hostile input, by hypothesis: the settings every property here runs under, a small network
to aim at (a fridge with stock, its labels, a shift, a coordinator), and the two things each
property checks after every example: nothing was written, and the books still balance."""
import functools
import tempfile
import weakref
from datetime import time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import func, select

from pantry.clock import deployment_zone, local_today
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow
from pantry.extensions import db
from pantry.shifts import planning
from pantry.stock import ledger
from pantry.stock.audit import discrepancies
from pantry.tags.rules import issue_tag
from tests.conftest import POSTGRES_URL, csrf_token, key

# Real exploration (no derandomize), no example database in the repository, no deadline on a
# shared 2-core machine, and a blob to replay any failure with @reproduce_failure.
# The app fixture is function-scoped on purpose: every example asks the database for its own
# before/after, so what earlier examples wrote never decides whether a later one passes.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "pantry-hypothesis")  # its caches, out of the tree
PROPERTIES = settings(
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PASSWORD = "a-long-coordinator-password"


def examples(count):
    """How many examples a property runs: all of them on SQLite; a quarter on PostgreSQL, whose
    leg is there for what only that database refuses (a NUL byte, an integer past 64 bits, an
    overlong text), values the strategies try among their first examples. What the parsers
    do with anything else does not depend on the database, and the SQLite leg covers it."""
    return count if not POSTGRES_URL else max(10, count // 4)


def row_counts(session):
    """Rows in every table, after ending the test's own transaction (so SQLite shows the latest)."""
    session.rollback()
    return session.execute(_counting()).one()._asdict()


@functools.cache
def _counting():
    """Every table's row count in one statement (row_counts runs twice an example), made once."""
    return select(*(select(func.count()).select_from(table).scalar_subquery().label(table.name)
                    for table in db.metadata.sorted_tables))


def assert_books_balance(session):
    session.rollback()
    problems = discrepancies(session)
    assert not problems, "the ledger invariant broke:\n" + "\n".join(problems)


def assert_answered(answer):
    """Never a 500: any status below 500, or a 503 that says when to come back."""
    assert answer.status_code < 500 or (answer.status_code == 503 and "Retry-After" in answer.headers), (
        answer.status_code, answer.get_data()[:500]
    )


class World:
    """What the properties aim at, as plain values (ids and codes), safe across requests."""

    def __init__(self, session, make_site, make_item):
        fridge = make_site("Corner Fridge", address="12 Elm St")
        beans = make_item("Canned beans", "canned", "can")
        milk = make_item("Milk 1 L", "dairy", "carton")
        now, today = utcnow(), local_today()
        ledger.restock(session, fridge.id, beans.id, 6, key(), now, best_before=today + timedelta(days=90))
        ledger.restock(session, fridge.id, milk.id, 2, key(), now, best_before=today - timedelta(days=2))
        site_tag = issue_tag(session, fridge, "site", now)
        item_tag = issue_tag(session, fridge, "item", now, item=beans)
        care_tag = issue_tag(session, fridge, "care", now)
        shift = planning.add_shift(
            session, fridge, "cleaning", today + timedelta(days=3), time(9), time(9, 30), 50, now, deployment_zone()
        )
        coordinator = Coordinator(email="coordinator@example.org", name="Cora")
        coordinator.set_password(PASSWORD)
        session.add(coordinator)
        session.commit()
        self.slug, self.site_id, self.beans, self.milk = fridge.slug, fridge.id, beans.id, milk.id
        self.site_code, self.item_code, self.care_code = site_tag.code, item_tag.code, care_tag.code
        self.shift_id = shift.id
        self.coordinator_email = coordinator.email


@pytest.fixture
def world(session, make_site, make_item):
    return World(session, make_site, make_item)


def send(client, session, path, body, content_type, headers=None):
    """POST, and check what every example here checks: never a 500, a 4xx wrote nothing,
    the books balance. Returns the answer."""
    before = row_counts(session)
    answer = client.post(path, data=body, content_type=content_type, headers=headers or {})
    assert_answered(answer)
    if answer.status_code >= 400:
        assert row_counts(session) == before, f"a {answer.status_code} wrote something"
    assert_books_balance(session)
    return answer


def page_token(client, path):
    """The client's CSRF token for the form at `path`, read from the page: the first time, and
    again whenever the session's CSRF secret changed (a sign-in starts a new session). Rendering
    the page for every example only to read the same token again was a fifth of a property's time."""
    kept = _tokens.setdefault(client, {}).get(path)
    if kept and kept[0] is not None and kept[0] == _csrf_secret(client):
        return kept[1]
    page = client.get(path)
    assert page.status_code == 200, path
    token = csrf_token(page.text)
    _tokens[client][path] = (_csrf_secret(client), token)
    return token


_tokens = weakref.WeakKeyDictionary()  # client: {path: (the session's CSRF secret, the token made from it)}


def _csrf_secret(client):
    with client.session_transaction() as kept:
        return kept.get("csrf_token")  # Flask-WTF's secret in the session, which its tokens sign


@pytest.fixture
def desk(app, world):
    """A browser of its own, signed in as the world's coordinator."""
    client = app.test_client()
    token = page_token(client, "/admin/sign-in")
    answer = client.post("/admin/sign-in", data={"csrf_token": token, "email": world.coordinator_email,
                                                 "password": PASSWORD})
    assert answer.status_code == 303, answer.status_code
    return client
