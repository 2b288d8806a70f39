"""The rate limits, through the test client with per-process (memory://) counts and small
limits set in config: a write over its limit is refused in words or in JSON with a Retry-After
and writes nothing; one bucket per kind of write, whichever door it comes through; reads are
never limited; the address is the proxy's X-Forwarded-For only when PROXIES says so; a
storage that is down serves everyone; and the default limits let a busy shared wifi through."""
import contextvars
import logging
import re
import socket
import threading
import time
import uuid
from datetime import date, time as clock, timedelta

import pytest
from sqlalchemy import func, select

from pantry import create_app, security
from pantry.care.models import CareRecord
from pantry.clock import deployment_zone
from pantry.config import Defaults
from pantry.coordinators import invitations
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow
from pantry.extensions import db
from pantry.shifts import planning, signups
from pantry.shifts.models import Shift, SignUp
from pantry.stock import ledger
from pantry.stock.models import Stock
from pantry.tags.rules import issue_tag
from tests.books import movements
from tests.conftest import (
    PASSWORD,
    BrowserClient,
    cheap_hash,
    csrf_token,
    key,
    settings,
)
from tests.live import free_port

TOO_MANY = "A lot has been sent from this connection just now."
HIGH = "10000 per minute"


def steer_clear_of_the_minute_edge(margin=2.0):
    """Counts live in windows aligned to the clock: a test that crosses into the next minute
    sees part of its count forgiven (the sliding window), so start well inside one."""
    into = time.time() % 60
    if into > 60 - margin:
        time.sleep(60 - into + 0.05)


@pytest.fixture
def limited(app, database_url):
    """limited(**config) -> a test client of an app with the limits on, on the test's database.
    Made after the `app` fixture's app: Flask-Limiter is one object per process, and the last
    app made sets whether it is on, and its storage (a fresh memory:// count each time)."""
    made = []

    def make(**config):
        limits = {name: HIGH for name in (
            "LIMIT_LOGS", "LIMIT_CARE", "LIMIT_SIGN_UPS", "LIMIT_PRIVATE_LINKS", "LIMIT_SIGN_IN", "LIMIT_SIGN_IN_EMAIL",
        )}
        limited_app = create_app(settings(database_url, **{
            "RATE_LIMITS": True, "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_KEY_PREFIX": "test-" + uuid.uuid4().hex, **limits, **config,
        }))
        limited_app.test_client_class = BrowserClient
        # ...and whether its storage was found dead (a test of Redis down leaves that behind).
        security.limiter._storage_dead = False
        made.append(limited_app)
        steer_clear_of_the_minute_edge()
        return limited_app.test_client()

    yield make
    for limited_app in made:
        with limited_app.app_context():
            db.engine.dispose()


@pytest.fixture
def fridge(session, make_site, make_item):
    """A fridge with 200 cans of beans, its site label and its cleaning label."""
    site = make_site("Corner Fridge")
    beans = make_item("Canned beans")
    ledger.restock(session, site.id, beans.id, 200, key(), utcnow(), best_before=date(2027, 3, 1))
    site_tag = issue_tag(session, site, "site", utcnow())
    care_tag = issue_tag(session, site, "care", utcnow())
    session.commit()
    return {"site": site, "beans": beans.id, "code": site_tag.code, "care": care_tag.code}


@pytest.fixture
def shift(session, fridge):
    day = utcnow().astimezone(deployment_zone()).date() + timedelta(days=3)
    made = planning.add_shift(session, fridge["site"], "cleaning", day, clock(9), clock(9, 30), 10, utcnow(),
                              deployment_zone())
    session.commit()
    return made.id


@pytest.fixture
def coordinator(session):
    person = Coordinator(email="ada@example.org", name="Ada",
                         password_hash=cheap_hash(PASSWORD))
    session.add(person)
    session.commit()
    return person




def beans_left(session, fridge):
    session.rollback()
    return session.scalar(select(Stock.quantity).where(Stock.item_id == fridge["beans"]))


def retry_after(answer, most=60):
    seconds = answer.headers["Retry-After"]
    assert seconds.isdigit(), seconds
    assert 1 <= int(seconds) <= most, seconds
    return int(seconds)


def refused_in_words(answer):
    assert answer.status_code == 429
    assert answer.mimetype == "text/html"
    assert TOO_MANY in answer.text
    retry_after(answer)


def refused_in_json(answer):
    assert answer.status_code == 429
    assert answer.mimetype == "application/json"
    assert answer.json["code"] == "too_many_requests"
    assert TOO_MANY in answer.json["message"]
    retry_after(answer)


# The three doors a take comes through: the label's form, the offline outbox (JSON), the API.
def form_take(client, fridge, token, **extra):
    data = {"csrf_token": token, "key": key(), "kind": "take", "item": fridge["beans"], "quantity": 1}
    return client.post(f"/t/{fridge['code']}/log", data=data, **extra)


def outbox_take(client, fridge, token, **extra):
    body = {"key": key(), "kind": "take", "item": fridge["beans"], "quantity": 1}
    return client.post(f"/t/{fridge['code']}/log", json=body, headers={"X-CSRFToken": token}, **extra)


def api_take(client, fridge, token, **extra):
    body = {"key": key(), "kind": "take", "item": fridge["beans"], "quantity": 1}
    return client.post("/api/v1/sites/corner-fridge/movements", json=body, headers={"X-CSRFToken": token}, **extra)


DOORS = {
    "form": (form_take, 303, refused_in_words),
    "outbox": (outbox_take, 201, refused_in_json),
    "api": (api_take, 201, refused_in_json),
}


def scan_token(client, fridge, **extra):
    page = client.get(f"/t/{fridge['code']}", **extra)
    assert page.status_code == 200
    return csrf_token(page.text)


@pytest.mark.parametrize("door", list(DOORS))
def test_a_take_over_the_limit_is_refused_with_retry_after_and_writes_nothing(limited, session, fridge, door):
    client = limited(LIMIT_LOGS="3 per minute")
    send, accepted, refused = DOORS[door]
    token = scan_token(client, fridge)
    assert [send(client, fridge, token).status_code for _ in range(3)] == [accepted] * 3
    before = movements(session)
    refused(send(client, fridge, token))
    assert movements(session) == before
    assert beans_left(session, fridge) == 197


def test_the_doors_and_undo_share_one_bucket(limited, session, fridge):
    client = limited(LIMIT_LOGS="4 per minute")
    token = scan_token(client, fridge)
    assert form_take(client, fridge, token).status_code == 303
    assert outbox_take(client, fridge, token).status_code == 201
    assert api_take(client, fridge, token).status_code == 201
    page = client.get(f"/t/{fridge['code']}").text
    movement_id = re.search(r'name="movement" value="(\d+)"', page).group(1)

    def undo():
        return client.post(f"/t/{fridge['code']}/undo",
                           data={"csrf_token": token, "key": key(), "movement": movement_id})

    assert undo().status_code == 303  # the fourth write
    assert beans_left(session, fridge) == 198
    before = movements(session)
    refused_in_words(form_take(client, fridge, token))
    refused_in_json(outbox_take(client, fridge, token))
    refused_in_json(api_take(client, fridge, token))
    refused_in_words(undo())
    assert movements(session) == before
    assert beans_left(session, fridge) == 198


def test_reads_are_never_limited(limited, session, fridge, shift):
    one = "1 per minute"
    client = limited(LIMIT_LOGS=one, LIMIT_CARE=one, LIMIT_SIGN_UPS=one, LIMIT_PRIVATE_LINKS=one,
                     LIMIT_SIGN_IN=one, LIMIT_SIGN_IN_EMAIL=one)
    token = scan_token(client, fridge)
    assert form_take(client, fridge, token).status_code == 303
    assert form_take(client, fridge, token).status_code == 429  # the writes are spent
    reads = [
        "/", "/sites/corner-fridge", f"/t/{fridge['code']}", f"/t/{fridge['code']}?item={fridge['beans']}",
        f"/care/{fridge['care']}", "/shifts", f"/shifts/{shift}", "/sites/corner-fridge/shifts",
        "/admin/sign-in", "/api/v1/sites", "/api/v1/sites/corner-fridge", "/api/v1/sites/corner-fridge/stock",
        "/api/v1/sites/corner-fridge/needs", "/api/v1/items", "/api/v1/shifts", "/api/v1/csrf-token",
    ]
    statuses = {path: {client.get(path).status_code for _ in range(4)} for path in reads}
    assert statuses == {path: {200} for path in reads}


def test_an_app_wide_limit_a_deployment_sets_still_holds(limited, session, fridge):
    """Pantry drops Flask-Limiter's check of app-wide limits before every view (it sets none);
    a deployment that sets them (PANTRY_RATELIMIT_DEFAULT) keeps the check, and its limit holds."""
    client = limited(RATELIMIT_DEFAULT="2 per minute")
    try:
        assert [client.get("/sites/corner-fridge").status_code for _ in range(3)] == [200, 200, 429]
    finally:  # the one Limiter of the process keeps default limits for every app made after
        security.limiter.limit_manager.set_default_limits([])


def sign_up(client, shift_id, name):
    page = client.get(f"/shifts/{shift_id}")
    form_key = re.search(r'name="key" value="([0-9a-f]{32})"', page.text).group(1)
    return client.post(f"/shifts/{shift_id}/sign-up",
                       data={"csrf_token": csrf_token(page.text), "key": form_key, "name": name})


def places(session, shift_id):
    session.rollback()
    live = session.scalar(select(func.count()).select_from(SignUp)
                          .where(SignUp.shift_id == shift_id, SignUp.cancelled_at.is_(None)))
    return live, session.get(Shift, shift_id).taken


def test_sign_ups_are_limited(limited, session, shift):
    client = limited(LIMIT_SIGN_UPS="2 per minute")
    assert [sign_up(client, shift, name).status_code for name in ("Ana", "Bo")] == [303, 303]
    refused_in_words(sign_up(client, shift, "Cy"))
    assert places(session, shift) == (2, 2)


def test_private_links_share_a_limit_and_a_refused_cancel_or_welcome_writes_nothing(limited, session, shift):
    token = key()
    signups.sign_up(session, shift, "Ana", "ana@example.org", None, True, key(), token, utcnow())
    _, link = invitations.invite(session, "bea@example.org", "Bea", utcnow(), "https://pantry.example",
                                 days=7, invited_by="ada@example.org")
    session.commit()
    welcome = link.removeprefix("https://pantry.example")
    client = limited(LIMIT_PRIVATE_LINKS="4 per minute")

    manage = client.get(f"/sign-ups/{token}")  # 1
    assert manage.status_code == 200
    assert client.get(f"/sign-ups/{key()}").status_code == 404  # 2: guessing counts too
    assert client.get("/admin/welcome/not-a-real-token").status_code == 404  # 3
    page = client.get(welcome)  # 4
    assert page.status_code == 200

    cancel = client.post(f"/sign-ups/{token}/cancel", data={"csrf_token": csrf_token(manage.text)})
    refused_in_words(cancel)
    assert places(session, shift) == (1, 1)
    chosen = "a fine long password"
    password = {"csrf_token": csrf_token(page.text), "password": chosen, "confirm": chosen}
    refused_in_words(client.post(welcome, data=password))
    session.rollback()
    assert session.scalar(select(Coordinator.password_hash).where(Coordinator.email == "bea@example.org")) is None
    for path in (f"/sign-ups/{token}", f"/sign-ups/{token}/shift.ics", welcome):
        refused_in_words(client.get(path))


def test_the_care_checklist_and_past_date_removals_are_limited(limited, session, fridge):
    client = limited(LIMIT_CARE="2 per minute")
    page = client.get(f"/care/{fridge['care']}")
    token = csrf_token(page.text)

    def checklist():
        return client.post(f"/care/{fridge['care']}", data={
            "csrf_token": token, "key": key(), "ticked": ["shelves"], "reading": "3", "note": ""})

    assert [checklist().status_code for _ in range(2)] == [303, 303]
    refused_in_words(checklist())
    discard = {"csrf_token": token, "key": key(), "batch": "1", "quantity": "1"}
    before = movements(session)
    refused_in_words(client.post(f"/care/{fridge['care']}/discard", data=discard))
    assert movements(session) == before
    assert session.scalar(select(func.count()).select_from(CareRecord)) == 2
    assert client.get(f"/care/{fridge['care']}").status_code == 200  # the checklist still opens


def sign_in(client, email, password, address):
    where = {"environ_base": {"REMOTE_ADDR": address}}
    token = csrf_token(client.get("/admin/sign-in", **where).text)
    return client.post("/admin/sign-in", data={"csrf_token": token, "email": email, "password": password}, **where)


def test_sign_in_is_limited_per_address(limited, coordinator):
    client = limited(LIMIT_SIGN_IN="3 per minute")
    tries = [sign_in(client, f"guess{n}@example.org", "wrong password", "198.51.100.7").status_code for n in range(3)]
    assert tries == [422] * 3
    refused_in_words(sign_in(client, "ada@example.org", PASSWORD, "198.51.100.7"))  # even the right password
    assert client.get("/admin/").status_code == 302  # not signed in
    assert sign_in(client, "ada@example.org", PASSWORD, "198.51.100.8").status_code == 303  # another address


def sign_in_json(client, email, password, address):
    where = {"environ_base": {"REMOTE_ADDR": address}}
    token = csrf_token(client.get("/admin/sign-in", **where).text)
    return client.post("/admin/sign-in", json={"email": email, "password": password},
                       headers={"X-CSRFToken": token}, **where)


def test_sign_in_failures_are_limited_per_email_from_any_address(limited, coordinator):
    client = limited(LIMIT_SIGN_IN_EMAIL="3 per minute")
    tries = [sign_in(client, "ada@example.org", "wrong password", f"203.0.113.{n}").status_code for n in (1, 2, 3)]
    assert tries == [422] * 3
    # An address that failed, with the email written differently, does not get round it.
    refused_in_words(sign_in(client, "  ADA@Example.org ", "wrong password", "203.0.113.3"))
    refused_in_words(sign_in(client, "ada@example.org", PASSWORD, "203.0.113.2"))
    assert client.get("/admin/").status_code == 302
    assert sign_in(client, "bea@example.org", "wrong password", "203.0.113.3").status_code == 422  # another email
    # A fresh address gets one try: a wrong one, and its next answer is 429.
    assert sign_in(client, "ada@example.org", "wrong password", "203.0.113.50").status_code == 422
    refused_in_words(sign_in(client, "ada@example.org", "another guess", "203.0.113.50"))


def test_guessing_never_keeps_the_coordinator_out(limited, coordinator):
    """Ten wrong tries from anywhere used to make the real password answer 429 for ten minutes.
    Only failures count, and an address without failures at the email still signs in."""
    client = limited(LIMIT_SIGN_IN_EMAIL="3 per 10 minutes")
    for n in range(6):
        sign_in(client, "ada@example.org", f"guess {n}", f"198.51.100.{n}")
    assert sign_in(client, "ada@example.org", PASSWORD, "192.0.2.44").status_code == 303
    assert client.get("/admin/").status_code == 200


def test_the_per_email_limit_holds_for_a_json_sign_in(limited, coordinator):
    """It used to read only a form body: every JSON sign-in shared one bucket, keyed by no email."""
    client = limited(LIMIT_SIGN_IN_EMAIL="3 per minute")
    tries = [sign_in_json(client, "ada@example.org", "wrong password", "203.0.113.1").status_code for _ in range(3)]
    assert tries == [422] * 3
    refused_in_json(sign_in_json(client, "ada@example.org", PASSWORD, "203.0.113.1"))
    assert sign_in_json(client, "bea@example.org", "wrong password", "203.0.113.1").status_code == 422


def forwarded(address):
    return {"headers": {"X-Forwarded-For": address}}


def test_behind_a_proxy_each_client_has_its_own_bucket(limited, session, fridge):
    client = limited(PROXIES=1, LIMIT_LOGS="2 per minute")
    token = scan_token(client, fridge)
    first, second = forwarded("192.0.2.10"), forwarded("192.0.2.20")
    assert [form_take(client, fridge, token, **first).status_code for _ in range(2)] == [303, 303]
    refused_in_words(form_take(client, fridge, token, **first))
    # A client may send its own X-Forwarded-For; the proxy appends the address it saw, the one that counts.
    refused_in_words(form_take(client, fridge, token, headers={"X-Forwarded-For": "192.0.2.99, 192.0.2.10"}))
    assert [form_take(client, fridge, token, **second).status_code for _ in range(2)] == [303, 303]
    refused_in_words(form_take(client, fridge, token, **second))
    assert beans_left(session, fridge) == 196


def test_an_ipv6_client_is_its_slash_64(limited, session, fridge):
    """A phone gets a whole /64: the addresses in it are one client; another /64 is another."""
    client = limited(LIMIT_LOGS="2 per minute")
    token = scan_token(client, fridge)

    def take_from(address):
        return form_take(client, fridge, token, environ_base={"REMOTE_ADDR": address}).status_code

    assert [take_from("2001:db8:1:2::1"), take_from("2001:db8:1:2:ffff::9")] == [303, 303]
    assert take_from("2001:db8:1:2:abcd:ef01:2345:6789") == 429
    assert take_from("2001:db8:1:3::1") == 303
    assert [take_from("192.0.2.1"), take_from("::ffff:192.0.2.1"), take_from("192.0.2.1")] == [303, 303, 429]
    assert take_from("192.0.2.2") == 303  # IPv4 counts by address


def test_without_proxies_x_forwarded_for_cannot_dodge_the_limit(limited, session, fridge):
    client = limited(PROXIES=0, LIMIT_LOGS="2 per minute")
    token = scan_token(client, fridge)
    statuses = [form_take(client, fridge, token, **forwarded(f"192.0.2.{n}")).status_code for n in range(1, 6)]
    assert statuses == [303, 303, 429, 429, 429]
    assert beans_left(session, fridge) == 198


def test_an_unreachable_redis_still_limits_each_process_and_never_fails(limited, session, fridge, caplog):
    """RATELIMIT_IN_MEMORY_FALLBACK_ENABLED: with Redis gone, each process counts on its own
    (as with memory://) until Redis answers again; nobody gets a 500."""
    closed = free_port()  # nothing listens there
    client = limited(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed}", LIMIT_LOGS="2 per minute")
    token = scan_token(client, fridge)
    with caplog.at_level(logging.WARNING):
        statuses = [send(client, fridge, token).status_code for send, _, _ in DOORS.values() for _ in range(2)]
    assert statuses == [303, 303, 429, 429, 429, 429]
    assert beans_left(session, fridge) == 198
    assert "storage unreachable" in caplog.text.lower()  # the operator hears of it


def test_the_default_limits_let_a_busy_shared_wifi_log_100_takes_in_a_minute(limited, session, fridge):
    client = limited(LIMIT_LOGS=Defaults.LIMIT_LOGS)
    assert Defaults.LIMIT_LOGS.startswith("120 per minute")
    phones = [client.application.test_client() for _ in range(10)]  # one address, ten phones
    tokens = [scan_token(phone, fridge) for phone in phones]
    started = time.monotonic()
    statuses = [form_take(phone, fridge, token).status_code for _ in range(10) for phone, token in zip(phones, tokens)]
    assert time.monotonic() - started < 60
    assert statuses == [303] * 100
    assert beans_left(session, fridge) == 100


def test_a_redis_that_stops_answering_delays_a_take_by_a_moment_at_most(limited, session, fridge, caplog):
    silent = socket.socket()  # accepts connections (the kernel's backlog) and never says a word
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    with silent:
        client = limited(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{silent.getsockname()[1]}")
        token = scan_token(client, fridge)
        answers = []
        here = contextvars.copy_context()  # the test's app context, for BrowserClient's commit
        waiting = threading.Thread(
            target=lambda: answers.append(here.run(form_take, client, fridge, token).status_code), daemon=True)
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            waiting.start()
            waiting.join(timeout=10)
        took = time.monotonic() - started
    assert answers == [303], f"no answer after {took:.1f} s"
    assert took < 5  # RATELIMIT_STORAGE_OPTIONS: a second to connect, a second to answer
    assert beans_left(session, fridge) == 199
    assert "rate limit" in caplog.text.lower()
