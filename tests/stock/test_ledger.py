"""The ledger's rules, called directly: no HTTP. The app fixture checks the invariant after each."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pantry.stock import ledger
from pantry.stock.errors import (
    AlreadyCorrected,
    BadEntry,
    CannotCorrect,
    IdempotencyConflict,
    UndoExpired,
    UnknownBatch,
    UnknownItem,
    UnknownMovement,
    UnknownSite,
)
from pantry.stock.models import Batch, Movement
from tests.books import stock_of
from tests.conftest import NOW, key


def batches_of(session, site, item):
    rows = session.execute(
        select(Batch.best_before, Batch.quantity)
        .where(Batch.site_id == site.id, Batch.item_id == item.id)
        .order_by(Batch.best_before.is_(None), Batch.best_before)
    )
    return [tuple(row) for row in rows]


def test_restock_adds_a_batch_by_best_before(session, fridge, beans):
    ledger.restock(session, fridge.id, beans.id, 6, key(), NOW, best_before=date(2026, 11, 27))
    ledger.restock(session, fridge.id, beans.id, 2, key(), NOW, best_before=date(2026, 11, 27))
    ledger.restock(session, fridge.id, beans.id, 3, key(), NOW)
    session.commit()
    stock = stock_of(session, fridge, beans)
    assert stock.quantity == 11
    assert stock.last_restocked_at == NOW
    assert batches_of(session, fridge, beans) == [(date(2026, 11, 27), 8), (None, 3)]


@pytest.mark.clock
def test_take_uses_the_earliest_best_before_first(session, fridge, beans):
    ledger.restock(session, fridge.id, beans.id, 4, key(), NOW, best_before=date(2026, 12, 5))
    ledger.restock(session, fridge.id, beans.id, 3, key(), NOW, best_before=date(2026, 11, 22))
    ledger.restock(session, fridge.id, beans.id, 5, key(), NOW)
    movement = ledger.take(session, fridge.id, beans.id, 5, key(), NOW)
    session.commit()
    assert movement.delta == -5
    assert batches_of(session, fridge, beans) == [(date(2026, 11, 22), 0), (date(2026, 12, 5), 2), (None, 5)]
    assert stock_of(session, fridge, beans).quantity == 7


def test_a_take_beyond_the_stock_is_accepted_and_marks_the_count(session, fridge, beans):
    ledger.restock(session, fridge.id, beans.id, 3, key(), NOW)
    movement = ledger.take(session, fridge.id, beans.id, 5, key(), NOW)
    session.commit()
    assert (movement.quantity, movement.delta) == (5, -3)
    stock = stock_of(session, fridge, beans)
    assert stock.quantity == 0
    assert stock.count_looks_off


def test_a_take_of_something_never_logged_here_is_accepted(session, fridge, beans):
    movement = ledger.take(session, fridge.id, beans.id, 2, key(), NOW)
    session.commit()
    assert movement.delta == 0
    assert stock_of(session, fridge, beans).count_looks_off


def test_a_count_sets_the_stock_and_clears_the_doubt(session, fridge, beans):
    ledger.restock(session, fridge.id, beans.id, 2, key(), NOW, best_before=date(2026, 11, 25))
    ledger.take(session, fridge.id, beans.id, 9, key(), NOW)
    lower = ledger.count(session, fridge.id, beans.id, 4, key(), NOW)
    session.commit()
    assert lower.delta == 4
    stock = stock_of(session, fridge, beans)
    assert (stock.quantity, stock.count_looks_off) == (4, False)

    ledger.restock(session, fridge.id, beans.id, 3, key(), NOW, best_before=date(2026, 11, 21))
    fewer = ledger.count(session, fridge.id, beans.id, 5, key(), NOW)
    session.commit()
    assert fewer.delta == -2
    # The surplus of the record came off the earliest batch.
    assert batches_of(session, fridge, beans) == [(date(2026, 11, 21), 1), (date(2026, 11, 25), 0), (None, 4)]


def test_a_count_of_zero_empties_the_item(session, fridge, beans):
    ledger.restock(session, fridge.id, beans.id, 7, key(), NOW)
    movement = ledger.count(session, fridge.id, beans.id, 0, key(), NOW)
    session.commit()
    assert movement.delta == -7
    assert stock_of(session, fridge, beans).quantity == 0


def test_a_correction_puts_a_take_back_on_the_batches_it_came_from(session, fridge, beans):
    ledger.restock(session, fridge.id, beans.id, 2, key(), NOW, best_before=date(2026, 11, 22))
    ledger.restock(session, fridge.id, beans.id, 5, key(), NOW, best_before=date(2026, 11, 30))
    took = ledger.take(session, fridge.id, beans.id, 4, key(), NOW)
    correction = ledger.correct(session, took.id, key(), NOW, source="coordinator", note="miscount")
    session.commit()
    assert correction.delta == 4
    assert correction.corrects_id == took.id
    assert took.corrected_by == correction
    assert batches_of(session, fridge, beans) == [(date(2026, 11, 22), 2), (date(2026, 11, 30), 5)]


def test_a_correction_of_a_restock_takes_back_only_what_is_left(session, fridge, beans):
    added = ledger.restock(session, fridge.id, beans.id, 6, key(), NOW)
    ledger.take(session, fridge.id, beans.id, 4, key(), NOW)
    correction = ledger.correct(session, added.id, key(), NOW)
    session.commit()
    assert correction.delta == -2
    stock = stock_of(session, fridge, beans)
    assert (stock.quantity, stock.count_looks_off) == (0, True)


def test_an_entry_is_corrected_once_and_a_correction_never(session, fridge, beans):
    added = ledger.restock(session, fridge.id, beans.id, 6, key(), NOW)
    correction = ledger.correct(session, added.id, key(), NOW)
    session.commit()
    with pytest.raises(AlreadyCorrected):
        ledger.correct(session, added.id, key(), NOW)
    session.rollback()
    with pytest.raises(CannotCorrect):
        ledger.correct(session, correction.id, key(), NOW)
    session.rollback()
    with pytest.raises(UnknownMovement):
        ledger.correct(session, 999_999, key(), NOW)


@pytest.mark.clock
def test_undo_is_a_correction_within_the_window(session, fridge, beans):
    ledger.restock(session, fridge.id, beans.id, 6, key(), NOW)
    took = ledger.take(session, fridge.id, beans.id, 2, key(), NOW)
    session.commit()
    with pytest.raises(UndoExpired):
        ledger.undo(session, took.id, key(), NOW + timedelta(minutes=6), timedelta(minutes=5))
    session.rollback()
    undone = ledger.undo(session, took.id, key(), NOW + timedelta(minutes=4), timedelta(minutes=5))
    session.commit()
    assert (undone.kind, undone.delta, undone.source) == ("correction", 2, "undo")
    assert stock_of(session, fridge, beans).quantity == 6


def test_what_can_still_be_undone(session, fridge, beans):
    """Within the window, not a correction, not corrected already: the newest first."""
    window = timedelta(minutes=5)
    added = ledger.restock(session, fridge.id, beans.id, 6, key(), NOW)
    took = ledger.take(session, fridge.id, beans.id, 2, key(), NOW + timedelta(minutes=2))
    took_again = ledger.take(session, fridge.id, beans.id, 1, key(), NOW + timedelta(minutes=3))
    undone = ledger.undo(session, took_again.id, key(), NOW + timedelta(minutes=4), window)
    session.commit()
    ids = [added.id, took.id, took_again.id, undone.id, 999_999, 2**40]
    assert ledger.undoable(session, ids, NOW + timedelta(minutes=4), window) == [took, added]
    assert ledger.undoable(session, ids, NOW + timedelta(minutes=6), window) == [took]  # added's window ended
    assert ledger.undoable(session, set(), NOW, window) == []


def test_discard_removes_one_batch(session, fridge, beans):
    ledger.restock(session, fridge.id, beans.id, 3, key(), NOW, best_before=date(2026, 11, 10))
    ledger.restock(session, fridge.id, beans.id, 4, key(), NOW, best_before=date(2026, 11, 30))
    expired = session.scalar(select(Batch).where(Batch.best_before == date(2026, 11, 10)))
    movement = ledger.discard(session, fridge.id, beans.id, 3, key(), NOW, batch_id=expired.id)
    session.commit()
    assert movement.delta == -3
    assert batches_of(session, fridge, beans) == [(date(2026, 11, 10), 0), (date(2026, 11, 30), 4)]


def test_discard_of_a_batch_elsewhere_is_refused(session, fridge, beans, make_site):
    other = make_site("Library Pantry")
    ledger.restock(session, other.id, beans.id, 3, key(), NOW, best_before=date(2026, 11, 10))
    batch = session.scalar(select(Batch))
    with pytest.raises(UnknownBatch):
        ledger.discard(session, fridge.id, beans.id, 3, key(), NOW, batch_id=batch.id)


def test_the_same_key_applies_once_and_answers_like_the_first_time(session, fridge, beans):
    same = key()
    first = ledger.restock(session, fridge.id, beans.id, 6, same, NOW)
    session.commit()
    again = ledger.restock(session, fridge.id, beans.id, 6, same, NOW)
    session.commit()
    assert again.id == first.id
    assert session.scalar(select(func.count()).select_from(Movement)) == 1
    assert stock_of(session, fridge, beans).quantity == 6


def test_the_same_key_with_another_payload_is_refused(session, fridge, beans, make_item):
    same = key()
    ledger.restock(session, fridge.id, beans.id, 6, same, NOW)
    session.commit()
    milk = make_item("Milk 1 L", "dairy", "carton")
    for other in (
        lambda: ledger.restock(session, fridge.id, beans.id, 7, same, NOW),
        lambda: ledger.take(session, fridge.id, beans.id, 6, same, NOW),
        lambda: ledger.restock(session, fridge.id, milk.id, 6, same, NOW),
    ):
        with pytest.raises(IdempotencyConflict) as caught:
            other()
        assert caught.value.status == 422
        session.rollback()
    assert session.scalar(select(func.count()).select_from(Movement)) == 1


@pytest.mark.parametrize(
    "quantity", [0, -1, 2.5, "2", None, True],
)
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused(session, fridge, beans, quantity):
    with pytest.raises(BadEntry):
        ledger.take(session, fridge.id, beans.id, quantity, key(), NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Movement)) == 0


@pytest.mark.parametrize("bad_key", ["", "short", "x" * 65, None])
def test_every_entry_needs_a_key(session, fridge, beans, bad_key):
    with pytest.raises(BadEntry):
        ledger.restock(session, fridge.id, beans.id, 1, bad_key, NOW)


def test_only_a_restock_carries_a_best_before_date(session, fridge, beans):
    entry = ledger.Entry("take", key(), fridge.id, beans.id, 1, best_before=date(2026, 12, 1))
    with pytest.raises(BadEntry):
        ledger.record(session, entry, NOW)


def test_unknown_kinds_sites_and_items_are_refused(session, fridge, beans):
    with pytest.raises(BadEntry):
        ledger.record(session, ledger.Entry("steal", key(), fridge.id, beans.id, 1), NOW)
    with pytest.raises(UnknownSite):
        ledger.take(session, 999_999, beans.id, 1, key(), NOW)
    with pytest.raises(UnknownItem):
        ledger.take(session, fridge.id, 999_999, 1, key(), NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Movement)) == 0


def test_the_audit_finds_books_that_disagree(session, fridge, beans):
    from pantry.stock.audit import discrepancies

    ledger.restock(session, fridge.id, beans.id, 5, key(), NOW)
    session.commit()
    assert discrepancies(session) == []
    session.execute(Batch.__table__.update().values(quantity=4))
    assert discrepancies(session) == [f"site {fridge.id} item {beans.id}: stock 5, movements 5, batches 4"]
    session.rollback()
