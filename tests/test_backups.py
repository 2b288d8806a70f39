"""Backups: a copy taken while phones keep logging restores whole (integrity, foreign keys, the
ledger invariant); neither command overwrites without --force; PostgreSQL is pointed to pg_dump;
and purge-contacts forgets old contact details while every count stays."""
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, time as clock, timedelta

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from pantry import create_app
from pantry.clock import deployment_zone, local_today
from pantry.database import utcnow
from pantry.extensions import db
from pantry.shifts import planning, privacy, signups
from pantry.shifts.models import Shift, SignUp
from pantry.stock import ledger
from pantry.stock.audit import discrepancies
from pantry.stock.models import Movement, Stock
from pantry.tags.rules import issue_tag
from tests.conftest import POSTGRES_URL, key, settings
from tests.live import ROOT, gunicorn, new_key, phones

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="on PostgreSQL, pg_dump and pg_restore do this")
STOCK = 100_000
WRITERS = 4


def flask_command(database_url, *args):
    """`flask --app pantry pantry ...` in a process of its own, as an operator or cron runs it."""
    env = {**os.environ, "PANTRY_SQLALCHEMY_DATABASE_URI": database_url, "PANTRY_SECRET_KEY": "backup-test"}
    command = [sys.executable, "-m", "flask", "--app", "pantry", "pantry", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def checked(path):
    """What a restored file says about itself: integrity, foreign keys, the books, and the takes."""
    connection = sqlite3.connect(path)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        foreign_keys = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as session:
            takes = session.scalar(select(func.count()).where(Movement.kind == "take"))
            stock = session.scalar(select(Stock.quantity))
            return integrity, foreign_keys, discrepancies(session), takes, stock
    finally:
        engine.dispose()


@pytest.fixture
def stocked(session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    beans = make_item("Canned beans")
    ledger.restock(session, fridge.id, beans.id, STOCK, key(), utcnow())
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    return beans.id, tag.code


@sqlite_only
@pytest.mark.slow
def test_a_backup_taken_while_phones_log_restores_whole(database_url, session, stocked, tmp_path):
    beans_id, code = stocked
    copy, fresh = tmp_path / "copy.db", tmp_path / "fresh.db"
    done, failures, stop = [0] * WRITERS, [], threading.Event()

    with gunicorn(database_url, workers=2, threads=4) as port, phones(port, WRITERS, f"/t/{code}") as browsers:

        def take_until_stopped(index):
            try:
                while not stop.is_set():
                    status = browsers[index].post(f"/t/{code}/log", key=new_key(), kind="take", item=beans_id,
                                                  quantity=1)
                    assert status == 303, status
                    done[index] += 1
            except Exception as error:  # reported below, with the thread that failed
                failures.append(f"writer {index}: {error!r}")
                stop.set()

        writers = [threading.Thread(target=take_until_stopped, args=(index,)) for index in range(WRITERS)]
        for writer in writers:
            writer.start()
        try:
            wait_for(lambda: sum(done) >= 100)
            before = sum(done)
            backup = flask_command(database_url, "backup", str(copy))
            during = sum(done) - before
            wait_for(lambda: sum(done) >= before + during + 50)
        finally:
            stop.set()
            for writer in writers:
                writer.join(timeout=60)

    assert not failures, failures
    assert backup.returncode == 0, backup.stderr
    assert "The copy passed its integrity check." in backup.stdout
    assert during > 0, "the phones were kept waiting while the backup ran"
    session.rollback()
    total = session.scalar(select(func.count()).where(Movement.kind == "take"))
    assert total == sum(done)

    restore = flask_command(f"sqlite:///{fresh}", "restore", str(copy))
    assert restore.returncode == 0, restore.stderr
    integrity, foreign_keys, problems, takes, stock = checked(fresh)
    assert integrity == [("ok",)]
    assert foreign_keys == []
    assert problems == []
    print(f"\ntakes: {before} before the backup, {during} while it ran, {takes} in the copy, {total} in all")
    assert before <= takes < total  # a snapshot from the middle of the stream
    assert stock == STOCK - takes

    again = flask_command(f"sqlite:///{fresh}", "restore", str(copy))
    assert again.returncode == 1
    assert "already holds data. Add --force" in again.stderr
    assert flask_command(f"sqlite:///{fresh}", "restore", "--force", str(copy)).returncode == 0
    assert checked(fresh)[:4] == ([("ok",)], [], [], takes)


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the writers stalled"
        time.sleep(0.05)


@sqlite_only
def test_a_backup_never_overwrites_without_force(runner, stocked, tmp_path):
    target = tmp_path / "pantry.db"
    target.write_bytes(b"last week's backup")
    refused = runner.invoke(args=["pantry", "backup", str(target)])
    assert refused.exit_code == 1
    assert "exists already. Choose another path, or add --force" in refused.output
    assert target.read_bytes() == b"last week's backup"
    assert list(tmp_path.iterdir()) == [target]
    made = runner.invoke(args=["pantry", "backup", "--force", str(target)])
    assert made.exit_code == 0, made.output
    assert "ledger entries: 1." in made.output
    assert list(tmp_path.iterdir()) == [target]  # one self-contained file: no -wal, no partial copy left
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT name FROM site").fetchall() == [("Corner Fridge",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)


@sqlite_only
def test_a_restore_takes_only_a_sound_pantry_database(runner, stocked, tmp_path):
    garbage, stranger, copy = tmp_path / "notes.txt", tmp_path / "other.db", tmp_path / "copy.db"
    garbage.write_text("not a database")
    with sqlite3.connect(stranger) as other:
        other.execute("CREATE TABLE recipe (name TEXT)")
    assert runner.invoke(args=["pantry", "backup", str(copy)]).exit_code == 0
    for path, message in [(garbage, "is not a SQLite database"), (stranger, "does not hold Pantry's books"),
                          (copy, "already holds data. Add --force")]:  # the test's own database holds data
        refused = runner.invoke(args=["pantry", "restore", str(path)])
        assert refused.exit_code == 1, path
        assert message in refused.output

    # An empty database (migrated or not) takes the copy without --force.
    elsewhere = create_app(settings(f"sqlite:///{tmp_path / 'new.db'}"))
    with elsewhere.app_context():
        restored = elsewhere.test_cli_runner().invoke(args=["pantry", "restore", str(copy)])
        db.engine.dispose()
    assert restored.exit_code == 0, restored.output
    assert "ledger entries: 1." in restored.output
    assert checked(tmp_path / "new.db")[:4] == ([("ok",)], [], [], 0)


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")
def test_on_postgresql_the_commands_point_to_pg_dump(runner, tmp_path):
    backup = runner.invoke(args=["pantry", "backup", str(tmp_path / "pantry.db")])
    assert backup.exit_code == 1
    assert "pg_dump --format=custom" in backup.output
    assert not (tmp_path / "pantry.db").exists()
    copy = tmp_path / "copy.db"
    copy.write_bytes(b"")
    restore = runner.invoke(args=["pantry", "restore", str(copy)])
    assert restore.exit_code == 1
    assert "pg_restore" in restore.output


def shift_days_ago(session, site, days, capacity=4):
    """A cleaning shift that ended `days` ago (or starts in -`days` days), made when it was still ahead."""
    zone = deployment_zone()
    day = local_today() - timedelta(days=days)
    start = datetime.combine(day, clock(9), tzinfo=zone)
    shift = planning.add_shift(session, site, "cleaning", day, clock(9), clock(10), capacity,
                               start - timedelta(days=1), zone)
    session.commit()
    return shift


def sign_up(session, shift, name, email=None, phone=None):
    idempotency = key()
    place = signups.sign_up(session, shift.id, name, email, phone, True, idempotency,
                            signups.manage_token("test-secret", idempotency), shift.starts_at - timedelta(hours=20))
    session.commit()
    return place


@pytest.fixture
def rosters(session, make_site):
    """Shifts that ended 40 and 10 days ago and one in 3 days, each with people who left contacts."""
    fridge = make_site("Corner Fridge")
    shifts = {"old": shift_days_ago(session, fridge, 40), "recent": shift_days_ago(session, fridge, 10),
              "coming": shift_days_ago(session, fridge, -3)}
    for shift in shifts.values():
        sign_up(session, shift, "Ana Ruiz", "ana@example.org", "+1 555 0100")
        sign_up(session, shift, "Bo", phone="555 0101")
        sign_up(session, shift, "Chen Li")
    gone = sign_up(session, shifts["old"], "Dee Dee", "dee@example.org")
    signups.cancel_sign_up(session, signups.manage_token("test-secret", gone.idempotency_key),
                           shifts["old"].starts_at - timedelta(hours=10), notice=timedelta(hours=2))
    session.commit()
    return shifts


def people(session, shift):
    session.expire_all()
    return [(place.name, place.email, place.phone, place.cancelled_at is not None)
            for place in session.scalars(select(SignUp).where(SignUp.shift_id == shift.id).order_by(SignUp.id))]


def test_purge_contacts_forgets_old_contacts_and_keeps_counts(runner, session, rosters):
    shifts = rosters
    taken = {name: shift.taken for name, shift in shifts.items()}
    kept = {name: people(session, shifts[name]) for name in ("recent", "coming")}
    session.commit()

    first = runner.invoke(args=["pantry", "purge-contacts"])
    assert first.exit_code == 0, first.output
    assert "Removed the contact details from 4 sign-ups on shifts that ended more than 30 days ago." in first.output
    assert people(session, shifts["old"]) == [
        ("A", None, None, False), ("B", None, None, False), ("C", None, None, False), ("D", None, None, True)]
    assert {name: people(session, shifts[name]) for name in ("recent", "coming")} == kept
    assert {name: session.get(Shift, shift.id).taken for name, shift in shifts.items()} == taken
    assert session.scalar(select(func.count()).select_from(SignUp)) == 10
    session.commit()

    again = runner.invoke(args=["pantry", "purge-contacts"])
    assert "Removed the contact details from 0 sign-ups" in again.output


def test_how_long_contacts_are_kept_is_a_setting(app, runner, session, rosters):
    app.config["PURGE_CONTACTS_AFTER_DAYS"] = 5
    session.commit()
    assert "from 7 sign-ups on shifts that ended more than 5 days ago" in runner.invoke(
        args=["pantry", "purge-contacts"]).output
    assert people(session, rosters["coming"])[0] == ("Ana Ruiz", "ana@example.org", "+1 555 0100", False)


def test_the_rule_counts_what_it_changed(session, rosters):
    now = utcnow()
    assert privacy.purge_contacts(session, now, timedelta(days=100)) == 0
    assert privacy.purge_contacts(session, now, timedelta(days=30)) == 4
    assert privacy.purge_contacts(session, now, timedelta(days=30)) == 0
    session.commit()
