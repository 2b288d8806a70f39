"""What a serving app leaves out until it is used: each worker is smaller by what it never needs
(issue 18: at most 80 MB a worker). Flask-Migrate (pantry/migrating.py), Pillow, pillow-heif,
qrcode, cryptography and icalendar load with the first migration, photo, label, poster, share
card, two-step code, push subscription or calendar."""
import subprocess
import sys

from pantry import migrating

LATER = ("alembic", "mako", "flask_migrate", "PIL", "pillow_heif", "qrcode", "cryptography", "icalendar")


def test_making_the_app_loads_none_of_what_waits_for_first_use():
    code = ("import sys; from pantry import create_app; create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
            f"print(sorted(name for name in {LATER!r} if name in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]", found.stderr


def test_the_db_commands_and_the_config_load_flask_migrate_on_first_use(app, runner):
    assert app.extensions["migrate"].directory.endswith("migrations")  # read: Flask-Migrate's own now
    assert not isinstance(app.extensions["migrate"], migrating._Later)
    assert "upgrade" in runner.invoke(args=["db", "--help"]).output
