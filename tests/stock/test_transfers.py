"""Transfers without HTTP: earliest dates first, the same batches at the other end, two movements
that name each other, refused when they cannot be right, reversed whole, and race-free."""
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pantry.database import commit_write
from pantry.extensions import db
from pantry.stock import ledger, transfers
from pantry.stock.audit import discrepancies
from pantry.stock.errors import AlreadyCorrected, BadEntry, IdempotencyConflict, UnknownSite
from pantry.stock.models import Batch, Movement, Stock
from tests.conftest import key

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
EARLY, LATE = date(2026, 11, 24), date(2026, 11, 30)


@pytest.fixture
def sites(session, make_site, make_item):
    fridge, hall, shelf = make_site("Corner Fridge"), make_site("Hall Fridge"), make_site("Library Shelf", kind="pantry")
    milk = make_item("Milk 1 L", "dairy", "carton")
    milk.keep_cold = True
    ledger.restock(session, fridge.id, milk.id, 5, key(), NOW - timedelta(days=1), best_before=LATE)
    ledger.restock(session, fridge.id, milk.id, 3, key(), NOW - timedelta(days=1), best_before=EARLY)
    session.commit()
    return fridge, hall, shelf, milk


def held(session, site, item):
    return {batch.best_before: batch.quantity for batch in session.scalars(
        select(Batch).where(Batch.site_id == site.id, Batch.item_id == item.id, Batch.quantity > 0))}


def test_a_transfer_moves_the_earliest_batches_with_their_dates(session, sites):
    fridge, hall, _, milk = sites
    moved = ledger.transfer(session, fridge.id, hall.id, milk.id, 4, key(), NOW)
    session.commit()
    assert held(session, fridge, milk) == {LATE: 4}
    assert held(session, hall, milk) == {EARLY: 3, LATE: 1}
    assert (moved.out.kind, moved.out.delta, moved.into.kind, moved.into.delta) == ("transfer", -4, "transfer", 4)
    assert moved.out.pairs_id == moved.into.id and moved.into.pairs_id == moved.out.id
    assert (moved.out.site_id, moved.into.site_id) == (fridge.id, hall.id)
    assert session.scalar(select(Stock.last_restocked_at).where(Stock.site_id == hall.id)) == NOW
    assert discrepancies(session) == []


def test_the_same_key_twice_moves_once_and_another_payload_is_refused(session, sites):
    fridge, hall, shelf, milk = sites
    same = key()
    first = ledger.transfer(session, fridge.id, hall.id, milk.id, 2, same, NOW)
    again = ledger.transfer(session, fridge.id, hall.id, milk.id, 2, same, NOW + timedelta(minutes=1))
    session.commit()
    assert (again.out.id, again.into.id) == (first.out.id, first.into.id)
    assert held(session, hall, milk) == {EARLY: 2}
    for other in [dict(quantity=3), dict(to_site_id=shelf.id)]:
        arguments = dict(site_id=fridge.id, to_site_id=hall.id, item_id=milk.id, quantity=2) | other
        with pytest.raises(IdempotencyConflict):
            ledger.transfer(session, key=same, now=NOW, **arguments)


@pytest.mark.parametrize("change, refusal", [
    (dict(to_site_id="same"), transfers.SameSite),
    (dict(quantity=9), transfers.NotEnoughToTransfer),
    (dict(quantity=0), BadEntry),
    (dict(to_site_id=2**40), UnknownSite),
    (dict(to_site_id="shelf"), transfers.ConfirmKind),
])
def test_transfers_that_cannot_be_right_are_refused_and_write_nothing(session, sites, change, refusal):
    fridge, hall, shelf, milk = sites
    named = {"same": fridge.id, "shelf": shelf.id}
    arguments = dict(site_id=fridge.id, to_site_id=hall.id, item_id=milk.id, quantity=4) | change
    arguments["to_site_id"] = named.get(arguments["to_site_id"], arguments["to_site_id"])
    before = session.scalar(select(func.count()).select_from(Movement))
    with pytest.raises(refusal):
        ledger.transfer(session, key=key(), now=NOW, **arguments)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Movement)) == before
    assert held(session, fridge, milk) == {EARLY: 3, LATE: 5}


def test_a_confirmed_transfer_to_a_shelf_goes_through(session, sites):
    fridge, _, shelf, milk = sites
    ledger.transfer(session, fridge.id, shelf.id, milk.id, 1, key(), NOW, confirmed=True)
    session.commit()
    assert held(session, shelf, milk) == {EARLY: 1}


@pytest.mark.parametrize("leg", ["out", "into"])
def test_correcting_either_leg_reverses_both(session, sites, leg):
    fridge, hall, _, milk = sites
    moved = ledger.transfer(session, fridge.id, hall.id, milk.id, 4, key(), NOW)
    session.commit()
    fix = key()
    correction = ledger.correct(session, getattr(moved, leg).id, fix, NOW + timedelta(hours=1))
    assert ledger.correct(session, getattr(moved, leg).id, fix, NOW + timedelta(hours=2)).id == correction.id
    session.commit()
    assert held(session, fridge, milk) == {EARLY: 3, LATE: 5}
    assert held(session, hall, milk) == {}
    twin = session.get(Movement, correction.pairs_id)
    assert {correction.corrects_id, twin.corrects_id} == {moved.out.id, moved.into.id}
    for either in (moved.out, moved.into):
        with pytest.raises(AlreadyCorrected):
            ledger.correct(session, either.id, key(), NOW + timedelta(hours=3))
    assert discrepancies(session) == []


def test_correcting_after_the_food_was_taken_at_the_other_end_flags_the_count(session, sites):
    fridge, hall, _, milk = sites
    moved = ledger.transfer(session, fridge.id, hall.id, milk.id, 4, key(), NOW)
    ledger.take(session, hall.id, milk.id, 3, key(), NOW + timedelta(minutes=5))
    ledger.correct(session, moved.out.id, key(), NOW + timedelta(hours=1))
    session.commit()
    assert held(session, fridge, milk) == {EARLY: 3, LATE: 5}
    assert session.scalar(select(Stock.count_looks_off).where(Stock.site_id == hall.id))
    assert discrepancies(session) == []


def test_eight_phones_transfer_while_eight_take_lose_nothing(app, session, make_site, make_item):
    a, b, beans = make_site("Site A").id, make_site("Site B").id, make_item("Canned beans").id
    ledger.restock(session, a, beans, 1000, key(), NOW, best_before=EARLY)
    session.commit()
    keys = [[key() for _ in range(10)] for _ in range(8)]
    failures, start = [], threading.Barrier(16)

    def transfer_twice(index, number):  # the same key twice applies once
        for _ in range(2):
            commit_write(db.session, lambda: ledger.transfer(db.session, a, b, beans, 2, keys[index][number], NOW))

    def phone(index):
        with app.app_context():
            try:
                start.wait()
                for number in range(10):
                    if index < 8:
                        transfer_twice(index, number)
                    else:
                        commit_write(db.session, lambda: ledger.take(db.session, a, beans, 3, key(), NOW))
            except Exception as error:  # reported below, with the phone that failed
                failures.append(f"phone {index}: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=phone, args=(index,)) for index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    session.rollback()
    assert not failures
    stocks = dict(session.execute(select(Stock.site_id, Stock.quantity)).all())
    assert stocks == {a: 1000 - 8 * 10 * 2 - 8 * 10 * 3, b: 8 * 10 * 2}
    sent = session.scalars(select(Movement).where(Movement.kind == "transfer", Movement.site_id == a)).all()
    assert sorted(movement.idempotency_key for movement in sent) == sorted(k for row in keys for k in row)
    arrived = session.scalar(select(func.count()).where(Movement.kind == "transfer", Movement.site_id == b))
    assert arrived == 80 and all(movement.pair.site_id == b for movement in sent)
    assert discrepancies(session) == []
