"""`flask pantry ...`: the commands a deployment runs by hand, from cron, or as its worker."""
import signal
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _, ngettext

from pantry import backups
from pantry.clock import deployment_zone
from pantry.database import commit_write, utcnow, writer
from pantry.extensions import db
from pantry.needs import mails as needs_mails, promises as needs_promises
from pantry.outbox import jobs, worker
from pantry.reports import rules as report_rules
from pantry.shifts import planning, privacy, reminders

pantry_cli = AppGroup("pantry", help="Pantry's own commands.")


@pantry_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds sites.")
def demo_command(if_empty):
    """Load a believable demo network: sites, items, weeks of movements, labels."""
    from pantry import demo

    if current_app.config["ENVIRONMENT"] == "production":
        # The demo's coordinator has the password printed in the README.
        raise click.ClickException("The demo network is not loaded in production (PANTRY_ENVIRONMENT=production).")
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
    from pantry.coordinators import invitations, notices

    with writer():
        try:
            if password:
                secret = click.prompt("Password", hide_input=True, confirmation_prompt=True)
                now = utcnow()
                coordinator = invitations.add_with_password(db.session, email, name, secret, now)
                db.session.commit()
                notices.send_password_changed(current_app.config, coordinator, now)
                click.echo(_("Coordinator %(email)s can sign in now.", email=coordinator.email))
                return
            coordinator, link = invitations.invite(
                db.session, email, name, utcnow(), current_app.config["BASE_URL"],
                days=current_app.config["INVITATION_DAYS"], invited_by="command line",
            )
        except invitations.InvitationError as error:
            raise click.ClickException(str(error.message)) from None
        db.session.commit()
    days = current_app.config["INVITATION_DAYS"]
    click.echo(ngettext("One-time link for %(email)s (valid %(num)d day):",
                        "One-time link for %(email)s (valid %(num)d days):", days, email=coordinator.email))
    click.echo(link)


@pantry_cli.command("setup-link")
def setup_link_command():
    """Print the one-time link that sets up a network with no coordinator yet."""
    from pantry.coordinators import setup

    if not setup.needed(db.session):
        raise click.ClickException(_("This network has a coordinator already: its setup link no longer works."))
    click.echo(setup.link(current_app.config["BASE_URL"], current_app.config["SECRET_KEY"]))


@pantry_cli.command("make-shifts")
def make_shifts_command():
    """Make the shifts of the coming weeks from every pattern. Safe to run again and again."""
    weeks = current_app.config["SHIFT_WEEKS_AHEAD"]
    with writer():
        made = planning.make_shifts(db.session, utcnow(), deployment_zone(), weeks=weeks)
        db.session.commit()
    click.echo(_("Made %(made)d new shifts for the next %(weeks)d weeks.", made=made, weeks=weeks))


@pantry_cli.command("settle-reviews")
def settle_reviews_command():
    """Close, or start a new round of, every membership review whose week is over (run it daily)."""
    from pantry.coordinators import reviews

    with writer():
        settled = reviews.settle_due(db.session, utcnow())
        db.session.commit()
    click.echo(ngettext("Settled %(num)d review.", "Settled %(num)d reviews.", settled))


@pantry_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists already.")
def backup_command(path, force):
    """Copy the SQLite database to PATH while the app keeps serving, and check the copy.
    On PostgreSQL, use pg_dump instead (the README shows how)."""
    try:
        copy = backups.backup(db.engine, path, force=force)
    except backups.BackupRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"Backed up to {copy.path}: {_size(copy.size)}, ledger entries: {copy.movements}. "
               "The copy passed its integrity check.")


@pantry_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path, force):
    """Put the backup at PATH in place of the SQLite database. Stop the app first: a restore is
    safe only while nothing writes. The file must be a Pantry database that passes its integrity
    check. On PostgreSQL, use pg_restore instead (the README shows how)."""
    tables = [table.name for table in db.metadata.sorted_tables]
    try:
        copy = backups.restore(db.engine, path, tables, force=force)
    except backups.BackupRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"Restored {path} into {copy.path}: ledger entries: {copy.movements}. "
               "The database passed its integrity check.")
    if copy.missing:
        click.echo(f"The backup is from an older version (no {', '.join(copy.missing)}): "
                   "run `flask --app pantry db upgrade` before starting the app.")


@pantry_cli.command("purge-contacts")
def purge_contacts_command():
    """Forget the email and phone of volunteers whose shift ended more than
    PURGE_CONTACTS_AFTER_DAYS ago; names shrink to their first letter, sign-ups and counts stay.
    Reports' photos go too, REPORT_PHOTO_DAYS after they came (the reports stay).
    For cron, daily: running it again changes nothing."""
    days, photo_days = current_app.config["PURGE_CONTACTS_AFTER_DAYS"], current_app.config["REPORT_PHOTO_DAYS"]
    with writer():
        purged = privacy.purge_contacts(db.session, utcnow(), timedelta(days=days))
        purged += needs_promises.purge_contacts(db.session, utcnow(), timedelta(days=days))  # donors' emails too
        photos = report_rules.purge_photos(db.session, utcnow(), timedelta(days=photo_days))
        db.session.commit()
    click.echo(f"Removed the contact details from {purged} sign-ups on shifts that ended more than {days} days ago.")
    click.echo(f"Deleted {photos} photos sent with reports more than {photo_days} days ago.")


def _size(size):
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.0f} kB"


@pantry_cli.command("send-promise-mails")
def send_promise_mails_command():
    """Mail donors who left an email their promise's link, and a reminder the evening before.
    For cron every 15 minutes, like send-reminders: none is sent twice."""
    sent, failed = needs_mails.send(current_app.config, current_app.secret_key, db.session, utcnow())
    click.echo(f"Promise mails: {sent} sent, {failed} failed.")
    if failed:
        raise SystemExit(1)


@pantry_cli.command("send-reminders")
def send_reminders_command():
    """Queue the mails to volunteers a day before their shift, and to coordinators about shifts
    still short of people two days ahead, then deliver what the outbox holds that is due. The
    worker does this by itself; this command is for cron, every 15 minutes: no reminder is
    ever queued twice, even by two runs at once, and one whose mail failed is tried again."""
    config, now = current_app.config, utcnow()
    volunteers, coordinators, shifts, elsewhere = commit_write(
        db.session, lambda: reminders.queue_due(db.session, now))
    tally = worker.deliver_due(config, now)
    click.echo(_(
        "Reminders: %(volunteers)d to volunteers, %(coordinators)d to coordinators about %(shifts)d short "
        "shifts, %(failed)d failed, %(elsewhere)d left to another run.",
        volunteers=volunteers, coordinators=coordinators, shifts=shifts, failed=tally.failed + tally.dead,
        elsewhere=elsewhere,
    ))
    _tell_outbox(config, tally)
    if tally.failed + tally.dead:
        click.get_current_context().exit(1)


@pantry_cli.command("worker")
@click.option("--once", is_flag=True, help="Run the due jobs, deliver what is due, and stop.")
def worker_command(once):
    """Deliver the outbox (mail, push, webhooks) and run the periodic jobs (reminders, shifts
    ahead, purges, digests), until stopped with Ctrl-C or SIGTERM. Run one or more of these
    next to the web server; several at once, on one server or many, share the work."""
    app = current_app._get_current_object()
    if once:
        jobs.run_due(app, utcnow())
        _tell_outbox(app.config, worker.deliver_due(app.config, utcnow()))
        return
    from pantry.coordinators.setup_pages import tell_at_start

    tell_at_start(app)  # a network with no coordinator yet: the worker's log has its setup link too
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    click.echo(_("The worker is running; Ctrl-C stops it."))
    worker.run(app, stop=lambda: bool(stopping), idle=app.config["WORKER_IDLE_SECONDS"])


def _tell_outbox(config, tally):
    click.echo(_("Outbox: %(sent)d sent, %(failed)d to try again, %(dead)d dead.",
                 sent=tally.sent, failed=tally.failed, dead=tally.dead))
    if not config.get("MAIL_SERVER"):
        click.echo(_("MAIL_SERVER is not set: the mails were logged, not sent."))


def register(app):
    app.cli.add_command(pantry_cli)
