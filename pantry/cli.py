"""`flask pantry ...`: the commands a deployment runs by hand or from cron."""
import click
from flask.cli import AppGroup

pantry_cli = AppGroup("pantry", help="Pantry's own commands.")


def register(app):
    app.cli.add_command(pantry_cli)
