"""The deployment's calendar: times are stored in UTC and days are the deployment's days."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def deployment_zone():
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today(now=None):
    return (now or datetime.now(UTC)).astimezone(deployment_zone()).date()
