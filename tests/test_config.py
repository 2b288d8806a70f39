"""Where settings come from, the secret key, and the SQLite settings on every connection."""
import logging

import pytest
from sqlalchemy import text

from pantry import create_app
from pantry.config import psycopg_url
from pantry.extensions import db


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An app whose instance folder is a fresh temporary one."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)

    def make(config=None, files=None):
        for name, content in (files or {}).items():
            (tmp_path / name).write_text(content)
        app_config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pantry.db'}", **(config or {})}
        return create_app(app_config)

    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    return make


def test_a_missing_secret_key_is_made_once_in_development(instance, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        first = instance()
    assert "generated one" in caplog.text
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    second = instance()
    assert first.secret_key == second.secret_key
    assert len(first.secret_key) == 64


def test_production_refuses_to_start_without_a_secret_key(instance, tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        instance({"ENVIRONMENT": "production"})
    assert not (tmp_path / "secret_key").exists()
    assert instance({"ENVIRONMENT": "production", "SECRET_KEY": "s" * 40}).secret_key == "s" * 40


def test_settings_come_from_defaults_then_instance_file_then_environment_then_test(instance, monkeypatch):
    files = {"config.py": "MAX_LOG_QUANTITY = 20\nUNDO_MINUTES = 9\nBASE_URL = 'https://file.example/'\n"}
    monkeypatch.setenv("PANTRY_UNDO_MINUTES", "7")
    monkeypatch.setenv("PANTRY_BASE_URL", "https://env.example/")
    app = instance({"SECRET_KEY": "k", "BASE_URL": "https://test.example"}, files)
    assert app.config["EXPIRING_SOON_DAYS"] == 2  # a default
    assert app.config["MAX_LOG_QUANTITY"] == 20  # instance/config.py
    assert app.config["UNDO_MINUTES"] == 7  # PANTRY_* beats the file
    assert app.config["BASE_URL"] == "https://test.example"  # the test's own wins


def test_database_url_from_the_environment_uses_psycopg(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://pantry@db.example/pantry")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://pantry@db.example/pantry"
    assert app.secret_key == "from-env"
    assert psycopg_url("sqlite:///x.db") == "sqlite:///x.db"


def test_every_sqlite_connection_has_wal_foreign_keys_and_a_busy_timeout(instance):
    app = instance({"SECRET_KEY": "k"})
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
        db.engine.dispose()
