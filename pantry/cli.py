"""`flask pantry ...`: the commands a deployment runs by hand or from cron."""
import click
from flask import current_app
from flask.cli import AppGroup

from pantry.database import utcnow, writer
from pantry.extensions import db

pantry_cli = AppGroup("pantry", help="Pantry's own commands.")


@pantry_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds sites.")
def demo_command(if_empty):
    """Load a believable demo network: sites, items, weeks of movements, labels."""
    from pantry import demo

    with writer():
        loaded = demo.load(db.session, utcnow(), only_if_empty=if_empty)
        db.session.commit()
    click.echo(loaded)


@pantry_cli.command("add-coordinator")
@click.argument("email")
@click.option("--name", default="", help="How other coordinators see this person.")
@click.option("--password", is_flag=True, help="Set a password now (asked twice) instead of printing a link.")
def add_coordinator_command(email, name, password):
    """Add a coordinator and print a one-time link to set a password (or set it now)."""
    from pantry.coordinators import invitations

    with writer():
        try:
            if password:
                secret = click.prompt("Password", hide_input=True, confirmation_prompt=True)
                coordinator = invitations.add_with_password(db.session, email, name, secret, utcnow())
                db.session.commit()
                click.echo(f"Coordinator {coordinator.email} can sign in now.")
                return
            coordinator, link = invitations.invite(
                db.session, email, name, utcnow(), current_app.config["BASE_URL"],
                days=current_app.config["INVITATION_DAYS"], invited_by="command line",
            )
        except invitations.InvitationError as error:
            raise click.ClickException(str(error.message)) from None
        db.session.commit()
    click.echo(f"One-time link for {coordinator.email} (valid {current_app.config['INVITATION_DAYS']} days):")
    click.echo(link)


def register(app):
    app.cli.add_command(pantry_cli)
