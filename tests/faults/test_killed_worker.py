"""kill -9 of a gunicorn worker in the middle of a stream of writes: what was acknowledged
stays, nothing is half-written, gunicorn serves again, and a retried key applies once."""
import random

import pytest

from tests.faults import books
from tests.faults.serving import gunicorn
from tests.faults.traffic import LOST, Phone, Traffic

pytestmark = pytest.mark.slow
WORKERS = 2


def test_a_worker_killed_mid_writes_loses_no_acknowledged_entry(database_url, session, fridge):
    site_id, _, code, initial = fridge
    killed = []

    with gunicorn(database_url, workers=WORKERS, threads=4) as server:
        with Traffic(server.port, code, list(initial), writers=8) as traffic:
            # One worker, then the other while the first one's replacement is still loading the
            # app: the second carries all the traffic when it dies.
            for _ in range(2):
                traffic.wait_for_acknowledged(100)
                victim = random.choice(sorted(server.ready_workers() - set(killed)))
                server.kill_worker(victim)
                killed.append(victim)
            server.wait_for_workers(WORKERS, without=killed)  # gunicorn started two others
            traffic.wait_for_acknowledged(100)

        logs = traffic.logs
        acknowledged = [sent for sent in logs if sent.acknowledged]
        unanswered = [sent for sent in logs if not sent.acknowledged]
        print(f"\n{len(logs)} entries sent, {len(acknowledged)} acknowledged, "
              f"{traffic.count(lambda sent: sent.status is LOST)} lost with the killed workers {killed}")
        assert {sent.status for sent in unanswered} <= {LOST}, "only a killed worker may leave a request unanswered"
        assert unanswered, "the kills hit no request in flight: nothing was proved"

        # What was acknowledged is there, once; nothing is half-written.
        applied = books.times_applied(session, [sent.key for sent in logs])
        assert set(applied.values()) <= {0, 1}
        assert [sent.key for sent in acknowledged if applied[sent.key] != 1] == []
        assert books.problems(session) == []
        landed_unanswered = sum(applied[sent.key] for sent in unanswered)
        print(f"{landed_unanswered} of the {len(unanswered)} unanswered entries had been written before the kill")

        # The respawned workers serve; each unanswered entry, sent again with its key, applies once.
        phone = Phone(server.port, f"/t/{code}")
        phone.open_page()
        fresh = phone.log(f"/t/{code}/log", {"item": min(initial), "kind": "take", "quantity": 1}, as_json=True)
        assert fresh.status == 201
        for sent in unanswered:
            again = phone.log(f"/t/{code}/log", sent.fields, sent.as_json, key=sent.key)
            assert again.acknowledged, again
        for sent in unanswered[:5]:  # and once more: still once
            assert phone.log(f"/t/{code}/log", sent.fields, sent.as_json, key=sent.key).acknowledged
        phone.close()

    every = logs + [fresh]
    assert set(books.times_applied(session, [sent.key for sent in every]).values()) == {1}
    assert books.stock_of(session, site_id) == books.expected_stock(initial, every)
    assert books.problems(session) == []
