"""Excursions without HTTP: a warm fridge puts exactly the cold-chain food that was in it in question."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pantry.care import excursions, rules
from pantry.care.models import Excursion, Flag
from pantry.journal import JournalEntry
from pantry.stock import ledger
from pantry.stock.models import Batch
from tests.conftest import key

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
CHECKLIST = ["shelves"]
LIMITS = {"fridge": 5.0, "freezer": -15.0}


def read(session, site, celsius, at):
    rules.record_care(session, site, [], celsius, "", key(), at, checklist=CHECKLIST, limits=LIMITS)
    session.commit()


def batch(session, site, item, best_before):
    return session.scalar(select(Batch).where(
        Batch.site_id == site.id, Batch.item_id == item.id, Batch.best_before == best_before))


def flagged(session, site):
    return set(session.scalars(select(Flag.batch_id).where(Flag.site_id == site.id)))


@pytest.fixture
def cold(make_item, session):
    def make(name, category="dairy"):
        item = make_item(name, category, "each")
        item.keep_cold = True
        session.commit()
        return item
    return make


def test_three_warm_hours_flag_exactly_the_cold_batches_in_the_fridge(session, make_site, make_item, cold):
    fridge, other = make_site("Corner Fridge"), make_site("Other Fridge")
    milk, yogurt, eggs, soup = cold("Milk"), cold("Yogurt"), cold("Eggs"), cold("Soup", "meals")
    beans = make_item("Beans", "canned", "can")
    early, late = date(2026, 11, 25), date(2026, 11, 28)
    ledger.restock(session, fridge.id, milk.id, 4, key(), T0 - timedelta(hours=1), best_before=early)
    ledger.restock(session, fridge.id, beans.id, 4, key(), T0 - timedelta(hours=1), best_before=early)
    ledger.restock(session, fridge.id, soup.id, 2, key(), T0 - timedelta(hours=1), best_before=early)
    ledger.take(session, fridge.id, soup.id, 2, key(), T0 - timedelta(minutes=30))  # gone before it warmed
    ledger.restock(session, other.id, milk.id, 4, key(), T0 - timedelta(hours=1), best_before=early)
    session.commit()
    read(session, fridge, 4.0, T0)
    read(session, fridge, 8.0, T0 + timedelta(minutes=30))  # warm from here
    ledger.restock(session, fridge.id, yogurt.id, 3, key(), T0 + timedelta(hours=1), best_before=early)
    session.commit()
    read(session, fridge, 7.0, T0 + timedelta(hours=2))
    read(session, fridge, 4.0, T0 + timedelta(hours=3, minutes=30))  # back in range: 3 hours warm
    ledger.restock(session, fridge.id, eggs.id, 6, key(), T0 + timedelta(hours=4), best_before=late)
    ledger.restock(session, fridge.id, milk.id, 6, key(), T0 + timedelta(hours=4), best_before=late)
    session.commit()
    read(session, fridge, 9.0, T0 + timedelta(hours=4, minutes=10))  # a new excursion, short so far

    assert flagged(session, fridge) == {batch(session, fridge, milk, early).id, batch(session, fridge, yogurt, early).id}
    assert flagged(session, other) == set()
    excursion = session.scalars(select(Excursion).order_by(Excursion.id)).first()
    assert excursion.length(T0) == timedelta(hours=3) and excursion.length_known and excursion.warmest == 8.0
    assert set(excursions.questioned(session, fridge.id)) == flagged(session, fridge)
    told = session.scalars(select(JournalEntry).where(JournalEntry.action == "food.put_in_question")).all()
    assert [(line.who, line.coordinator_id, line.site_id, line.subject, line.after_values["batches"])
            for line in told] == [("Pantry", None, fridge.id, "Milk, Yogurt", 2)]


def test_a_short_excursion_flags_nothing(session, make_site, cold):
    fridge, milk = make_site("Corner Fridge"), cold("Milk")
    ledger.restock(session, fridge.id, milk.id, 4, key(), T0 - timedelta(hours=1))
    session.commit()
    read(session, fridge, 4.0, T0)
    read(session, fridge, 8.0, T0 + timedelta(minutes=30))
    read(session, fridge, 8.5, T0 + timedelta(hours=2))  # 1 h 30 min warm so far
    read(session, fridge, 4.0, T0 + timedelta(hours=2, minutes=29))  # 1 h 59 min in all
    assert flagged(session, fridge) == set()
    assert session.scalar(select(Excursion.ended_at)) == T0 + timedelta(hours=2, minutes=29)


def test_an_excursion_of_unknown_length_flags_at_once(session, make_site, cold):
    fridge, milk = make_site("Corner Fridge"), cold("Milk")
    ledger.restock(session, fridge.id, milk.id, 4, key(), T0 - timedelta(hours=5))
    session.commit()
    read(session, fridge, 4.0, T0 - timedelta(hours=4))  # then nothing for four hours
    read(session, fridge, 8.0, T0)
    assert len(flagged(session, fridge)) == 1
    assert session.scalar(select(Excursion.length_known)) is False


def test_a_freezer_judges_by_its_own_limit(session, make_site, cold):
    freezer, dinners = make_site("Hall Freezer", kind="freezer"), cold("Frozen dinners", "meals")
    ledger.restock(session, freezer.id, dinners.id, 4, key(), T0 - timedelta(hours=1))
    session.commit()
    read(session, freezer, -18.0, T0)
    read(session, freezer, -5.0, T0 + timedelta(hours=1))
    read(session, freezer, -18.0, T0 + timedelta(hours=3, minutes=1))
    assert len(flagged(session, freezer)) == 1


@pytest.fixture
def in_question(session, make_site, cold):
    fridge, milk = make_site("Corner Fridge"), cold("Milk")
    ledger.restock(session, fridge.id, milk.id, 4, key(), T0 - timedelta(hours=1))
    session.commit()
    read(session, fridge, 8.0, T0)
    return fridge, session.scalar(select(Flag.batch_id))


def test_a_coordinator_clears_a_flag_with_a_reason_once(session, in_question):
    fridge, batch_id = in_question
    clearing = key()
    excursions.clear(session, fridge.id, batch_id, "Probe says 3 °C", clearing, T0 + timedelta(hours=1), "Ana")
    again = excursions.clear(session, fridge.id, batch_id, "Probe says 3 °C", clearing, T0 + timedelta(hours=2))
    session.commit()
    assert again.cleared_at == T0 + timedelta(hours=1) and again.cleared_by == "Ana"
    assert excursions.questioned(session, fridge.id) == {}
    with pytest.raises(excursions.ClearConflict):
        excursions.clear(session, fridge.id, batch_id, "Other words", clearing, T0)


@pytest.mark.parametrize("reason, refusal", [
    ("", excursions.NoReason), ("   ", excursions.NoReason), ("x" * 201, excursions.ReasonTooLong),
])
def test_clearing_without_a_good_reason_is_refused_and_writes_nothing(session, in_question, reason, refusal):
    fridge, batch_id = in_question
    with pytest.raises(refusal):
        excursions.clear(session, fridge.id, batch_id, reason, key(), T0)
    session.rollback()
    assert session.scalar(select(func.count()).where(Flag.cleared_at.is_not(None))) == 0


def test_clearing_a_batch_not_in_question_is_refused(session, in_question, make_site):
    fridge, batch_id = in_question
    with pytest.raises(excursions.NotFlagged):
        excursions.clear(session, make_site("Elsewhere").id, batch_id, "fine", key(), T0)
    with pytest.raises(excursions.NotFlagged):
        excursions.clear(session, fridge.id, 2**40, "fine", key(), T0)
