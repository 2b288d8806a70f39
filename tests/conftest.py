"""Fixtures: an app on a real database (a SQLite file, or PostgreSQL when
PANTRY_TEST_DATABASE_URL is set), its client, and builders for sites and items."""
import contextvars
import copy
import os
import re
import uuid
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from pantry import create_app
from pantry.coordinators.models import Coordinator
from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock.audit import discrepancies
from pantry.stock.models import Item

pytest_plugins = ["tests.network", "tests.moments"]  # the `network` fixture; --moment, --zone: make test-clock

POSTGRES_URL = os.environ.get("PANTRY_TEST_DATABASE_URL")
ALONGSIDE = os.environ.get("PANTRY_TEST_ALONGSIDE")  # in the SQLite leg of `make test`: "postgresql" when that leg runs too
PASSWORD = "a long enough password"  # every test coordinator's
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
QUICK_HASH = "pbkdf2:sha256:1000"  # the tests' passwords: scrypt is some 80 ms of CPU a hash or a check


def pytest_collection_modifyitems(config, items):
    """`make test` runs the suite on SQLite, then on PostgreSQL. The PostgreSQL leg is there to
    find what only that database does differently (locks, JSON, time zones and ordering in SQL, a
    NUL byte or an integer past 64 bits refused, migrations), so it leaves to the SQLite leg every
    test that cannot meet such a difference, by one of two rules:

    - marked `once`: it looks at what the app shows (pages in a browser, every language, the
      manifest, the code's own shape), not at how a database keeps the books;
    - it never meets the leg's database: it asks for no `database_url` fixture, directly or
      through another one (`app`, `session`, `client` and the rest stand on it), so no query of
      it runs on PostgreSQL (pure parsing and rendering, checks of files; or a test that brings
      its own server, which is the same on either leg).

    Either way it runs in the SQLite leg, so nothing runs less than once; except that a test
    marked `once(leg="postgresql")` runs in the PostgreSQL leg instead when one runs alongside
    (`make test` says so to the SQLite leg with PANTRY_TEST_ALONGSIDE): a long walk of every page
    moved there so that the two legs, side by side on two cores, end together."""
    for item in items:
        if "database_url" not in getattr(item, "fixturenames", ("database_url",)):
            item.add_marker(pytest.mark.once)
    here = "postgresql" if POSTGRES_URL else "sqlite"
    for item in items:
        once = item.get_closest_marker("once")
        if once and _leg_of(once) != here:
            leg = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[_leg_of(once)]
            item.add_marker(pytest.mark.skip(reason=f"does not depend on the database: runs in the {leg} leg"))


def _leg_of(once):
    """The leg a test marked `once` runs in."""
    if once.kwargs.get("leg") == "postgresql" and (POSTGRES_URL or ALONGSIDE == "postgresql"):
        return "postgresql"
    return "sqlite"


def settings(database_url, **overrides):
    from tests.moments import zone  # imported by pytest as a plugin first (so it is assertion-rewritten)

    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": "https://pantry.example",
        "TIMEZONE": zone(),  # the network's default, or --zone
        "PAGE_CACHE_SECONDS": 0,  # tests/public/test_rendered_pages.py turns it on
        "RATE_LIMITS": False,  # tests/security/test_rate_limits.py turns it on
        "PASSWORD_HASH_METHOD": QUICK_HASH,  # scrypt, the default, in tests/coordinators/test_invitations.py
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if POSTGRES_URL:
        return POSTGRES_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("database") / "pantry.db")


@pytest.fixture(scope="session")
def schema(database_url):
    app = create_app(settings(database_url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # Start from nothing, whatever an earlier run of another branch left behind.
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
                # A test database need not survive a crash: commits skip the disk flush (3.5 ms
                # each here, against 0.06 ms), for every connection opened from now on.
                name = connection.execute(text("SELECT quote_ident(current_database())")).scalar()
                connection.execute(text(f"ALTER DATABASE {name} SET synchronous_commit = off"))
        db.drop_all()
        db.create_all()
        db.engine.dispose()


class BrowserClient(FlaskClient):
    """A test client whose requests run as they would in production: each in an app
    context of its own (its own `g`, its own database session), after the test's own
    session has committed what it set up (so SQLite's snapshot never hides a request's writes),
    and ended as a server ends it: read to its end and closed, so what the app does once the
    answer has gone (pantry.mail.send_after_answer) is done when the request returns."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def one_app(database_url, schema):
    """The app the tests share: made once, for making one costs 70 ms (werkzeug compiles a URL
    builder for each of its rules), over a thousand times a leg."""
    app = create_app(settings(database_url))
    app.test_client_class = BrowserClient
    yield app
    with app.app_context():  # the connections its tests left in the pool for the next
        db.engine.dispose()


@pytest.fixture
def app(request, database_url, one_app):
    """The shared app as if new: whatever a test changes in its settings or keeps in its
    extensions (rendered pages, cards) is put back when it ends, and its rows are deleted. A test
    marked `own_app` (it adds routes, which an app that has answered refuses) gets one of its own."""
    own = request.node.get_closest_marker("own_app")
    if own:
        one_app = create_app(settings(database_url))
        one_app.test_client_class = BrowserClient
    config = dict(one_app.config)
    kept = copy.deepcopy(config)  # as they were, nested values too
    extensions = set(one_app.extensions)
    with one_app.app_context():
        yield one_app
        db.session.rollback()
        empty_tables(db.session)
        db.session.commit()
        db.session.remove()
        changed = _settings_changed(one_app.config, config, kept)
        if changed or own:  # a connection takes its timeouts from the settings (pantry.database): made afresh
            db.engine.dispose()
    if changed:
        one_app.config.clear()
        one_app.config.update(kept)
    for name in set(one_app.extensions) - extensions:
        del one_app.extensions[name]


def _settings_changed(settings, before, kept):
    """Whether a test changed the app's settings: a value set or removed, or a list or mapping
    changed in place. Values are compared by identity first: the lazily translated ones would be
    translated to be compared."""
    return settings.keys() != before.keys() or any(
        settings[name] is not value or (isinstance(value, dict | list | set) and value != kept[name])
        for name, value in before.items())


@pytest.fixture(autouse=True)
def books_balance(request):
    """Design rule 2, checked after every test that had a database: each site's stock of each
    item is the sum of its movements, and never negative. Its failure is reported under its name."""
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")  # set up first, so torn down after this check
    yield
    db.session.rollback()
    problems = discrepancies(db.session)
    assert not problems, "the ledger invariant broke:\n" + "\n".join(problems)


def empty_tables(session):
    """Delete every row, the journal's too: the one place that may, going around the ORM's guard
    (and, on PostgreSQL, the journal's trigger: TRUNCATE fires no row trigger)."""
    connection = session.connection()
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if connection.dialect.name == "postgresql":  # in one round trip, not one a table
        connection.exec_driver_sql("; ".join(
            "TRUNCATE journal_entry" if name == "journal_entry" else f'DELETE FROM "{name}"' for name in tables))
        return
    for name in tables:
        connection.exec_driver_sql(f'DELETE FROM "{name}"')


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_site(session):
    def make(name="Corner Fridge", **fields):
        slug = fields.pop("slug", re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
        site = Site(name=name, slug=slug, **fields)
        session.add(site)
        session.commit()
        return site

    return make


@pytest.fixture
def fridge(make_site):
    return make_site("Corner Fridge", address="12 Elm St")


@pytest.fixture
def beans(make_item):
    return make_item("Canned beans")


@pytest.fixture
def coordinator(session):
    person = Coordinator(email="ada@example.org", name="Ada", password_hash=cheap_hash(PASSWORD))
    session.add(person)
    session.commit()
    return person


@pytest.fixture
def make_item(session):
    def make(name="Canned beans", category="canned", unit="can"):
        item = Item(name=name, category=category, unit=unit)
        session.add(item)
        session.commit()
        return item

    return make


def cheap_hash(password):
    """A password hash that is quick to check, as the tests' app makes them (QUICK_HASH)."""
    return generate_password_hash(password, method=QUICK_HASH)


def key():
    return uuid.uuid4().hex


def csrf_token(html):
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
