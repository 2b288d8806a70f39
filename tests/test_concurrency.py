"""Many phones at once, through real gunicorn worker processes: no lost update, no negative
stock, no 5xx, and one idempotency key applied once however many times it races."""
import threading

import pytest
from sqlalchemy import func, select

from pantry.database import utcnow
from pantry.stock import ledger
from pantry.stock.models import Movement, Stock
from pantry.tags.rules import issue_tag
from tests.conftest import key
from tests.live import gunicorn, new_key, phones

pytestmark = pytest.mark.slow
THREADS = 8
TAKES_EACH = 60


@pytest.fixture
def stocked(session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    beans = make_item("Canned beans")
    ledger.restock(session, fridge.id, beans.id, 2500, key(), utcnow())
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    return fridge.id, beans.id, tag.code


def run_together(work, count):
    start = threading.Barrier(count)
    failures = []

    def worker(index):
        try:
            start.wait()
            work(index)
        except Exception as error:  # reported below, with the thread that failed
            failures.append(f"thread {index}: {error!r}")

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures


def test_takes_from_many_phones_lose_nothing(database_url, session, stocked):
    fridge_id, beans_id, code = stocked
    statuses = {}
    lock = threading.Lock()

    with gunicorn(database_url, workers=2, threads=4) as port, phones(port, THREADS, f"/t/{code}") as browsers:

        def take_many(index):
            phone = browsers[index]
            for _ in range(TAKES_EACH):
                status = phone.post(f"/t/{code}/log", key=new_key(), kind="take", item=beans_id, quantity=1)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

        run_together(take_many, THREADS)

    assert statuses == {303: THREADS * TAKES_EACH}
    session.rollback()
    stock = session.scalar(select(Stock).where(Stock.item_id == beans_id))
    takes = session.scalar(select(func.count()).where(Movement.kind == "take"))
    assert takes == THREADS * TAKES_EACH
    assert stock.quantity == 2500 - THREADS * TAKES_EACH
    assert not stock.count_looks_off


def test_takes_beyond_the_stock_stop_at_zero(database_url, session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    milk = make_item("Milk 1 L", "dairy", "carton")
    ledger.restock(session, fridge.id, milk.id, 30, key(), utcnow())
    code = issue_tag(session, fridge, "site", utcnow()).code
    session.commit()
    milk_id = milk.id

    with gunicorn(database_url, workers=2, threads=2) as port, phones(port, 4, f"/t/{code}") as browsers:

        def take_twenty(index):
            for _ in range(20):
                status = browsers[index].post(f"/t/{code}/log", key=new_key(), kind="take", item=milk_id, quantity=1)
                assert status == 303, status

        run_together(take_twenty, 4)

    session.rollback()
    stock = session.scalar(select(Stock).where(Stock.item_id == milk_id))
    assert stock.quantity == 0
    assert stock.count_looks_off
    applied = session.scalar(select(func.sum(Movement.delta)).where(Movement.kind == "take"))
    assert applied == -30


def test_one_key_sent_at_once_by_eight_phones_applies_once(database_url, session, stocked):
    fridge_id, beans_id, code = stocked
    same = new_key()
    statuses = []

    with gunicorn(database_url, workers=2, threads=4) as port, phones(port, THREADS, f"/t/{code}") as browsers:

        def send_the_same(index):
            statuses.append(browsers[index].post(f"/t/{code}/log", key=same, kind="take", item=beans_id, quantity=2))

        run_together(send_the_same, THREADS)

    assert statuses == [303] * THREADS
    session.rollback()
    assert session.scalar(select(func.count()).where(Movement.idempotency_key == same)) == 1
    assert session.scalar(select(Stock.quantity).where(Stock.item_id == beans_id)) == 2498
