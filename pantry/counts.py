"""Where `memory://` rate limits are counted: limits' MemoryStorage without its timer thread.

MemoryStorage starts a `threading.Timer` on every count when its last one has finished (10 ms
after it began): under steady traffic, a new thread for nearly every limited request, which
cost a log POST more than its whole rate limit check. Here the same expiry runs in the request
that counts, at most once every SWEEP_SECONDS; a count read meanwhile is expired by the read
itself (MemoryStorage.get), so the limits count exactly as before."""
import time

from limits.storage import MemoryStorage

SWEEP_SECONDS = 10  # how long counts of windows nobody asks about again may stay in memory


class _Sweep:
    """Stands where MemoryStorage keeps its timer: asked whether the timer is alive before each
    count, it drops the expired counts itself when a sweep is due, and answers yes. On the clock
    MemoryStorage expires counts by (time.time)."""

    def __init__(self, expire):
        self.expire = expire
        self.due = time.time() + SWEEP_SECONDS

    def is_alive(self):
        now = time.time()
        if now >= self.due:
            self.due = now + SWEEP_SECONDS
            self.expire()
        return True

    def cancel(self):
        """Nothing runs apart from the requests (the timer's method, for whoever stops it)."""


class CountsInMemory(MemoryStorage):
    """`memory://`: registered under MemoryStorage's own scheme, so the setting means what it did."""

    STORAGE_SCHEME = ["memory"]

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)  # its one timer runs once, 10 ms
        self.timer = _Sweep(self._MemoryStorage__expire_events)

    def __setstate__(self, state):
        super().__setstate__(state)
        self.timer = _Sweep(self._MemoryStorage__expire_events)
