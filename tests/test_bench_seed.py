"""The seed of `make bench-scale` (bench/city.py), run small: its books pass the ledger's audit
and it holds what its size says, so the bench's network cannot rot unseen."""
import sys
from pathlib import Path

from sqlalchemy import func, select

from pantry.shifts.models import Shift, SignUp
from pantry.stock.audit import discrepancies
from pantry.stock.models import Allocation, Batch, Movement, Stock
from tests.conftest import NOW

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import city  # noqa: E402  (the bench's modules import each other by their plain names)

TINY = city.Size(sites=12, neighbourhoods=2, items=10, held=5, movements=1_001, coordinators=3, shifts=50, years=1)


def test_a_tiny_city_keeps_its_books_and_its_size(session):
    measured = city.seed(session, TINY, NOW)

    assert discrepancies(session) == []
    found = city.counts(session)
    cared = found.pop("care records")
    assert found == {"sites": 12, "neighbourhoods": 2, "items": 10, "movements": 1_001,
                     "coordinators": 3, "shifts": 50, "stocks": 60, "targets": 60}
    assert cared == session.scalar(select(func.count()).where(Shift.done_at.is_not(None))) > 0
    assert measured["slug"] == "site-0001"


def test_every_movement_lands_on_its_batch_and_the_ledger_follows_time(session):
    city.seed(session, TINY, NOW)

    unallocated = session.scalar(select(func.count()).select_from(Movement).where(
        Movement.delta != select(func.coalesce(func.sum(Allocation.delta), 0))
        .where(Allocation.movement_id == Movement.id).scalar_subquery()))
    assert unallocated == 0
    times = session.scalars(select(Movement.created_at).order_by(Movement.id)).all()
    assert times == sorted(times) and times[-1] < NOW
    # A take finds one live batch: no stock is spread over two batches with something in them.
    assert session.scalar(select(func.count()).select_from(
        select(Batch.site_id, Batch.item_id).where(Batch.quantity > 0)
        .group_by(Batch.site_id, Batch.item_id).having(func.count() > 1).subquery())) == 0
    last = session.execute(select(Movement.site_id, Movement.item_id, func.max(Movement.created_at))
                           .where(Movement.kind == "restock").group_by(Movement.site_id, Movement.item_id)).all()
    restocked = {(stock.site_id, stock.item_id): stock.last_restocked_at for stock in session.scalars(select(Stock))}
    assert {(site, item): moment for site, item, moment in last} == restocked


def test_the_sign_ups_fill_the_places_the_shifts_count(session):
    city.seed(session, TINY, NOW)

    taken = session.scalar(select(func.sum(Shift.taken)))
    assert taken > 0
    assert taken == session.scalar(select(func.count()).select_from(SignUp).where(SignUp.cancelled_at.is_(None)))


def test_the_network_measured_smaller_keeps_the_same_history_per_site():
    smaller = city.Size().at(10)

    assert (smaller.sites, smaller.neighbourhoods, smaller.movements, smaller.shifts) == (10, 1, 100_000, 200)
    assert smaller.key != city.Size().key
