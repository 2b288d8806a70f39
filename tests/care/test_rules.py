"""The care rules without HTTP: readings typed in either unit, records linked to shifts, alerts."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from pantry.care import rules
from pantry.care.models import CareRecord, Reading
from pantry.database import utcnow
from pantry.shifts import planning
from pantry.stock import ledger
from pantry.stock.errors import UnknownBatch
from tests.conftest import key

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Friday 10:00 in New York
CHECKLIST = ["shelves", "seal_and_floor", "past_date_removed"]
LIMITS = {"fridge": 5.0, "freezer": -15.0}
OVERDUE = timedelta(hours=26)


def visit(session, site, celsius=None, now=NOW, ticked=("shelves",), note="", visit_key=None):
    record = rules.record_care(session, site, list(ticked), celsius, note, visit_key or key(), now,
                               checklist=CHECKLIST, limits=LIMITS)
    session.commit()
    return record


@pytest.mark.parametrize("typed, unit, celsius", [
    ("4", "C", 4.0),
    ("3,5", "C", 3.5),
    (" 3.5 ", "C", 3.5),
    ("-18", "C", -18.0),
    ("40", "C", 40.0),
    ("-40", "C", -40.0),
    ("4.96", "C", 5.0),
    ("39.2", "F", 4.0),
    ("41", "F", 5.0),
    ("44,6", "F", 7.0),
    ("40", "F", 4.44),
    ("104", "F", 40.0),
    ("-40", "F", -40.0),
])
def test_a_reading_is_kept_in_celsius(typed, unit, celsius):
    assert rules.parse_reading(typed, unit) == celsius


@pytest.mark.parametrize("typed", ["abc", "", "nan", "NaN", "inf", "-Infinity", "sNaN", "4 C", "1,2,3"])
def test_a_reading_that_is_not_a_number_is_refused(typed):
    with pytest.raises(rules.BadReading) as refused:
        rules.parse_reading(typed, "C")
    assert not isinstance(refused.value, rules.ReadingOutOfRange)
    assert refused.value.status == 422


@pytest.mark.parametrize("typed, unit", [("41", "C"), ("-41", "C"), ("40.1", "C"), ("1e999999", "C"),
                                         ("105", "F"), ("-41", "F")])
def test_a_reading_outside_the_thermometer_is_refused(typed, unit):
    with pytest.raises(rules.ReadingOutOfRange):
        rules.parse_reading(typed, unit)


@pytest.mark.parametrize("typed", ["40", "39.2", "41", "-4", "0", "33.3"])
def test_a_reading_in_fahrenheit_is_shown_as_it_was_typed(typed):
    assert rules.to_unit(rules.parse_reading(typed, "F"), "F") == float(typed)


def test_a_visit_counts_for_the_nearest_shift_and_marks_it_done(session, make_site):
    fridge = make_site("Corner Fridge")
    eleven = planning.add_shift(session, fridge, "cleaning", date(2026, 11, 20), time(11), time(11, 30), 2, NOW, ZONE)
    one = planning.add_shift(session, fridge, "temperature", date(2026, 11, 20), time(13), time(13, 30), 1, NOW, ZONE)
    planning.add_shift(session, fridge, "restock", date(2026, 11, 20), time(10, 45), time(11), 3, NOW, ZONE)
    session.commit()

    record = visit(session, fridge, 4.0, now=NOW + timedelta(minutes=50))  # 10:50 local
    assert record.shift_id == eleven.id
    assert eleven.done_at == NOW + timedelta(minutes=50)
    assert one.done_at is None

    later = visit(session, fridge, 4.0, now=NOW + timedelta(hours=3, minutes=10))  # 13:10 local
    assert later.shift_id == one.id and one.done_at is not None


def test_a_visit_far_from_any_shift_stands_alone(session, make_site):
    fridge = make_site("Corner Fridge")
    shift = planning.add_shift(session, fridge, "cleaning", date(2026, 11, 23), time(9), time(9, 30), 2, NOW, ZONE)
    session.commit()
    assert visit(session, fridge).shift_id is None
    assert shift.done_at is None


def test_a_cancelled_shift_is_not_counted(session, make_site):
    fridge = make_site("Corner Fridge")
    shift = planning.add_shift(session, fridge, "cleaning", date(2026, 11, 20), time(11), time(11, 30), 2, NOW, ZONE)
    planning.cancel_shift(session, shift, NOW)
    session.commit()
    assert visit(session, fridge, now=NOW + timedelta(hours=1)).shift_id is None


def test_the_same_key_records_once(session, make_site):
    fridge = make_site("Corner Fridge")
    visit_key = key()
    first = visit(session, fridge, 7.0, ticked=("shelves", "seal_and_floor"), note="Door sticks", visit_key=visit_key)
    again = visit(session, fridge, 7.0, ticked=("seal_and_floor", "shelves"), note="Door sticks", visit_key=visit_key)
    assert again.id == first.id
    assert session.scalar(select(func.count()).select_from(CareRecord)) == 1
    assert session.scalar(select(func.count()).select_from(Reading)) == 1
    for changed in ({"celsius": 4.0}, {"note": "Other"}, {"ticked": ("shelves",)}):
        with pytest.raises(rules.CareConflict) as refused:
            visit(session, fridge, **{"celsius": 7.0, "note": "Door sticks", "ticked": ("shelves", "seal_and_floor"),
                                      "visit_key": visit_key, **changed})
        assert refused.value.status == 422
        session.rollback()


def test_what_is_not_on_the_checklist_is_refused(session, make_site):
    fridge = make_site("Corner Fridge")
    with pytest.raises(rules.UnknownChecklistItem):
        visit(session, fridge, ticked=("shelves", "polish_the_moon"))
    with pytest.raises(rules.NoteTooLong):
        visit(session, fridge, note="x" * 501)
    with pytest.raises(rules.ReadingOutOfRange):
        visit(session, fridge, celsius=41.0)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(CareRecord)) == 0


def test_a_warm_fridge_stays_marked_until_a_reading_is_back_in_range(session, make_site):
    fridge = make_site("Corner Fridge")
    visit(session, fridge, 7.0, now=NOW)
    state = rules.care_states(session, [fridge], NOW, OVERDUE)[fridge.id]
    assert state.too_warm and state.last_reading.celsius == 7.0
    visit(session, fridge, None, now=NOW + timedelta(hours=1))  # a cleaning without a reading
    assert rules.care_states(session, [fridge], NOW + timedelta(hours=1), OVERDUE)[fridge.id].too_warm
    visit(session, fridge, 5.0, now=NOW + timedelta(hours=2))  # the limit itself is in range
    state = rules.care_states(session, [fridge], NOW + timedelta(hours=2), OVERDUE)[fridge.id]
    assert not state.too_warm and state.last_reading.celsius == 5.0
    assert session.scalar(select(func.count()).select_from(Reading)) == 2  # every reading is kept


def test_a_freezer_is_too_warm_above_minus_fifteen(session, make_site):
    freezer = make_site("Church Freezer", kind="freezer")
    pantry = make_site("Library Pantry", kind="pantry")
    assert not visit(session, freezer, -10.0).reading.in_range
    assert visit(session, freezer, -15.0).reading.in_range
    assert visit(session, freezer, -18.5).reading.in_range
    assert visit(session, pantry, 22.0).reading.in_range  # a shelf has no limit
    states = rules.care_states(session, [freezer, pantry], NOW, OVERDUE)
    assert not states[freezer.id].too_warm and not states[pantry.id].too_warm
    assert rules.takes_readings(freezer, LIMITS) and not rules.takes_readings(pantry, LIMITS)


def test_cleaning_is_overdue_after_26_hours_without_a_record(session, make_site):
    fridge = make_site("Corner Fridge")
    now = utcnow()
    visit(session, fridge, now=now - timedelta(hours=27))
    state = rules.care_states(session, [fridge], now, OVERDUE)[fridge.id]
    assert state.cleaning_overdue
    assert state.last_care_at == now - timedelta(hours=27)
    visit(session, fridge, now=now - timedelta(hours=25))
    assert not rules.care_states(session, [fridge], now, OVERDUE)[fridge.id].cleaning_overdue


def test_a_new_site_counts_from_when_it_was_added(session, make_site):
    fridge = make_site("Corner Fridge")
    early = rules.care_states(session, [fridge], fridge.created_at + timedelta(hours=25), OVERDUE)[fridge.id]
    assert not early.cleaning_overdue
    late = rules.care_states(session, [fridge], fridge.created_at + timedelta(hours=27), OVERDUE)[fridge.id]
    assert late.cleaning_overdue and late.last_care_at is None and late.last_reading is None


def test_the_latest_reading_is_the_one_taken_last(session, make_site):
    one, two = make_site("One Fridge"), make_site("Two Fridge")
    visit(session, one, 3.0, now=NOW)
    visit(session, two, 8.0, now=NOW + timedelta(minutes=5))
    visit(session, one, 6.0, now=NOW + timedelta(minutes=10))
    visit(session, two, 2.0, now=NOW + timedelta(minutes=15))
    states = rules.care_states(session, [one, two], NOW + timedelta(hours=1), OVERDUE)
    assert states[one.id].last_reading.celsius == 6.0 and states[one.id].too_warm
    assert states[two.id].last_reading.celsius == 2.0 and not states[two.id].too_warm
    assert states[one.id].last_care_at == NOW + timedelta(minutes=10)
    assert rules.care_states(session, [], NOW, OVERDUE) == {}


def test_past_date_batches_are_listed_and_discarded_one_at_a_time(session, make_site, make_item):
    fridge, other = make_site("Corner Fridge"), make_site("Other Fridge")
    milk = make_item("Milk 1 L", "dairy", "carton")
    today = date(2026, 11, 20)
    ledger.restock(session, fridge.id, milk.id, 2, key(), NOW, best_before=today - timedelta(days=3))
    ledger.restock(session, fridge.id, milk.id, 1, key(), NOW, best_before=today - timedelta(days=1))
    ledger.restock(session, fridge.id, milk.id, 4, key(), NOW, best_before=today)
    ledger.restock(session, fridge.id, milk.id, 4, key(), NOW)
    session.commit()
    past = rules.past_date_batches(session, fridge, today)
    assert [(batch.quantity, batch.best_before) for batch in past] == [
        (2, today - timedelta(days=3)), (1, today - timedelta(days=1))]
    movement = rules.discard_batch(session, fridge, past[0].id, 2, key(), NOW, today=today, most=50)
    session.commit()
    assert (movement.kind, movement.delta, movement.source) == ("discard", -2, "care")
    assert [batch.quantity for batch in rules.past_date_batches(session, fridge, today)] == [1]
    with pytest.raises(UnknownBatch):
        rules.discard_batch(session, other, past[1].id, 1, key(), NOW, today=today, most=50)
    session.rollback()
    assert rules.past_date_batches(session, other, today) == []


def test_only_what_the_checklist_offers_is_discarded(session, make_site, make_item):
    """A batch not past its date, more than the batch holds, more than one log may carry: refused."""
    fridge, milk, today = make_site("Corner Fridge"), make_item("Milk 1 L", "dairy", "carton"), date(2026, 11, 20)
    def batch_of(movement):
        return movement.allocations[0].batch_id

    good = batch_of(ledger.restock(session, fridge.id, milk.id, 40, key(), NOW, best_before=today))
    undated = batch_of(ledger.restock(session, fridge.id, milk.id, 5, key(), NOW))
    for _ in range(2):
        old = batch_of(ledger.restock(session, fridge.id, milk.id, 40, key(), NOW, best_before=today - timedelta(days=1)))
    session.commit()
    refusals = [(good, 1, rules.NotPastItsDate), (undated, 1, rules.NotPastItsDate),
                (good, 100_000, rules.NotPastItsDate), (old, 81, rules.TooManyToRemove),
                (old, 51, rules.TooManyToRemove), (old, 0, rules.TooManyToRemove)]
    for batch_id, quantity, refusal in refusals:
        with pytest.raises(refusal):
            rules.discard_batch(session, fridge, batch_id, quantity, key(), NOW, today=today, most=50)
        session.rollback()
    past = rules.past_date_batches(session, fridge, today)
    assert [rules.offered(batch, 50) for batch in past] == [50]
    same = key()
    first = rules.discard_batch(session, fridge, old, 50, same, NOW, today=today, most=50)
    session.commit()
    again = rules.discard_batch(session, fridge, old, 50, same, NOW, today=today, most=50)  # empty now: a replay
    assert again.id == first.id and first.delta == -50


def test_one_warm_alert_a_site_per_while_and_never_for_a_replay(session, make_site):
    fridge, other = make_site("Corner Fridge"), make_site("Other Fridge")
    hour = timedelta(hours=1)

    def visit(site, celsius, now, same=None):
        care = rules.record_care(session, site, [], celsius, "", same or key(), now, checklist=CHECKLIST, limits=LIMITS)
        claimed = rules.claim_warm_alert(session, care, now, hour)
        session.commit()
        return claimed

    first = key()
    assert visit(fridge, 7.0, NOW, same=first)
    assert not visit(fridge, 7.0, NOW, same=first)  # the same form again
    assert not visit(fridge, 9.0, NOW + timedelta(minutes=59))
    assert not visit(fridge, 3.0, NOW + timedelta(minutes=61))  # in range: nothing to tell
    assert visit(other, 8.0, NOW + timedelta(minutes=1))  # another site has its own hour
    assert visit(fridge, 7.5, NOW + timedelta(minutes=61))
