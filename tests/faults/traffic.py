"""Phones at the fridge under faults: each keeps logging takes and restocks (as a form without
JavaScript, as JSON like the offline outbox), and every answer is written down, lost ones too."""
import contextlib
import http.client
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from tests.live import new_key

LOST = None  # the status of a request that got no answer: the connection broke
ACKNOWLEDGED = {201, 303}  # JSON, form
BEST_BEFORE = [None, date(2026, 12, 1), date(2026, 12, 8), date(2027, 1, 15)]


@dataclass
class Sent:
    """One request and what came back."""

    key: str | None
    fields: dict
    as_json: bool
    status: int | None = LOST
    retry_after: str | None = None
    code: str | None = None  # the JSON answer's code
    at: float = 0.0  # time.monotonic() when the answer (or the failure) came

    @property
    def acknowledged(self):
        return self.status in ACKNOWLEDGED


class Phone:
    """One browser: it keeps its cookie and CSRF token, and opens a new connection when one
    breaks, as a browser does."""

    def __init__(self, port, page, timeout=15):
        self.port, self.page, self.timeout = port, page, timeout
        self.connection = None
        self.cookie = ""
        self.token = None

    def open_page(self, deadline=10):
        """Open the scan page (for the cookie and the token), trying again while the server is down."""
        give_up = time.monotonic() + deadline
        while True:
            try:
                status, _, body = self.request("GET", self.page)
                if status == 200:
                    self.token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
                    return
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > give_up:
                raise AssertionError(f"{self.page} did not open")
            time.sleep(0.1)

    def read(self, path):
        """A GET; its status, or LOST."""
        sent = Sent(None, {"path": path}, as_json=False)
        with contextlib.suppress(OSError, http.client.HTTPException):
            sent.status, sent.retry_after, _ = self.request("GET", path)
        sent.at = time.monotonic()
        return sent

    def log(self, path, fields, as_json, key=None):
        """Send one entry to `path` (a label's /log); the same `key` again to retry it."""
        sent = Sent(key or new_key(), fields, as_json)
        body = {**fields, "key": sent.key}
        if as_json:
            headers = {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": self.token}
            payload = json.dumps(body)
        else:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            payload = urlencode({"csrf_token": self.token, **body})
        try:
            sent.status, sent.retry_after, answer = self.request("POST", path, payload, headers)
            if as_json and answer.startswith("{"):
                sent.code = json.loads(answer).get("code")
        except (OSError, http.client.HTTPException):
            pass
        sent.at = time.monotonic()
        return sent

    def request(self, method, path, body=None, headers=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.connection.request(method, path, body=body, headers={**(headers or {}), "Cookie": self.cookie})
            response = self.connection.getresponse()
            text = response.read().decode()
        except BaseException:
            self.close()
            raise
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.getheader("Retry-After"), text

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def random_entry(rng, item_ids):
    """A take of 1 to 3 or a restock of 1 to 6, sometimes with a best-before date."""
    fields = {"item": rng.choice(item_ids)}
    if rng.random() < 0.5:
        fields.update(kind="take", quantity=rng.randint(1, 3))
    else:
        fields.update(kind="restock", quantity=rng.randint(1, 6))
        best_before = rng.choice(BEST_BEFORE)
        if best_before:
            fields["best_before"] = best_before.isoformat()
    return fields


@dataclass
class Traffic:
    """`writers` phones logging entries and `readers` phones opening pages, until stopped."""

    port: int
    code: str
    item_ids: list
    writers: int = 6
    readers: int = 0
    pages: list = field(default_factory=list)
    pause_after_failure: float = 0.05

    def __post_init__(self):
        self.logs, self.reads, self.failures = [], [], []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []

    def __enter__(self):
        jobs = [(self._write, index) for index in range(self.writers)]
        jobs += [(self._read, index) for index in range(self.readers)]
        for job, index in jobs:
            thread = threading.Thread(target=self._guarded, args=(job, index), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in self._threads), "a phone is still sending"
        assert not self.failures, self.failures

    def _guarded(self, job, index):
        try:
            job(index)
        except Exception as error:  # reported by __exit__, with the phone that failed
            self.failures.append(f"phone {index}: {error!r}")

    def _write(self, index):
        rng = random.Random(index)
        phone = Phone(self.port, f"/t/{self.code}")
        try:
            phone.open_page()
            while not self._stop.is_set():
                fields = random_entry(rng, self.item_ids)
                sent = phone.log(f"/t/{self.code}/log", fields, as_json=rng.random() < 0.5)
                with self._lock:
                    self.logs.append(sent)
                if not sent.acknowledged:
                    time.sleep(self.pause_after_failure)
        finally:
            phone.close()

    def _read(self, index):
        phone = Phone(self.port, self.pages[0])
        turn = index
        try:
            while not self._stop.is_set():
                sent = phone.read(self.pages[turn % len(self.pages)])
                turn += 1
                with self._lock:
                    self.reads.append(sent)
                if sent.status != 200:
                    time.sleep(self.pause_after_failure)
        finally:
            phone.close()

    def wait_for_acknowledged(self, more, timeout=30):
        """Wait until `more` entries than now have been acknowledged (the stream is flowing)."""
        goal = self.count(lambda sent: sent.acknowledged) + more
        deadline = time.monotonic() + timeout
        while self.count(lambda sent: sent.acknowledged) < goal:
            assert time.monotonic() < deadline, f"fewer than {more} entries acknowledged in {timeout} s"
            assert not self.failures, self.failures
            time.sleep(0.02)

    def count(self, predicate):
        return sum(1 for sent in self.logs if predicate(sent))

