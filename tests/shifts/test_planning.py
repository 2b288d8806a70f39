"""Patterns make shifts: weeks ahead, never twice, keeping wall-clock time across DST,
and changing only the future shifts nobody has signed up for."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from pantry.shifts import planning
from pantry.shifts.errors import BadPattern, ShiftInThePast
from pantry.shifts.models import Shift
from pantry.shifts.signups import sign_up
from tests.conftest import key

pytestmark = pytest.mark.clock  # make test-clock runs these at every moment

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)  # Sunday 25 October, 08:00 in New York
MON_WED_FRI = 0b0010101


def pattern_fields(**changes):
    fields = dict(kind="cleaning", weekdays=MON_WED_FRI, starts_at=time(9), ends_at=time(9, 30),
                  capacity=2, first_day=date(2026, 10, 26), last_day=None)
    return {**fields, **changes}


def shifts(session):
    return session.scalars(select(Shift).where(Shift.cancelled_at.is_(None)).order_by(Shift.starts_at)).all()


def test_a_pattern_makes_eight_weeks_of_shifts(session, fridge):
    plan = planning.save_pattern(session, fridge, NOW, ZONE, **pattern_fields())
    session.commit()
    assert plan.made == 24  # 3 a week for 8 weeks
    days = [shift.day for shift in shifts(session)]
    assert days[:4] == [date(2026, 10, 26), date(2026, 10, 28), date(2026, 10, 30), date(2026, 11, 2)]
    assert days[-1] <= date(2026, 10, 25) + timedelta(weeks=8)


def test_shifts_keep_their_wall_clock_time_across_daylight_saving(session, fridge):
    planning.save_pattern(session, fridge, NOW, ZONE, **pattern_fields())
    session.commit()
    before, after = shifts(session)[2], shifts(session)[3]  # Fri 30 Oct (EDT), Mon 2 Nov (EST)
    assert before.starts_at == datetime(2026, 10, 30, 13, 0, tzinfo=UTC)
    assert after.starts_at == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    assert {s.starts_at.astimezone(ZONE).time() for s in (before, after)} == {time(9)}


def test_making_shifts_again_never_makes_one_twice(session, fridge):
    planning.save_pattern(session, fridge, NOW, ZONE, **pattern_fields())
    session.commit()
    assert planning.make_shifts(session, NOW, ZONE) == 0
    assert planning.make_shifts(session, NOW + timedelta(days=7), ZONE) == 3
    session.commit()
    assert session.scalar(select(func.count()).select_from(Shift)) == 27


def test_changing_a_pattern_changes_only_future_shifts_without_sign_ups(session, fridge):
    plan = planning.save_pattern(session, fridge, NOW, ZONE, **pattern_fields())
    first = shifts(session)[0]
    sign_up(session, first.id, "Ana Ruiz", "ana@example.org", "", True, key(), "t" * 40, NOW)
    session.commit()

    changed = planning.save_pattern(
        session, fridge, NOW, ZONE, pattern=plan.pattern, **pattern_fields(starts_at=time(10), ends_at=time(10, 30))
    )
    session.commit()
    assert [shift.id for shift in changed.left_alone] == [first.id]
    assert changed.changed == 23
    assert first.starts_at.astimezone(ZONE).time() == time(9)
    assert all(s.starts_at.astimezone(ZONE).time() == time(10) for s in shifts(session)[1:])
    assert all(s.sequence == 1 for s in shifts(session)[1:])


def test_ending_a_pattern_cancels_its_later_empty_shifts(session, fridge):
    plan = planning.save_pattern(session, fridge, NOW, ZONE, **pattern_fields())
    session.commit()
    planning.end_pattern(session, plan.pattern, date(2026, 11, 1), NOW, ZONE)
    session.commit()
    assert [s.day for s in shifts(session)] == [date(2026, 10, 26), date(2026, 10, 28), date(2026, 10, 30)]


def test_dropping_a_weekday_cancels_those_shifts(session, fridge):
    plan = planning.save_pattern(session, fridge, NOW, ZONE, **pattern_fields())
    session.commit()
    planning.save_pattern(session, fridge, NOW, ZONE, pattern=plan.pattern, **pattern_fields(weekdays=0b1))
    session.commit()
    assert {s.day.weekday() for s in shifts(session)} == {0}
    cancelled = session.scalars(select(Shift).where(Shift.cancelled_at.is_not(None))).all()
    assert len(cancelled) == 16 and all(s.pattern_id is None for s in cancelled)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"last_day": date(2026, 10, 1)}, "cannot end before it starts"),
        ({"capacity": 0}, "at least one place"),
        ({"capacity": -2}, "at least one place"),
        ({"ends_at": time(8)}, "end after it starts"),
        ({"ends_at": time(9)}, "end after it starts"),
        ({"weekdays": 0}, "at least one day"),
        ({"kind": "party"}, "what the shift is for"),
    ],
)
def test_a_bad_pattern_is_refused_and_writes_nothing(session, fridge, changes, message):
    with pytest.raises(BadPattern, match=message):
        planning.save_pattern(session, fridge, NOW, ZONE, **pattern_fields(**changes))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Shift)) == 0


def test_a_one_off_shift_must_be_in_the_future(session, fridge):
    shift = planning.add_shift(session, fridge, "restock", date(2026, 10, 27), time(18), time(19), 3, NOW, ZONE)
    assert shift.starts_at == datetime(2026, 10, 27, 22, 0, tzinfo=UTC)
    with pytest.raises(ShiftInThePast):
        planning.add_shift(session, fridge, "restock", date(2026, 10, 24), time(18), time(19), 3, NOW, ZONE)


def test_a_shift_is_done_from_the_first_visit_that_did_its_work(session, fridge):
    shift = planning.add_shift(session, fridge, "cleaning", date(2026, 10, 27), time(9), time(10), 2, NOW, ZONE)
    first, later = shift.starts_at + timedelta(minutes=5), shift.starts_at + timedelta(minutes=40)
    assert planning.mark_done(session, shift, first).done_at == first
    assert planning.mark_done(session, shift, later).done_at == first  # a second visit changes nothing


def test_cancelling_a_shift_names_who_to_tell(session, fridge):
    shift = planning.add_shift(session, fridge, "cleaning", date(2026, 10, 27), time(9), time(10), 3, NOW, ZONE)
    sign_up(session, shift.id, "Ana Ruiz", "ana@example.org", "", True, key(), "a" * 40, NOW)
    sign_up(session, shift.id, "Bo", None, "555-0100", False, key(), "b" * 40, NOW)
    told = planning.cancel_shift(session, shift, NOW)
    session.commit()
    assert [place.name for place in told] == ["Ana Ruiz", "Bo"]
    assert shift.cancelled and shift.sequence == 1
