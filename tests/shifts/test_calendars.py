"""Calendars parse as RFC 5545: stable UIDs, DTSTART with TZID, a matching VTIMEZONE."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from pantry.shifts import calendars, planning
from pantry.shifts.signups import sign_up
from tests.conftest import key

pytestmark = pytest.mark.clock  # make test-clock runs these at every moment

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
BASE = "https://pantry.example"


@pytest.fixture
def shifts(session, make_site):
    fridge = make_site("Corner Fridge", address="12 Elm St")
    plan = planning.save_pattern(
        session, fridge, NOW, ZONE, kind="cleaning", weekdays=0b0010101, starts_at=time(9),
        ends_at=time(9, 30), capacity=3, first_day=date(2026, 10, 26), last_day=date(2026, 11, 4),
    )
    session.commit()
    return fridge, plan


def events(raw):
    calendar = Calendar.from_ical(raw)
    return calendar, [component for component in calendar.walk("VEVENT")]


def test_the_site_feed_has_every_shift_with_its_time_zone(app, session, shifts):
    fridge, plan = shifts
    upcoming = sorted(fridge_shifts(session), key=lambda s: s.starts_at)
    raw = calendars.site_feed(fridge, upcoming, ZONE, BASE, NOW)
    calendar, found = events(raw)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert len(found) == 5
    first = found[0]
    assert first["DTSTART"].params["TZID"] == "America/New_York"
    assert first.decoded("DTSTART") == datetime(2026, 10, 26, 9, 0, tzinfo=ZONE)
    assert found[3].decoded("DTSTART").astimezone(UTC) == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # after DST
    assert str(first["UID"]) == f"shift-{upcoming[0].id}@pantry.example"
    assert "0 of 3 places taken" in str(first["DESCRIPTION"])
    assert str(first["LOCATION"]) == "12 Elm St"


def test_the_feed_shows_a_cancelled_or_moved_shift(app, session, shifts):
    fridge, plan = shifts
    first = sorted(fridge_shifts(session), key=lambda s: s.starts_at)[0]
    planning.cancel_shift(session, first, NOW + timedelta(hours=1))
    planning.save_pattern(
        session, fridge, NOW, ZONE, pattern=plan.pattern, kind="cleaning", weekdays=0b0010101,
        starts_at=time(10), ends_at=time(10, 30), capacity=3, first_day=date(2026, 10, 26), last_day=date(2026, 11, 4),
    )
    session.commit()
    _, found = events(calendars.site_feed(fridge, sorted(fridge_shifts(session), key=lambda s: s.id), ZONE, BASE, NOW))
    by_uid = {str(event["UID"]): event for event in found}
    cancelled = by_uid[f"shift-{first.id}@pantry.example"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1
    moved = [e for e in found if str(e["STATUS"]) == "CONFIRMED"]
    assert all(e.decoded("DTSTART").time() == time(10) and int(e["SEQUENCE"]) == 1 for e in moved)


def test_a_sign_up_gets_its_own_event_with_the_cancel_link(app, session, shifts):
    fridge, _ = shifts
    shift = sorted(fridge_shifts(session), key=lambda s: s.starts_at)[0]
    place = sign_up(session, shift.id, "Ana", "ana@example.org", "", True, key(), "t" * 40, NOW)
    session.commit()
    raw = calendars.sign_up_calendar(place, ZONE, BASE, f"{BASE}/sign-ups/tttt", NOW)
    calendar, (event,) = events(raw)
    assert calendar.walk("VTIMEZONE")
    assert f"{BASE}/sign-ups/tttt" in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == "Cleaning at Corner Fridge"


def fridge_shifts(session):
    from sqlalchemy import select

    from pantry.shifts.models import Shift

    return session.scalars(select(Shift)).all()
