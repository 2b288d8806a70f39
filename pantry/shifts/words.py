"""How a shift is said, on pages and in mails alike, in the current language and the deployment's zone."""
from flask_babel import format_datetime, gettext as _


def shift_time(shift):
    """ "Mon 23 Nov, 09:00–09:30"."""
    return format_datetime(shift.starts_at, "EEE d MMM, HH:mm") + "–" + format_datetime(shift.ends_at, "HH:mm")


def pattern_time(pattern):
    """ "Mon, Wed, Fri 09:00–09:30": a pattern's times are wall-clock times already."""
    days = ", ".join(pattern.weekday_labels)
    return f"{days} {pattern.starts_at:%H:%M}–{pattern.ends_at:%H:%M}"


def shift_words(shift):
    """ "Cleaning at Corner Fridge, Mon 23 Nov 09:00"."""
    return _("%(kind)s at %(site)s, %(when)s", kind=shift.kind_label, site=shift.site.name,
             when=format_datetime(shift.starts_at, "EEE d MMM HH:mm"))
