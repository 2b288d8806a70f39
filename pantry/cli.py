"""`flask pantry ...`: the commands a deployment runs by hand or from cron."""
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, format_datetime, gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import select

from pantry import backups, mail
from pantry.clock import deployment_zone
from pantry.coordinators.models import Coordinator
from pantry.database import commit_write, utcnow, writer
from pantry.extensions import db
from pantry.reports import rules as report_rules
from pantry.shifts import calendars, planning, privacy, reminders, signups
from pantry.shifts.models import Shift, SignUp

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
        photos = report_rules.purge_photos(db.session, utcnow(), timedelta(days=photo_days))
        db.session.commit()
    click.echo(f"Removed the contact details from {purged} sign-ups on shifts that ended more than {days} days ago.")
    click.echo(f"Deleted {photos} photos sent with reports more than {photo_days} days ago.")


def _size(size):
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 2**10:.0f} kB"


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    elsewhere: int = 0  # claimed by another run at the same time
    shifts: int = 0


@pantry_cli.command("send-reminders")
def send_reminders_command():
    """Mail volunteers a day before their shift, and coordinators about shifts still short of
    people two days ahead. For cron every 15 minutes: no reminder is ever sent twice, even by
    two runs at once; one whose mail failed is tried again by the next run."""
    config, now = current_app.config, utcnow()
    volunteers = _remind_volunteers(config, now)
    coordinators = _report_short_shifts(config, now)
    failed = volunteers.failed + coordinators.failed
    click.echo(_(
        "Reminders: %(volunteers)d to volunteers, %(coordinators)d to coordinators about %(shifts)d short "
        "shifts, %(failed)d failed, %(elsewhere)d left to another run.",
        volunteers=volunteers.sent, coordinators=coordinators.sent, shifts=coordinators.shifts, failed=failed,
        elsewhere=volunteers.elsewhere + coordinators.elsewhere,
    ))
    if not config.get("MAIL_SERVER"):
        click.echo(_("MAIL_SERVER is not set: the mails were logged, not sent."))
    if failed:
        click.get_current_context().exit(1)


def _remind_volunteers(config, now):
    tally = Tally()
    due = [(place.id, place.shift_id) for place in reminders.volunteers_due(db.session, now)]
    db.session.commit()
    for sign_up_id, shift_id in due:
        settle = partial(_settle, reminders.VOLUNTEER, shift_id, sign_up_id)
        if not _claim(reminders.VOLUNTEER, shift_id, now, sign_up_id):
            tally.elsewhere += 1
            continue
        place = db.session.get(SignUp, sign_up_id)
        if place.cancelled_at is not None or place.shift.cancelled_at is not None:
            settle(sent=False)  # cancelled since it was found due: nothing to send
            continue
        message = volunteer_reminder(config, place, now)
        try:
            mail.send(config, [message])
        except (smtplib.SMTPException, OSError) as error:
            settle(sent=False)
            tally.failed += 1
            click.echo(_("Could not mail the reminder for sign-up %(id)d: %(error)s", id=sign_up_id, error=error),
                       err=True)
        else:
            settle(sent=True)
            tally.sent += 1
    return tally


def _report_short_shifts(config, now):
    tally = Tally()
    emails = db.session.scalars(select(Coordinator.email).where(Coordinator.password_hash.is_not(None))).all()
    due = [shift.id for shift in reminders.short_shifts_due(db.session, now)] if emails else []
    db.session.commit()
    # Claimed in one transaction, soonest first: a run started at the same moment waits for
    # this one's commit and then finds them taken, so each coordinator gets one mail, not two halves.
    claimed = commit_write(db.session, lambda: [
        shift_id for shift_id in due if reminders.claim(db.session, reminders.COORDINATORS, shift_id, now)])
    tally.elsewhere += len(due) - len(claimed)
    if not claimed:
        return tally
    shifts = db.session.scalars(select(Shift).where(Shift.id.in_(claimed)).order_by(Shift.starts_at)).all()
    messages = [short_shifts_mail(config, email, shifts) for email in emails]
    try:
        mail.send(config, messages)
    except (smtplib.SMTPException, OSError) as error:
        for shift_id in claimed:
            _settle(reminders.COORDINATORS, shift_id, 0, sent=False)
        tally.failed += len(messages)
        click.echo(ngettext("Could not mail the coordinators about %(num)d short shift: %(error)s",
                            "Could not mail the coordinators about %(num)d short shifts: %(error)s",
                            len(claimed), error=error), err=True)
    else:
        for shift_id in claimed:
            _settle(reminders.COORDINATORS, shift_id, 0, sent=True)
        tally.sent, tally.shifts = len(messages), len(claimed)
    return tally


def _claim(kind, shift_id, now, sign_up_id=0):
    """Claim one reminder and commit at once, so a run started at the same moment sees it."""
    return commit_write(db.session, lambda: reminders.claim(db.session, kind, shift_id, now, sign_up_id=sign_up_id))


def _settle(kind, shift_id, sign_up_id, sent):
    """A claimed reminder is marked sent, or given up so that the next run tries again."""
    if sent:
        commit_write(db.session, lambda: reminders.mark_sent(db.session, kind, shift_id, utcnow(), sign_up_id))
    else:
        commit_write(db.session, lambda: reminders.give_up(db.session, kind, shift_id, sign_up_id))


WHAT_TO_DO = {
    "cleaning": _l("Wipe the shelves, check the door seal and the floor, and take out anything past its "
                   "best-before date. Scan the cleaning label on the fridge: it opens the checklist, where "
                   "you also enter the thermometer reading."),
    "temperature": _l("Read the thermometer inside and enter the reading: scan the cleaning label on the "
                      "fridge to open the checklist."),
    "restock": _l("Bring what the site needs most (its page lists it) and log what you put in by scanning "
                  "the label on the door."),
}


def volunteer_reminder(config, place, now):
    """The mail a volunteer gets a day ahead: when, where, what to do, the private link, the .ics."""
    shift, site, base = place.shift, place.shift.site, config["BASE_URL"]
    manage_url = f"{base}/sign-ups/{signups.manage_token(current_app.secret_key, place.idempotency_key)}"
    language = place.language if place.language in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        where = "\n" + _("Where: %(address)s", address=site.address) if site.address else ""
        body = _(
            "Hello %(name)s,\n\nThank you for signing up. A reminder of your shift:\n\n"
            "%(kind)s at %(site)s\nWhen: %(when)s%(where)s\n\n%(what)s\n\n"
            "The site's page: %(page)s\n\n"
            "Can't come after all? Please give your place back so someone else can take it:\n%(manage)s\n\n"
            "The shift is attached as a calendar file.\n",
            name=place.first_name, kind=shift.kind_label, site=site.name, when=_when(shift), where=where,
            what=WHAT_TO_DO[shift.kind], page=f"{base}/sites/{site.slug}", manage=manage_url,
        )
        subject = _("Reminder: %(kind)s at %(site)s, %(when)s", kind=shift.kind_label, site=site.name,
                    when=_when(shift))
        calendar = calendars.sign_up_calendar(place, deployment_zone(), base, manage_url, now)
    return mail.compose(config, place.email, subject, body, [("shift.ics", calendar, "text/calendar")])


def short_shifts_mail(config, email, shifts):
    """One coordinator's mail about the shifts starting soon with places still open."""
    base = config["BASE_URL"]
    hours = int(reminders.COORDINATORS_AHEAD.total_seconds() // 3600)
    with force_locale(config["BABEL_DEFAULT_LOCALE"]):
        lines = [
            _("- %(when)s · %(kind)s at %(site)s: %(taken)d of %(capacity)d places taken\n"
              "  Roster: %(roster)s\n  Sign-up page to share: %(page)s",
              when=_when(shift), kind=shift.kind_label, site=shift.site.name, taken=shift.taken,
              capacity=shift.capacity, roster=f"{base}/admin/shifts/{shift.id}", page=f"{base}/shifts/{shift.id}")
            for shift in shifts
        ]
        subject = ngettext("%(num)d shift in the next %(hours)d hours still needs people",
                           "%(num)d shifts in the next %(hours)d hours still need people", len(shifts), hours=hours)
        body = _(
            "These shifts start within %(hours)d hours and still have open places:\n\n%(shifts)s\n\n"
            "Share a sign-up page with volunteers, or cancel a shift nobody can do from its roster.\n",
            hours=hours, shifts="\n\n".join(lines),
        )
    return mail.compose(config, email, subject, body)


def _when(shift):
    return format_datetime(shift.starts_at, "EEE d MMM, HH:mm") + "–" + format_datetime(shift.ends_at, "HH:mm")


def register(app):
    app.cli.add_command(pantry_cli)
