"""Flask-Migrate, loaded when migrations are asked for: `flask db ...`, or flask_migrate's own
functions (`upgrade()`...) in an app context. Alembic and Mako, which it brings, hold some 10 MB
that a worker serving pages never uses, so a serving process does not load them."""
import click

COMMAND = "db"


def register(app, db, directory):
    """Say where the migrations are; Flask-Migrate itself comes on first use."""
    app.extensions["migrate"] = _Later(app, db, directory)
    app.cli.add_command(_Commands(lambda: _migrate(app, db, directory)), COMMAND)


def _migrate(app, db, directory):
    """Flask-Migrate, set up as it always was (render_as_batch: SQLite alters tables in batches).
    It replaces the stand-ins below with its own config and commands, and returns its commands."""
    from flask_migrate import Migrate
    from flask_migrate.cli import db as commands

    Migrate(app, db, directory=directory, render_as_batch=True, command=COMMAND)
    return commands


class _Later:
    """app.extensions["migrate"] until it is first read: then the real one, from Flask-Migrate."""

    def __init__(self, app, db, directory):
        self._args = (app, db, directory)

    def __getattr__(self, name):
        app = self._args[0]
        if app.extensions.get("migrate") is self:
            _migrate(*self._args)
        return getattr(app.extensions["migrate"], name)


class _Commands(click.Group):
    """`flask db`: Flask-Migrate's commands, loaded when the group is listed or run."""

    def __init__(self, load):
        super().__init__(COMMAND, help="Perform database migrations.")
        self._load = load

    def make_context(self, info_name, args, parent=None, **extra):
        return self._load().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self._load().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._load().get_command(ctx, name)
