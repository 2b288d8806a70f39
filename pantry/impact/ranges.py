"""The days a report covers, from what was asked: a month ("2026-11"), or a first and last day.
A range that ends before it starts, or is longer than IMPACT_MAX_DAYS, is refused in words."""
import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from pantry.impact.figures import Range
from pantry.refusals import Refusal

MONTH = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2999


class BadRange(Refusal):
    code = "bad_range"
    status = 422
    message = _l("Choose the days as dates like 2026-11-01, or a month like 2026-11.")


class BackwardsRange(BadRange):
    code = "range_backwards"
    message = _l("The end date is before the start date.")


class LongRange(BadRange):
    code = "range_too_long"

    def __init__(self, most):
        super().__init__(_l("Choose at most %(days)d days at a time.", days=most))


def asked(args, today, most):
    """The Range named by `args` (month, or from and to); this month so far when none is named."""
    month, first, last = args.get("month"), args.get("from"), args.get("to")
    if month:
        start = _month(month)
        within = Range(start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    elif first or last:
        within = Range(_day(first), _day(last))
    else:
        within = Range(today.replace(day=1), today)
    if within.last < within.first:
        raise BackwardsRange()
    if within.days > most:
        raise LongRange(most)
    return within


def _month(text):
    found = MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise BadRange()
    return date(int(found[1]), int(found[2]), 1)


def _day(text):
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        raise BadRange() from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadRange()
    return day
