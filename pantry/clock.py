"""The deployment's calendar: times are stored in UTC and days are the network's days, in the time
zone its first coordinator chose at setup (else the TIMEZONE setting)."""
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case

from pantry import network


def deployment_zone():
    return ZoneInfo(network.zone_name())


def local_day(moment, zone=None):
    """The deployment's day that an aware `moment` falls on."""
    return moment.astimezone(zone or deployment_zone()).date()


def local_today(now=None):
    return local_day(now or datetime.now(UTC))


def day_start(day, zone=None):
    """The moment a local day begins, in UTC (23 or 25 hours before the next one across a DST change)."""
    return datetime.combine(day, time.min, tzinfo=zone or deployment_zone()).astimezone(UTC)


@dataclass(frozen=True)
class Days:
    """A run of local days, oldest first, and the UTC moments they begin (one more: when the last ends)."""

    days: tuple
    bounds: tuple

    def __len__(self):
        return len(self.days)

    @property
    def start(self):
        return self.bounds[0]

    @property
    def end(self):
        return self.bounds[-1]

    def index(self, moment):
        """Which of the days `moment` falls on (0 is the oldest), or None outside them."""
        if not self.start <= moment < self.end:
            return None
        return next(number for number, ends in enumerate(self.bounds[1:]) if moment < ends)

    def number(self, column):
        """The same as SQL, for a timestamp column already kept to start <= column < end."""
        return case(*((column < ends, number) for number, ends in enumerate(self.bounds[1:-1])),
                    else_=len(self.days) - 1)


def last_days(now, count=14):
    """The `count` local days that end with today, today included."""
    zone = deployment_zone()
    today = local_day(now, zone)
    days = tuple(today - timedelta(days=back) for back in range(count - 1, -1, -1))
    return Days(days, tuple(day_start(day, zone) for day in days + (today + timedelta(days=1),)))

