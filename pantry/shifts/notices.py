"""The mail to the owner of an address that signed up for a place it already had (or for a
shift at the same time as one it has): the page said nothing of it, so the mail does."""
from flask import render_template
from flask_babel import gettext as _

from pantry import mail
from pantry.shifts import signups
from pantry.shifts.words import shift_time


def mail_earlier_places(session, config, place, email, link):
    """If `email`, given for the new `place`, already held a place then, mail its owner `link`,
    the new place's private link, to give it back. Sent after the answer."""
    earlier = signups.earlier_places(session, place.shift, email, but=place)
    if not earlier:
        return
    with mail.written_in(config, place.language):
        shift = place.shift
        held = "\n".join(f"- {_shift_words(other.shift)}" for other in earlier)
        same = any(other.shift_id == place.shift_id for other in earlier)
        subject = _("You already had a place: %(shift)s", shift=_shift_words(shift))
        body = render_template(
            "mail/place_held.txt", shift=_shift_words(shift), held=held, link=link,
            why=_("You already had a place on this shift:") if same
            else _("You already have a place on another shift at that time:"),
        )
    mail.send_after_answer(config, [mail.compose(config, earlier[0].email, subject, body)])


def _shift_words(shift):
    return f"{shift.kind_label} · {shift.site.name} · {shift_time(shift)}"
