"""PostgreSQL restarts while the app serves writes and reads: during the outage every answer is
503 with Retry-After (never a 500), afterwards the app reconnects by itself (pool_pre_ping)
within seconds, and every acknowledged entry is in the books, once.

It brings its own server (tests/faults/private_postgres.py), so it runs on both legs of the suite."""
import time
from collections import Counter

import psycopg
import pytest
from flask import abort, request
from sqlalchemy import select, text

from pantry import create_app
from pantry.database import utcnow
from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock import ledger
from pantry.stock.models import Item, Movement
from pantry.tags.rules import issue_tag
from tests.conftest import key, settings
from tests.faults import books
from tests.faults.conftest import STARTING_STOCK
from tests.faults.private_postgres import private_postgres
from tests.faults.serving import gunicorn
from tests.faults.traffic import Phone, Traffic

pytestmark = pytest.mark.slow
SERVED = {200, 201, 303}
BACK_WITHIN = 5  # seconds after PostgreSQL is up again


@pytest.fixture(scope="module")
def fridge_on_its_own_server():
    """The private server with the app's tables, a fridge with two items, and its label."""
    with private_postgres() as cluster:
        app = create_app(settings(cluster.url))
        with app.app_context():
            db.create_all()
            site = Site(name="Corner Fridge", slug="corner-fridge")
            items = [Item(name="Canned beans", category="canned"), Item(name="Milk 1 L", category="dairy")]
            db.session.add_all([site, *items])
            db.session.flush()
            for item in items:
                ledger.restock(db.session, site.id, item.id, STARTING_STOCK, key(), utcnow())
            code = issue_tag(db.session, site, "site", utcnow()).code
            db.session.commit()
            fridge = (site.id, site.slug, code, {item.id: STARTING_STOCK for item in items})
            db.session.remove()
            db.engine.dispose()
        yield cluster, fridge


@pytest.fixture
def app_on_its_own_server(fridge_on_its_own_server):
    cluster, fridge = fridge_on_its_own_server
    app = create_app(settings(cluster.url))
    yield app, cluster, fridge
    with app.app_context():
        db.engine.dispose()


def test_the_app_answers_503_while_postgres_restarts_and_reconnects_after(app_on_its_own_server):
    app, cluster, (site_id, slug, code, initial) = app_on_its_own_server
    with app.app_context():
        check_the_restart(cluster, db.session, site_id, slug, code, initial)


def check_the_restart(cluster, session, site_id, slug, code, initial):

    with gunicorn(cluster.url, workers=2, threads=4) as server:
        pages = [f"/sites/{slug}", f"/t/{code}"]
        with Traffic(server.port, code, list(initial), writers=4, readers=2, pages=pages) as traffic:
            traffic.wait_for_acknowledged(100)
            down = time.monotonic()
            cluster.restart()
            up = time.monotonic()
            traffic.wait_for_acknowledged(100, timeout=BACK_WITHIN + 10)

        answers = traffic.logs + traffic.reads
        refused = [sent for sent in answers if sent.status not in SERVED]
        served_after = [sent.at for sent in answers if sent.status in SERVED and sent.at > up]
        if refused:
            print(
                f"\nPostgreSQL restart took {up - down:.2f} s; {len(traffic.logs)} entries and "
                f"{len(traffic.reads)} reads answered {dict(Counter(sent.status for sent in answers))}; "
                f"503s from {min(sent.at for sent in refused) - down:+.2f} s to {max(sent.at for sent in refused) - down:+.2f} s "
                f"after the restart began; first served {min(served_after) - up:.2f} s after PostgreSQL was up"
            )
        assert refused, "no request met the outage: nothing was proved"
        assert {sent.status for sent in refused} == {503}, "during the outage: 503 only, no 500, none lost"
        assert {sent.retry_after for sent in refused} == {"2"}
        assert {sent.code for sent in refused if sent.as_json} <= {"busy"}
        assert min(served_after) - up < BACK_WITHIN
        assert max(sent.at for sent in refused) - up < BACK_WITHIN

        # Every acknowledged entry is there once; each refused one, sent again, applies once.
        acknowledged = [sent for sent in traffic.logs if sent.acknowledged]
        applied = books.times_applied(session, [sent.key for sent in acknowledged])
        assert set(applied.values()) == {1}
        unanswered = [sent for sent in traffic.logs if not sent.acknowledged]
        phone = Phone(server.port, f"/t/{code}")
        phone.open_page()
        for sent in unanswered:
            assert phone.log(f"/t/{code}/log", sent.fields, sent.as_json, key=sent.key).acknowledged
        phone.close()

    assert set(books.times_applied(session, [sent.key for sent in traffic.logs]).values()) == {1}
    assert books.stock_of(session, site_id) == books.expected_stock(initial, traffic.logs)
    assert books.problems(session) == []


def cut_connection_of(session, cluster):
    """Terminate the backend serving `session`'s open transaction, as a restart does, and wait
    until it is gone: the next word on that connection meets the cut."""
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
    with psycopg.connect(cluster.url.replace("+psycopg", ""), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 5
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
            assert time.monotonic() < deadline, "the backend outlived pg_terminate_backend"
            time.sleep(0.01)


@pytest.mark.parametrize("method, path, expected", [
    ("GET", "/sites/{slug}", 200),
    ("GET", "/t/{code}", 200),
    ("POST", "/t/{code}/log", 201),
    ("GET", "/t/NOSUCHTAG", 404),
    ("GET", "/api/v1/sites/{slug}", 200),
    ("GET", "/cut-then-404", 404),
], ids=["site page", "scan page", "JSON log", "unknown label", "API", "an error page"])
def test_a_connection_cut_once_the_answer_is_ready_is_no_500(app_on_its_own_server, method, path, expected):
    """The restart's narrowest window: the answer is made, the request's transaction is still
    open, and PostgreSQL cuts the connection before the request ends (its rollback meets the cut)."""
    app, cluster, (site_id, slug, code, initial) = app_on_its_own_server

    @app.get("/cut-then-404")
    def cut_then_404():  # the cut meets the error page's own rollback
        db.session.scalar(select(Movement.id).limit(1))
        cut_connection_of(db.session, cluster)
        abort(404)

    @app.teardown_request
    def cut(error):  # the answer is complete; the app context, with its session, ends next
        if request.path != "/cut-then-404":
            db.session.scalar(select(Movement.id).limit(1))  # a transaction is open, as on most pages
            cut_connection_of(db.session, cluster)

    client = app.test_client()  # each request in an app context of its own, as under gunicorn
    token = client.get("/api/v1/csrf-token").json["csrf_token"]  # TESTING: an error would raise here
    body = {"key": key(), "kind": "take", "item": min(initial), "quantity": 1}
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    answer = client.open(path.format(slug=slug, code=code), method=method, json=body if method == "POST" else None,
                         headers=headers)
    assert answer.status_code == expected
    assert client.get(f"/t/{code}").status_code == 200  # and the next request reconnects
    if method == "POST":
        with app.app_context():
            assert books.times_applied(db.session, [body["key"]]) == {body["key"]: 1}
