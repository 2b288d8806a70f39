"""The volunteers' letters, sent through the outbox: the reminder a day ahead (with the
calendar file and the private link) and the word that a shift was cancelled, each in the
language the volunteer signed up in."""
from flask import current_app, render_template
from flask_babel import gettext as _, lazy_gettext as _l

from pantry.clock import deployment_zone
from pantry.outbox import Addressee, Letter, addressee, letter
from pantry.shifts import calendars, signups
from pantry.shifts.models import SignUp
from pantry.shifts.words import shift_time, shift_words

WHAT_TO_DO = {
    "cleaning": _l("Wipe the shelves, check the door seal and the floor, and take out anything past its "
                   "best-before date. Scan the cleaning label on the fridge: it opens the checklist, where "
                   "you also enter the thermometer reading."),
    "temperature": _l("Read the thermometer inside and enter the reading: scan the cleaning label on the "
                      "fridge to open the checklist."),
    "restock": _l("Bring what the site needs most (its page lists it) and log what you put in by scanning "
                  "the label on the door."),
}


@addressee("sign-up")
def _volunteer(session, sign_up_id):
    place = session.get(SignUp, sign_up_id)
    if place is None or not place.email:
        return None  # its contact details were purged
    return Addressee(place.email, place.language or "", place.first_name)


@letter("reminder")
def reminder(session, message, to, config):
    """The mail a volunteer gets a day ahead: when, where, what to do, the private link, the .ics."""
    place = session.get(SignUp, int(message.recipient.partition(":")[2]))
    if place.cancelled_at is not None or place.shift.cancelled_at is not None:
        return None  # cancelled since it was queued: nothing to say
    shift, site, base = place.shift, place.shift.site, config["BASE_URL"]
    manage_url = signups.manage_url(base, signups.manage_token(current_app.secret_key, place.idempotency_key))
    body = render_template("mail/reminder.txt", place=place, shift=shift, site=site, when=shift_time(shift),
                           what=WHAT_TO_DO[shift.kind], page=f"{base}/sites/{site.slug}", manage=manage_url)
    subject = _("Reminder: %(kind)s at %(site)s, %(when)s", kind=shift.kind_label, site=site.name, when=shift_time(shift))
    calendar = calendars.sign_up_calendar(place, deployment_zone(), base, manage_url, message.created_at)
    return Letter(subject, body, (("shift.ics", calendar, "text/calendar"),))


@letter("shift-cancelled")
def cancelled(session, message, to, config):
    place = session.get(SignUp, int(message.recipient.partition(":")[2]))
    words = shift_words(place.shift)
    body = render_template("mail/shift_cancelled.txt", place=place, shift=words, link=f"{config['BASE_URL']}/shifts")
    return Letter(_("Cancelled: %(shift)s", shift=words), body)
