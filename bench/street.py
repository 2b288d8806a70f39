"""The soak's street: phones at the fridges, and what they ask for, in the street's proportions.

Each phone is a browser with its own session cookie and CSRF token (fetched once, from a
scan page); it sends every write with a fresh idempotency key, which the street remembers
once the write is accepted, so the ledger can be checked against it after the run."""
import http.client
import json
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from sqlalchemy import select

from pantry.config import Defaults
from pantry.shifts.models import Shift
from pantry.sites.models import Site
from pantry.stock.models import Stock
from pantry.tags.models import Tag

PHONES = 64  # requests under way at once, at most: a stall of two seconds holds up no request behind it
TIMEOUT = 10  # seconds a phone waits for an answer; a visit due longer ago is not sent at all
SIGN_UP_DAYS = 14  # the shifts a volunteer picks from, like /shifts shows
SIGN_UP_LEAD = timedelta(hours=2)  # none starts (and so closes) during a run
CHECKLIST = tuple(Defaults.CARE_CHECKLIST)
NAMES = ("Ana", "Bo", "Chidi", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "June", "Kofi", "Lena")


@dataclass(frozen=True)
class Place:
    """One site as the street reaches it: its address, its labels and the items it keeps."""

    slug: str
    site_id: int
    scan_code: str
    care_code: str
    item_labels: tuple  # (code, item id)
    items: tuple  # item ids


@dataclass(frozen=True)
class Targets:
    places: tuple
    shifts: tuple  # ids of shifts volunteers may still sign up for

    @classmethod
    def read(cls, session, now):
        tags = session.scalars(select(Tag).where(Tag.revoked_at.is_(None))).all()
        places = []
        for site in session.scalars(select(Site).order_by(Site.id)):
            mine = [tag for tag in tags if tag.site_id == site.id]
            places.append(Place(
                slug=site.slug, site_id=site.id,
                scan_code=next(tag.code for tag in mine if tag.purpose == "site"),
                care_code=next(tag.code for tag in mine if tag.purpose == "care"),
                item_labels=tuple((tag.code, tag.item_id) for tag in mine if tag.purpose == "item"),
                items=tuple(session.scalars(select(Stock.item_id).where(Stock.site_id == site.id))),
            ))
        shifts = session.scalars(select(Shift.id).where(
            Shift.cancelled_at.is_(None),
            Shift.starts_at > now + SIGN_UP_LEAD,
            Shift.starts_at < now + timedelta(days=SIGN_UP_DAYS),
        )).all()
        if not shifts:
            raise RuntimeError(f"no shift to sign up for in the next {SIGN_UP_DAYS} days")
        return cls(tuple(places), tuple(shifts))


@dataclass
class Outcome:
    kind: str
    due: float  # time.monotonic() when the schedule said to send it
    seconds: float  # from `due` to the whole answer read: waiting for a free phone counts
    late: float  # from `due` to a phone beginning to send: how well the client kept pace
    status: int | None  # None: no answer (connection error, timeout, or never sent)
    problem: str = ""  # what was sent, or what went wrong


class Phone:
    """One browser: a connection, a session cookie, a CSRF token and its last form write."""

    def __init__(self, base):
        address = urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=TIMEOUT)
        self.cookies = {}
        self.token = None
        self.last_form = None  # (path, fields) of the last form write, for a double tap
        self.sent = ""  # "POST /t/...": what the last request was, for the notes

    def get(self, path, headers=None):
        status, body = self._send("GET", path, None, headers or {})
        found = re.search(rb'name="csrf_token" value="([^"]+)"', body)
        if found:
            self.token = found.group(1).decode()
        return status

    def post_form(self, path, fields):
        body = urlencode({"csrf_token": self.token, **fields}, doseq=True)
        return self._send("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def post_json(self, path, payload):
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.token}
        return self._send("POST", path, json.dumps(payload), headers)[0]

    def close(self):
        self.connection.close()

    def _send(self, method, path, body, headers):
        self.sent = f"{method} {path.split('?')[0]}"
        if self.cookies:
            headers = {**headers, "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            answer = response.read()
        except BaseException:
            self.connection.close()  # the next request starts on a fresh connection
            raise
        jar = SimpleCookie()
        for header in response.msg.get_all("Set-Cookie") or []:
            jar.load(header)
        self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return response.status, answer


@dataclass(frozen=True)
class Kind:
    name: str
    share: int  # requests of this kind per 100
    visit: str  # the Street method that makes one
    ok: frozenset  # what a good answer is
    refused: frozenset = frozenset()  # what the mix expects now and then (a full shift: 409)


# About two requests in three read (site, scan, API and shift pages); one in three writes.
MIX = (
    Kind("site page", 14, "site_page", frozenset({200})),
    Kind("home page", 5, "home_page", frozenset({200})),
    Kind("scan page", 18, "scan_page", frozenset({200})),
    Kind("API read", 14, "api_read", frozenset({200})),
    Kind("take, form", 16, "take_form", frozenset({303})),
    Kind("restock, form", 6, "restock_form", frozenset({303})),
    Kind("take or restock, JSON", 8, "write_json", frozenset({201})),
    Kind("form write sent twice", 2, "double_tap", frozenset({303})),
    Kind("shift page", 9, "shift_page", frozenset({200})),
    Kind("sign-up", 2, "sign_up", frozenset({303}), refused=frozenset({409})),
    Kind("care checklist page", 3, "care_page", frozenset({200})),
    Kind("care checklist post", 3, "care_post", frozenset({303})),
)


class Street:
    """Phones at the fridges: `visit` sends one request of a kind, on a phone that is free."""

    def __init__(self, base, targets, run_label):
        self.targets = targets
        self.run_label = run_label  # the start of every key this run sends
        self.phones = [Phone(base) for _ in range(PHONES)]
        self.free = list(self.phones)
        self.lock = threading.Lock()
        self.keys = 0
        self.accepted = {"movement": set(), "care record": set(), "sign-up": set()}

    def open(self):
        """Each phone opens a door label once: its cookie and CSRF token, as a scan would give."""
        for phone in self.phones:
            status = phone.get(f"/t/{self.targets.places[0].scan_code}")
            if status != 200 or not phone.token:
                raise RuntimeError(f"a phone could not open the scan page: {status}")

    def close(self):
        for phone in self.phones:
            phone.close()

    def visit(self, kind, due):
        late = time.monotonic() - due
        if late > TIMEOUT:
            return Outcome(kind.name, due, late, late, None, "not sent: the street backed up")
        phone = self._borrow()
        try:
            status = getattr(self, kind.visit)(phone)
            problem = phone.sent
        except (OSError, http.client.HTTPException) as error:
            status, problem = None, f"{phone.sent}: {type(error).__name__} {error}".strip()
        finally:
            self._give_back(phone)
        return Outcome(kind.name, due, time.monotonic() - due, late, status, problem)

    # The kinds of visit. Each returns the answer's status.

    def site_page(self, phone):
        return phone.get(f"/sites/{self._place().slug}")

    def home_page(self, phone):
        return phone.get("/")

    def scan_page(self, phone):
        place = self._place()
        if place.item_labels and random.random() < 0.3:
            return phone.get(f"/t/{random.choice(place.item_labels)[0]}")
        if random.random() < 0.3:
            return phone.get(f"/t/{place.scan_code}?item={random.choice(place.items)}")
        return phone.get(f"/t/{place.scan_code}")

    def api_read(self, phone):
        slug = self._place().slug
        path = random.choice(("/sites", f"/sites/{slug}", f"/sites/{slug}/stock", f"/sites/{slug}/needs",
                              "/items", "/shifts"))
        return phone.get("/api/v1" + path, {"Accept": "application/json"})

    def take_form(self, phone):
        return self._log_form(phone, "take", random.randint(1, 3))

    def restock_form(self, phone):
        fields = {}
        if random.random() < 0.5:
            fields["best_before"] = (date.today() + timedelta(days=random.randint(2, 30))).isoformat()
        return self._log_form(phone, "restock", random.randint(2, 12), **fields)

    def write_json(self, phone):
        """Half through the API, half as the offline outbox sends a queued tap."""
        place, key = self._place(), self._key()
        payload = {"key": key, "kind": random.choice(("take", "take", "restock")), "item": random.choice(place.items),
                   "quantity": random.randint(1, 4)}
        if random.random() < 0.5:
            status = phone.post_json(f"/api/v1/sites/{place.slug}/movements", payload)
        else:
            status = phone.post_json(f"/t/{place.scan_code}/log", {**payload, "quantity": str(payload["quantity"])})
        return self._accepted("movement", key, status, 201)

    def double_tap(self, phone):
        """The same form sent again, key and all: it must answer alike and apply once."""
        if phone.last_form is None:
            return self.take_form(phone)
        path, fields = phone.last_form
        return phone.post_form(path, fields)

    def shift_page(self, phone):
        choices = ["/shifts", f"/sites/{self._place().slug}/shifts"]
        if self.targets.shifts:
            choices.append(f"/shifts/{random.choice(self.targets.shifts)}")
        return phone.get(random.choice(choices))

    def sign_up(self, phone):
        key, name = self._key(), f"{random.choice(NAMES)} {random.randint(1, 9999)}"
        fields = {"key": key, "name": name}
        if random.random() < 0.5:
            fields["email"] = f"{key}@volunteers.example"
        if random.random() < 0.5:
            fields["show_name"] = "y"
        status = phone.post_form(f"/shifts/{random.choice(self.targets.shifts)}/sign-up", fields)
        return self._accepted("sign-up", key, status, 303)

    def care_page(self, phone):
        return phone.get(f"/care/{self._place().care_code}")

    def care_post(self, phone):
        key = self._key()
        ticked = [name for name in CHECKLIST if random.random() < 0.8]
        fields = {"key": key, "ticked": ticked, "reading": f"{random.uniform(1, 4.5):.1f}", "note": ""}
        status = phone.post_form(f"/care/{self._place().care_code}", fields)
        return self._accepted("care record", key, status, 303)

    # What the visits share.

    def _log_form(self, phone, kind, quantity, **extra):
        place, key = self._place(), self._key()
        if place.item_labels and random.random() < 0.3:
            code, item = random.choice(place.item_labels)
        else:
            code, item = place.scan_code, random.choice(place.items)
        path, fields = f"/t/{code}/log", {"key": key, "item": item, "kind": kind, "quantity": quantity, **extra}
        phone.last_form = (path, fields)
        return self._accepted("movement", key, phone.post_form(path, fields), 303)

    def _accepted(self, table, key, status, ok):
        if status == ok:
            with self.lock:
                self.accepted[table].add(key)
        return status

    def _place(self):
        return random.choice(self.targets.places)

    def _key(self):
        with self.lock:
            self.keys += 1
            return f"{self.run_label}-{self.keys}"

    def _borrow(self):
        with self.lock:
            return self.free.pop()

    def _give_back(self, phone):
        with self.lock:
            self.free.append(phone)

