"""How dates and moments read, in the deployment's time zone and the page's language: for
templates (pantry/templating.py registers them as filters) and for Python alike."""
from datetime import datetime, timedelta

from babel.dates import parse_pattern
from flask_babel import format_date, format_datetime, format_timedelta, get_locale, gettext as _

from pantry.database import utcnow


def when(moment):
    """'3 hours ago' for recent times, a short date and time for older ones."""
    if moment is None:
        return _("never")
    elapsed = utcnow() - moment
    if elapsed < timedelta(days=2):
        return _("%(elapsed)s ago", elapsed=format_timedelta(elapsed, threshold=1.1))
    return format_datetime(moment, "short")


DAY = "EEE d MMM"


def day(value):
    """'Sat 21 Nov', 'sáb 21 nov': a short day, the same pattern in every language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, DAY)
    return format_date(value, DAY)


def day_names(dates):
    """`day` of each of `dates` (dates, not moments), the language looked up once: a chart of a
    fortnight names its days under the bars and again in its table."""
    pattern, locale = parse_pattern(DAY), get_locale()
    return [pattern.apply(value, locale) for value in dates]


def long_day(value):
    """'Saturday 21 November', 'sábado 21 de noviembre': each language has its own pattern."""
    if value is None:
        return ""
    # Translators: a day written in full, as a Babel date pattern: EEEE is the weekday, d the day,
    # MMMM the month; words in 'single quotes' are kept as they are. Spanish: EEEE d 'de' MMMM
    pattern = _("EEEE d MMMM")
    if isinstance(value, datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern)


def short_moment(value):
    """A moment as a short date and time, or nothing."""
    return format_datetime(value, "short") if value else ""
