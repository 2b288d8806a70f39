"""Migrations: they build exactly the schema the models describe, and go down and up again
on a database that holds rows."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, func, insert, select, text

from pantry import create_app
from pantry.database import utcnow
from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock import ledger
from pantry.stock.audit import discrepancies
from pantry.stock.models import Item, Movement
from tests.conftest import POSTGRES_URL, settings

FIRST = "c370c3c61584"  # the ledger's tables, before shifts and care
BEFORE_SEALING = "h18a0home"  # p16a0sealtotp's down revision: two-step secrets kept in plain text


@pytest.fixture
def empty_database(tmp_path, database_url):
    """A database with no tables: a new SQLite file, or a new schema on PostgreSQL (the leg's
    database, `database_url`)."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    schema = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def fill(session, now):
    """Rows made at any revision: the site by its first columns only (a later column is not
    there yet), the rest through the ledger's rules."""
    site_id = session.execute(
        insert(Site).values(name="Corner Fridge", slug=f"corner-{uuid.uuid4().hex[:6]}").returning(Site.id)
    ).scalar_one()
    item = Item(name=f"Milk {uuid.uuid4().hex[:6]}", category="dairy", unit="carton")
    session.add(item)
    session.flush()
    took = ledger.restock(session, site_id, item.id, 6, uuid.uuid4().hex, now)
    ledger.take(session, site_id, item.id, 2, uuid.uuid4().hex, now)
    ledger.correct(session, took.id, uuid.uuid4().hex, now)
    session.commit()


def fill_first(session, now):
    """The ledger's rows as the first revision's tables hold them (the models have moved on since)."""
    tag, moment = uuid.uuid4().hex[:6], now.replace(tzinfo=None)
    rows = [
        ("INSERT INTO site (slug, name, address, kind, state, hours, notes, created_at)"
         " VALUES (:tag, 'Corner Fridge', '', 'fridge', 'open', '', '', :at)"),
        "INSERT INTO item (name, category, unit, created_at) VALUES ('Milk ' || :tag, 'dairy', 'carton', :at)",
        ("INSERT INTO stock (site_id, item_id, quantity, count_looks_off) SELECT s.id, i.id, 4, false"
         " FROM site s, item i WHERE s.slug = :tag AND i.name = 'Milk ' || :tag"),
        ("INSERT INTO batch (site_id, item_id, quantity, created_at) SELECT site_id, item_id, 4, :at"
         " FROM stock WHERE id = (SELECT max(id) FROM stock)"),
        ("INSERT INTO movement (site_id, item_id, kind, quantity, delta, source, recorded_by, note,"
         " idempotency_key, payload_digest, created_at) SELECT site_id, item_id, lines.kind, lines.quantity, lines.delta,"
         " 'scan', '', '', :tag || lines.kind, '', :at FROM stock,"
         " (SELECT 'restock' AS kind, 6 AS quantity, 6 AS delta UNION ALL SELECT 'take', 2, -2) AS lines"
         " WHERE stock.id = (SELECT max(id) FROM stock)"),
    ]
    for row in rows:
        session.execute(text(row), {"tag": tag, "at": moment})
    session.commit()


def test_the_migrations_match_the_models_and_go_down_and_up_with_rows(empty_database):
    app = create_app(settings(empty_database))
    with app.app_context():
        upgrade(revision=FIRST)
        fill_first(db.session, utcnow())
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == [], "models and migrations disagree: run `flask db migrate`"

        fill(db.session, utcnow())
        downgrade(revision=FIRST)  # the ledger's rows stay while later tables go
        assert db.session.scalar(select(func.count()).select_from(Movement)) == 5
        db.session.commit()  # end the read, so SQLite's snapshot does not outlive the upgrade
        upgrade()
        downgrade(revision="base")
        upgrade()
        fill(db.session, utcnow())
        assert db.session.scalar(select(func.count()).select_from(Movement)) == 3
        assert discrepancies(db.session) == []
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        db.session.remove()
        db.engine.dispose()


def test_the_two_step_secrets_kept_plain_are_sealed_by_the_migration_and_opened_going_down(empty_database):
    from pantry import sealed
    from pantry.coordinators.models import Coordinator

    plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    app = create_app(settings(empty_database))
    with app.app_context():
        upgrade(revision=BEFORE_SEALING)
        db.session.execute(text("INSERT INTO coordinator (email, name, language, created_at, session_generation,"
                                " totp_secret) VALUES ('ada@example.org', 'Ada', '', :at, 0, :secret)"),
                           {"at": utcnow().replace(tzinfo=None), "secret": plain})
        db.session.commit()
        upgrade(revision="p16a0sealtotp")
        stored = db.session.execute(text("SELECT totp_secret FROM coordinator")).scalar_one()
        assert plain not in stored and stored.startswith(sealed.PREFIX)
        assert db.session.scalars(select(Coordinator.totp_secret)).one() == plain
        db.session.commit()
        upgrade(revision="p16a0sealtotp")  # again: nothing sealed twice
        assert db.session.execute(text("SELECT totp_secret FROM coordinator")).scalar_one() == stored
        db.session.commit()
        downgrade(revision=BEFORE_SEALING)
        assert db.session.execute(text("SELECT totp_secret FROM coordinator")).scalar_one() == plain
        db.session.remove()
        db.engine.dispose()
