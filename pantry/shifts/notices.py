"""The mail to the owner of an address that signed up for a place it already had (or for a
shift at the same time as one it has): the page said nothing of it, so the mail does."""
from flask_babel import force_locale, format_datetime, gettext as _

from pantry import mail
from pantry.shifts import signups


def mail_earlier_places(session, config, place, email, link):
    """If `email`, given for the new `place`, already held a place then, mail its owner `link`,
    the new place's private link, to give it back. Sent after the answer."""
    earlier = signups.earlier_places(session, place.shift, email, but=place)
    if not earlier:
        return
    language = place.language if place.language in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        shift = place.shift
        held = "\n".join(f"- {_shift_words(other.shift)}" for other in earlier)
        same = any(other.shift_id == place.shift_id for other in earlier)
        subject = _("You already had a place: %(shift)s", shift=_shift_words(shift))
        body = _(
            "Hello,\n\nSomeone, perhaps you, signed up with this email address for:\n%(shift)s\n\n"
            "%(why)s\n%(held)s\n\n"
            "If you meant to take both, there is nothing to do. If not, please give the new place back "
            "so someone else can take it:\n%(link)s\n",
            shift=_shift_words(shift), held=held, link=link,
            why=_("You already had a place on this shift:") if same
            else _("You already have a place on another shift at that time:"),
        )
    mail.send_after_answer(config, [mail.compose(config, earlier[0].email, subject, body)])


def _shift_words(shift):
    when = format_datetime(shift.starts_at, "EEE d MMM, HH:mm") + "–" + format_datetime(shift.ends_at, "HH:mm")
    return f"{shift.kind_label} · {shift.site.name} · {when}"
