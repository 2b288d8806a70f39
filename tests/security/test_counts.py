"""memory:// counts (pantry.counts): no thread per count, and counts nobody reads again still go."""
import threading
from datetime import UTC, datetime, timedelta

import time_machine
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from pantry import counts

MOMENT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def timers():
    return [thread for thread in threading.enumerate() if isinstance(thread, threading.Timer)]


def test_memory_counts_start_no_thread_per_hit():
    storage = storage_from_string("memory://")
    assert isinstance(storage, counts.CountsInMemory)
    limiter = SlidingWindowCounterRateLimiter(storage)
    for timer in timers():  # MemoryStorage's own start runs one, once, for 10 ms
        timer.join()
    for client in range(50):
        assert limiter.hit(parse("5 per minute"), "logs", f"10.0.0.{client}")
        assert not timers()


def test_expired_counts_are_swept_by_a_later_count():
    with time_machine.travel(MOMENT, tick=False) as clock:
        storage = counts.CountsInMemory()
        limiter = SlidingWindowCounterRateLimiter(storage)
        limit = parse("5 per minute")
        limiter.hit(limit, "logs", "10.0.0.1")
        assert storage.storage  # counted
        clock.shift(timedelta(minutes=3))  # both windows of that count are over, and a sweep is due
        limiter.hit(limit, "logs", "10.0.0.2")
        assert not [name for name in storage.storage if "10.0.0.1" in name]
        assert limiter.test(limit, "logs", "10.0.0.2")
