"""A fridge with its cleaning label, milk past its date, and a shift near now."""
import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from pantry.care.models import CareRecord, Reading
from pantry.clock import deployment_zone, local_today
from pantry.database import utcnow
from pantry.shifts import planning
from pantry.stock import ledger
from pantry.tags.rules import issue_tag
from tests.conftest import csrf_token, key


@pytest.fixture
def care_tag(session, fridge):
    tag = issue_tag(session, fridge, "care", utcnow())
    session.commit()
    return tag


@pytest.fixture
def milk(session, fridge, make_item):
    """2 cartons two days past their date, 3 good for a week."""
    milk = make_item("Milk 1 L", "dairy", "carton")
    today = local_today()
    ledger.restock(session, fridge.id, milk.id, 2, key(), utcnow(), best_before=today - timedelta(days=2))
    ledger.restock(session, fridge.id, milk.id, 3, key(), utcnow(), best_before=today + timedelta(days=7))
    session.commit()
    return milk


def shift_soon(session, site, kind="cleaning", capacity=2):
    """A shift starting about 20 minutes from now (never across midnight)."""
    zone = deployment_zone()
    # Added in UTC, not to the wall clock: 20 minutes after 01:30 the second time is 01:50 the second time.
    start = (utcnow() + timedelta(minutes=20)).astimezone(zone).replace(second=0, microsecond=0)
    if start.time() >= time(23, 30):
        start = datetime.combine(start.date() + timedelta(days=1), time(0, 5), tzinfo=zone)
    begins = start.time()  # keeps `fold`: an hour that happens twice is placed at the right one
    ends = (datetime.combine(start.date(), begins) + timedelta(minutes=30)).time()  # a wall time after it
    shift = planning.add_shift(session, site, kind, start.date(), begins, ends, capacity, utcnow(), zone)
    session.commit()
    return shift


def open_checklist(client, tag):
    page = client.get(f"/care/{tag.code}")
    assert page.status_code == 200
    return page.text


def send_checklist(client, tag, token, **fields):
    data = {"csrf_token": token, "key": key(), "ticked": ["shelves", "seal_and_floor"], "reading": "", "note": ""}
    data.update(fields)
    return client.post(f"/care/{tag.code}", data=data)


def hidden(page, name):
    return re.findall(rf'name="{name}" value="([^"]*)"', page)


def counts(session):
    session.rollback()
    return (
        session.scalar(select(func.count()).select_from(CareRecord)),
        session.scalar(select(func.count()).select_from(Reading)),
    )


@pytest.fixture
def token(client, care_tag):
    return csrf_token(open_checklist(client, care_tag))
