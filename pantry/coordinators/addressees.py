"""How the outbox reaches coordinators: each by their own address, in their own language, and
all of them at once (the `coordinators` audience); and their letter about short shifts."""
from flask import render_template
from flask_babel import gettext as _, ngettext
from sqlalchemy import select

from pantry import outbox
from pantry.coordinators.models import Coordinator
from pantry.shifts.models import Shift
from pantry.shifts.reminders import COORDINATORS_AHEAD
from pantry.shifts.words import shift_time


@outbox.addressee("coordinator")
def _coordinator(session, coordinator_id):
    coordinator = session.get(Coordinator, coordinator_id)
    if coordinator is None:
        return None
    return outbox.Addressee(coordinator.email, coordinator.language or "", coordinator.name)


@outbox.audience("coordinators")
def _everyone(session):
    """Every coordinator who can sign in."""
    ids = session.scalars(select(Coordinator.id).where(Coordinator.password_hash.is_not(None)).order_by(Coordinator.id))
    return [f"coordinator:{coordinator_id}" for coordinator_id in ids]


@outbox.letter("short-shifts")
def short_shifts(session, message, to, config):
    """One coordinator's mail about the shifts starting soon with places still open."""
    base = config["BASE_URL"]
    shifts = session.scalars(select(Shift).where(Shift.id.in_(message.payload["shifts"])).order_by(Shift.starts_at))
    shifts = [shift for shift in shifts if shift.cancelled_at is None]
    if not shifts:
        return None
    hours = int(COORDINATORS_AHEAD.total_seconds() // 3600)
    lines = [
        _("- %(when)s · %(kind)s at %(site)s: %(taken)d of %(capacity)d places taken\n"
          "  Roster: %(roster)s\n  Sign-up page to share: %(page)s",
          when=shift_time(shift), kind=shift.kind_label, site=shift.site.name, taken=shift.taken,
          capacity=shift.capacity, roster=f"{base}/admin/shifts/{shift.id}", page=f"{base}/shifts/{shift.id}")
        for shift in shifts
    ]
    subject = ngettext("%(num)d shift in the next %(hours)d hours still needs people",
                       "%(num)d shifts in the next %(hours)d hours still need people", len(shifts), hours=hours)
    body = render_template("mail/short_shifts.txt", hours=hours, shifts="\n\n".join(lines))
    return outbox.Letter(subject, body)
