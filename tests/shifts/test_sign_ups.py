"""Places on a shift: taken without an account, never oversold, given back by a private link."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from pantry.shifts import planning, signups
from pantry.shifts.errors import (
    ShiftCancelled,
    ShiftFull,
    ShiftInThePast,
    ShiftOver,
    SignUpsClosed,
    TooLateToCancel,
    UnknownShift,
    UnknownSignUp,
)
from pantry.shifts.models import SignUp
from tests.conftest import key

pytestmark = pytest.mark.clock  # make test-clock runs these at every moment

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday 10:00 in New York


@pytest.fixture
def shift(session, make_site):
    fridge = make_site("Corner Fridge")
    shift = planning.add_shift(session, fridge, "cleaning", date(2026, 11, 23), time(9), time(9, 30), 2, NOW, ZONE)
    session.commit()
    return shift


def take_place(session, shift, name="Ana Ruiz", email="ana@example.org", now=NOW, **extra):
    token = key()
    place = signups.sign_up(session, shift.id, name, email, extra.pop("phone", ""), extra.pop("show", True),
                            extra.pop("idempotency", key()), token, now, **extra)
    session.commit()
    return place, token


def test_a_place_is_taken_and_counted(session, shift):
    place, token = take_place(session, shift)
    assert shift.taken == 1 and shift.open_places == 1
    assert place.token_hash == signups.hash_token(token) and token not in place.token_hash


def test_a_full_shift_says_so(session, shift):
    take_place(session, shift, "Ana", "ana@example.org")
    take_place(session, shift, "Bo", None)
    with pytest.raises(ShiftFull):
        take_place(session, shift, "Cy", "cy@example.org")
    session.rollback()
    assert shift.taken == 2


def test_a_sign_up_never_says_whether_an_email_already_holds_a_place(session, shift):
    """No answer depends on someone else's stored email: the same email (any case, a trailing
    space) on the same shift or one at the same time takes a place like anyone, kept without
    the email; the earlier places are found for the mail to their owner."""
    other = planning.add_shift(session, shift.site, "restock", date(2026, 11, 23), time(9, 15), time(10), 3, NOW, ZONE)
    after = planning.add_shift(session, shift.site, "restock", date(2026, 11, 23), time(9, 30), time(10), 3, NOW, ZONE)
    session.commit()
    first, _ = take_place(session, shift, email="Ana@Example.org ")
    again, _ = take_place(session, shift, email="ana@example.org")
    overlapping, _ = take_place(session, other, email="ana@example.org")
    back_to_back, _ = take_place(session, after, email="ana@example.org")
    assert shift.taken == 2 and other.taken == 1
    assert (first.email, again.email, overlapping.email, back_to_back.email) == (
        "ana@example.org", None, None, "ana@example.org")
    assert signups.earlier_places(session, shift, "ANA@example.org", but=again) == [first]
    assert signups.earlier_places(session, other, "ana@example.org", but=overlapping) == [first, back_to_back]
    assert signups.earlier_places(session, after, "ana@example.org", but=back_to_back) == []
    assert signups.earlier_places(session, after, None) == []


def test_a_full_shift_is_full_whatever_the_email(session, shift):
    take_place(session, shift, email="ana@example.org")
    take_place(session, shift, email="bo@example.org")
    for email in ("ana@example.org", "cy@example.org", None):
        with pytest.raises(ShiftFull):
            take_place(session, shift, email=email)
        session.rollback()


def test_no_sign_up_for_a_past_cancelled_or_closed_shift(session, shift):
    with pytest.raises(ShiftInThePast):
        take_place(session, shift, now=shift.starts_at + timedelta(minutes=1))
    session.rollback()
    with pytest.raises(SignUpsClosed):
        take_place(session, shift, now=shift.starts_at - timedelta(hours=1), cutoff=timedelta(hours=2))
    session.rollback()
    with pytest.raises(UnknownShift):
        signups.sign_up(session, 999_999, "Ana", None, "", True, key(), key(), NOW)
    session.rollback()
    planning.cancel_shift(session, shift, NOW)
    session.commit()
    with pytest.raises(ShiftCancelled):
        take_place(session, shift)


def test_the_same_form_twice_takes_one_place(session, shift):
    same = key()
    first, _ = take_place(session, shift, idempotency=same)
    again, _ = take_place(session, shift, idempotency=same)
    assert first.id == again.id and shift.taken == 1


def test_cancelling_frees_the_place_at_once(session, shift):
    place, token = take_place(session, shift)
    signups.cancel_sign_up(session, token, NOW, notice=timedelta(hours=2))
    session.commit()
    assert place.cancelled_at == NOW and shift.taken == 0
    signups.cancel_sign_up(session, token, NOW, notice=timedelta(hours=2))  # twice is harmless
    session.commit()
    assert shift.taken == 0
    take_place(session, shift)  # the same person may come back


def test_cancelling_closes_two_hours_before_the_start(session, shift):
    _, token = take_place(session, shift)
    with pytest.raises(TooLateToCancel):
        signups.cancel_sign_up(session, token, shift.starts_at - timedelta(hours=1, minutes=59), notice=timedelta(hours=2))
    session.rollback()
    with pytest.raises(ShiftOver):
        signups.cancel_sign_up(session, token, shift.ends_at, notice=timedelta(hours=2))
    session.rollback()
    with pytest.raises(UnknownSignUp):
        signups.cancel_sign_up(session, "not-the-token", NOW, notice=timedelta(hours=2))
    session.rollback()
    assert shift.taken == 1


def test_the_cancel_deadline_is_the_one_the_rule_keeps(session, shift):
    """What the sign-up page says ("cancel until ...") is the moment cancel_sign_up keeps to."""
    notice = timedelta(hours=3)
    deadline = signups.cancel_deadline(shift, notice)
    assert deadline == shift.starts_at - notice
    _, token = take_place(session, shift)
    with pytest.raises(TooLateToCancel):
        signups.cancel_sign_up(session, token, deadline + timedelta(seconds=1), notice=notice)
    session.rollback()
    assert signups.cancel_sign_up(session, token, deadline, notice=notice).cancelled_at == deadline


def test_the_manage_token_is_derived_from_the_key(app):
    assert signups.manage_token("s", "k" * 32) == signups.manage_token("s", "k" * 32)
    assert signups.manage_token("s", "k" * 32) != signups.manage_token("t", "k" * 32)
    assert len(signups.manage_token("s", "k" * 32)) == 40


def test_no_names_or_contacts_are_needed_beyond_a_name(session, shift):
    place, _ = take_place(session, shift, "Ana", None)
    assert place.email is None and place.phone is None
    assert session.scalar(select(func.count()).select_from(SignUp)) == 1
