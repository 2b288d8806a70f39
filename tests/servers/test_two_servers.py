"""Two servers behind one balancer, sharing one PostgreSQL and one Redis, as a bigger network
runs Pantry: a thousand takes over both lose nothing and apply each key once; sign-ups from
both never overbook; reminder runs on both mail each reminder once; and one address's rate
limit is counted once across both servers (per server it would let twice as much through)."""
import os
import subprocess
import sys
import threading
import uuid
from collections import Counter
from contextlib import ExitStack
from datetime import date, time as hour_of_day, timedelta

import pytest
import redis
from sqlalchemy import func, select

from pantry.clock import deployment_zone
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow
from pantry.shifts import planning, signups
from pantry.shifts.models import Reminder, Shift, SignUp
from pantry.stock import ledger
from pantry.stock.audit import discrepancies
from pantry.stock.models import Movement, Stock
from pantry.tags.rules import issue_tag
from tests.conftest import POSTGRES_URL, key
from tests.live import ROOT, environment, gunicorn, new_key, phones
from tests.mailbox import mailbox  # noqa: F401  (the fixture)
from tests.security.test_rate_limits import steer_clear_of_the_minute_edge
from tests.test_concurrency import run_together
from tests.test_reminders import add_shift, take_place

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not POSTGRES_URL, reason=(
        "two servers share PostgreSQL: runs on the suite's PostgreSQL leg (set PANTRY_TEST_DATABASE_URL)")),
]
REDIS_URL = os.environ.get("PANTRY_TEST_REDIS_URL", "redis://127.0.0.1:6379")
PREFIX = "test-servers-" + uuid.uuid4().hex  # Redis is shared by everyone on the machine
LINKS_PER_MINUTE = 10
# Logs and sign-ups come in thousands from one loopback address here: limited, but far above that.
SERVER_SETTINGS = {
    "RATE_LIMITS": True,
    "RATELIMIT_STORAGE_URI": REDIS_URL,
    "RATELIMIT_KEY_PREFIX": PREFIX,
    "LIMIT_LOGS": "1000000 per day",
    "LIMIT_SIGN_UPS": "1000000 per day",
    "LIMIT_PRIVATE_LINKS": f"{LINKS_PER_MINUTE} per minute",
    "PROXIES": 1,  # behind the balancer: X-Forwarded-For is the client
    "BASE_URL": "https://pantry.example",
    "TIMEZONE": "America/New_York",
}

ITEMS = 20
SHORT = range(15, 20)  # items restocked with less than will be taken
SHORT_BY = 24  # of the 72 each item is asked for
# 48 takes of each item from 16 threads on 4 processes: enough to lose some at once without the row's
# lock (tried: a take that writes back the quantity it read lost some), a quarter of the 4000 it was;
# a multiple of 2 x THREADS, so each server gets half of the first sends.
TAKES = 960
THREADS = 16
RETRY_EVERY = 10  # every tenth take is sent again, with its key, to the other server


@pytest.fixture(scope="module")
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is missing ({error}): CI must run this test (.ci/run starts Redis)")
        pytest.skip(f"no Redis at {REDIS_URL} ({error}): two servers share their rate limits through it")
    yield REDIS_URL
    store = redis.Redis.from_url(REDIS_URL)
    for name in store.scan_iter(match=f"*{PREFIX}*"):
        store.delete(name)


@pytest.fixture(scope="module")
def servers(database_url, schema, redis_url):
    """Two gunicorn servers (2 workers x 4 threads each) on the same PostgreSQL and Redis: their ports."""
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn(database_url, workers=2, threads=4, **SERVER_SETTINGS))
               for _ in range(2)]


def redis_count(client, scope):
    """Hits counted in Redis for one limit's bucket, over its current and previous windows."""
    store = redis.Redis.from_url(REDIS_URL)
    return sum(int(store.get(name) or 0) for name in store.scan_iter(match=f"*/{PREFIX}/{client}/{scope}/*"))


def test_a_thousand_takes_over_two_servers_are_exact(servers, session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    items = [make_item(f"Item {n:02d}") for n in range(ITEMS)]
    wanted = Counter()
    plan = []  # (take number, item id, quantity)
    for number in range(TAKES):
        item = items[number % ITEMS]
        quantity = 1 + (number // ITEMS) % 2
        plan.append((number, item.id, quantity))
        wanted[item.id] += quantity
    restocked = {}
    for index, item in enumerate(items):
        # Enough for most, with 20 to spare; SHORT_BY short for the last five.
        restocked[item.id] = wanted[item.id] + (-SHORT_BY if index in SHORT else 20)
        ledger.restock(session, fridge.id, item.id, restocked[item.id], key(), utcnow(), best_before=date(2027, 1, 1))
    code = issue_tag(session, fridge, "site", utcnow()).code
    session.commit()
    api = f"/api/v1/sites/{fridge.slug}/movements"

    statuses = Counter()
    lock = threading.Lock()
    with ExitStack() as stack:
        browsers = [stack.enter_context(phones(port, THREADS, f"/t/{code}")) for port in servers]

        def send(phone, door, take_key, item_id, quantity):
            if door == "api":
                return phone.post_json(api, {"key": take_key, "kind": "take", "item": item_id, "quantity": quantity})
            return phone.post(f"/t/{code}/log", key=take_key, kind="take", item=item_id, quantity=quantity)

        def take_share(thread):  # this thread's phone on each server is its own
            for number, item_id, quantity in plan[thread::THREADS]:
                take_key = new_key()
                server = (number // THREADS) % 2
                door = "api" if number % 4 == 3 else "form"  # a quarter through the API, the rest by the form
                sent = [(server, door, "first")]
                if number % RETRY_EVERY == 3:  # its answer was lost: sent again, to the other server and door
                    sent.append((1 - server, "form" if door == "api" else "api", "again"))
                seen = [(*where, send(browsers[where[0]][thread], where[1], take_key, item_id, quantity))
                        for where in sent]
                with lock:
                    statuses.update(seen)

        run_together(take_share, THREADS)

    print("\ntakes answered (server, door, first/again, status):", dict(sorted(statuses.items())))
    assert all(status == {"form": 303, "api": 201}[door] for (_, door, _, status) in statuses)
    assert sum(statuses.values()) == TAKES + TAKES // RETRY_EVERY
    for server in (0, 1):
        assert sum(n for (s, _, when, _), n in statuses.items() if s == server and when == "first") == TAKES // 2

    session.rollback()
    takes = {item_id: (count, asked, moved) for item_id, count, asked, moved in session.execute(
        select(Movement.item_id, func.count(), func.sum(Movement.quantity), func.sum(Movement.delta))
        .where(Movement.kind == "take").group_by(Movement.item_id))}
    stock = {row.item_id: row for row in session.scalars(select(Stock).where(Stock.site_id == fridge.id))}
    for index, item in enumerate(items):
        count, asked, moved = takes[item.id]
        assert (count, asked) == (TAKES // ITEMS, wanted[item.id]), item.name  # each key applied once
        if index in SHORT:  # a take beyond the stock is never refused: the count goes to 0 and looks off
            assert (moved, stock[item.id].quantity, stock[item.id].count_looks_off) == (-restocked[item.id], 0, True)
        else:
            assert (moved, stock[item.id].quantity, stock[item.id].count_looks_off) == (-wanted[item.id], 20, False)
    assert discrepancies(session) == []
    # Every log request was counted once in the one shared bucket, whichever of the four processes took it.
    assert redis_count("127.0.0.1", "logs") == TAKES + TAKES // RETRY_EVERY


def test_sign_ups_from_both_servers_never_overbook(servers, session, make_site):
    fridge = make_site("Corner Fridge")
    day = utcnow().date() + timedelta(days=3)
    capacities = [1, 3, 6]
    shift_ids = []
    for hour, capacity in zip((9, 11, 13), capacities):
        shift = planning.add_shift(session, fridge, "cleaning", day, hour_of_day(hour), hour_of_day(hour, 30),
                                   capacity, utcnow(), deployment_zone())
        shift_ids.append(shift.id)
    session.commit()
    per_server = 12
    statuses = Counter()
    lock = threading.Lock()

    with ExitStack() as stack:
        browsers = [phone for port in servers
                    for phone in stack.enter_context(phones(port, per_server, f"/shifts/{shift_ids[0]}"))]

        def press_sign_up(index):
            # Each phone tries every shift, starting from a different one.
            for turn in range(len(shift_ids)):
                shift_id = shift_ids[(index + turn) % len(shift_ids)]
                status = browsers[index].post(f"/shifts/{shift_id}/sign-up", key=new_key(),
                                              name=f"Volunteer {index}", email=f"v{index}@example.org")
                with lock:
                    statuses[(shift_id, index // per_server, status)] += 1

        run_together(press_sign_up, len(browsers))

    print("\nsign-ups answered (shift, server, status):", dict(sorted(statuses.items())))
    session.rollback()
    for shift_id, capacity in zip(shift_ids, capacities):
        accepted = sum(statuses[(shift_id, server, 303)] for server in (0, 1))
        refused = sum(statuses[(shift_id, server, 409)] for server in (0, 1))
        assert (accepted, refused) == (capacity, 2 * per_server - capacity)
        live = session.scalar(select(func.count()).select_from(SignUp)
                              .where(SignUp.shift_id == shift_id, SignUp.cancelled_at.is_(None)))
        assert (session.get(Shift, shift_id).taken, live) == (capacity, capacity)
    assert sum(statuses.values()) == 2 * per_server * len(shift_ids)


def test_reminder_runs_on_both_servers_at_once_mail_each_reminder_once(database_url, session, make_site, mailbox):
    session.add_all([Coordinator(email="ada@example.org", password_hash="x"),
                     Coordinator(email="cal@example.org", password_hash="x")])
    fridge = make_site("Corner Fridge", address="12 Elm St")
    volunteers = []
    for hour in range(12):
        shift = add_shift(session, fridge, 2 + hour, 4)  # 3 of 4 places taken: short, so coordinators hear
        for person in ("a", "b", "c"):
            volunteers.append(f"{person}{hour}@example.org")
            take_place(session, shift, f"Volunteer {person}{hour}", volunteers[-1])
    session.commit()
    mailbox.delay = 0.02  # a slow mail server keeps both runs busy at once
    mail = {"MAIL_SERVER": mailbox.host, "MAIL_PORT": mailbox.port}
    command = [sys.executable, "-m", "flask", "--app", "pantry", "pantry", "send-reminders"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=environment(database_url, **SERVER_SETTINGS, **mail),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    print("\nreminder runs:", [out.strip() for out, _ in outputs])

    received = Counter(message["To"] for message in mailbox.messages)
    assert received == Counter(volunteers + ["ada@example.org", "cal@example.org"]), outputs
    session.expire_all()
    sent = session.scalar(select(func.count()).select_from(Reminder).where(Reminder.sent_at.is_not(None)))
    assert sent == len(volunteers) + 12  # one per volunteer, one per short shift


@pytest.fixture
def manage_link(session, make_site):
    """The private link of a sign-up: a limited page (LIMIT_PRIVATE_LINKS) that writes nothing."""
    fridge = make_site("Corner Fridge")
    day = utcnow().date() + timedelta(days=3)
    shift = planning.add_shift(session, fridge, "cleaning", day, hour_of_day(9), hour_of_day(9, 30), 2, utcnow(),
                               deployment_zone())
    session.flush()
    token = key()
    signups.sign_up(session, shift.id, "Ana", None, None, True, key(), token, utcnow())
    session.commit()
    return f"/sign-ups/{token}"


def open_alternately(ports, path, times, address):
    """One person behind the balancer opens `path` `times` times, the balancer alternating servers."""
    steer_clear_of_the_minute_edge(margin=5)
    answers = Counter()
    with ExitStack() as stack:
        browsers = [stack.enter_context(phones(port, 1, "/shifts"))[0] for port in ports]
        for turn in range(times):
            status, _ = browsers[turn % 2].get(path, headers={"X-Forwarded-For": address})
            answers[(turn % 2, status)] += 1
    return answers


def accepted(answers):
    return answers[(0, 200)] + answers[(1, 200)]


def test_a_rate_limit_is_counted_once_across_both_servers(servers, manage_link):
    answers = open_alternately(servers, manage_link, 3 * LINKS_PER_MINUTE, "198.51.100.23")
    print("\nmanage link via Redis, one address, alternating servers (server, status):", dict(sorted(answers.items())))
    assert accepted(answers) == LINKS_PER_MINUTE
    assert answers[(0, 429)] + answers[(1, 429)] == 2 * LINKS_PER_MINUTE
    assert answers[(0, 200)] and answers[(1, 200)]  # both servers served some
    assert redis_count("198.51.100.23", "private-links") == LINKS_PER_MINUTE  # refused requests are not counted


def test_with_counts_kept_per_process_each_server_lets_the_limit_through(database_url, manage_link):
    """The contrast, and why several servers need Redis: memory:// counts per process."""
    apart = {**SERVER_SETTINGS, "RATELIMIT_STORAGE_URI": "memory://"}
    with ExitStack() as stack:
        ports = [stack.enter_context(gunicorn(database_url, workers=1, threads=4, **apart)) for _ in range(2)]
        answers = open_alternately(ports, manage_link, 3 * LINKS_PER_MINUTE, "198.51.100.24")
    print("\nmanage link via memory://, alternating servers (server, status):", dict(sorted(answers.items())))
    assert (answers[(0, 200)], answers[(1, 200)]) == (LINKS_PER_MINUTE, LINKS_PER_MINUTE)

