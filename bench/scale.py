"""`make bench-scale`: the pages of a network of a thousand fridges, each beside the same page of a
network of ten, measured in the same run in alternating rounds; and what each public page weighs.

Both networks are bench/city.py's, the small one the same network at 10 sites (as much history
and as many shifts per site). They are kept between runs, keyed by the seed's version and size:
SQLite files in bench/cache/, or, when PANTRY_BENCH_DATABASE_URL names a PostgreSQL database, one
schema per network in it. A kept seed older than KEEP_DAYS is seeded again (its last weeks, which
the charts and the dashboard read, would be empty). Settings, from the environment:
PANTRY_BENCH_MOVEMENTS (the ledger's length at 1,000 sites; 10,000,000 on PostgreSQL, 1,000,000 on
SQLite), PANTRY_BENCH_RESEED=1 (seed again whatever is kept). Written to bench/results/scale.txt."""
import http.client
import math
import os
import secrets
import sqlite3
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import city
import load
import servers
import weight
from run import Row, _form_session, alternate, render, step, weight_row
from servers import serving
from sqlalchemy import create_engine, text

from pantry import create_app
from pantry.config import psycopg_url as driver_url
from pantry.extensions import db
from pantry.stock.audit import discrepancies

HERE = Path(__file__).resolve().parent
RESULTS, CACHE = HERE / "results", HERE / "cache"
SMALL = 10  # sites of the network each figure is measured against
GOAL = 1.3
KEEP_DAYS = 3
DURATION = "5s"  # of each latency run, one connection, after load.WARM_UP
servers.START_SECONDS = 120  # a first answer from a big network on a shared machine can be slow
weight.TIMEOUT = 300
SEARCH = "/find?q=milk"
NEAR = "/find?q=milk&lat=40.70&lon=-73.95"


def main():
    load.ensure_wrk()
    started = time.monotonic()
    postgres = os.environ.get("PANTRY_BENCH_DATABASE_URL")
    # SQLite's default is what it seeds in under 3 minutes on this shared 2-core machine: 1,000,000 took
    # 84 to 91 s at a load average of 9 to 10, 2,000,000 took 403 s at 13 to 15 (2026-12-03).
    movements = int(os.environ.get("PANTRY_BENCH_MOVEMENTS") or (10_000_000 if postgres else 1_000_000))
    big = city.Size(movements=movements)
    networks = [Network(size, postgres) for size in (big, big.at(SMALL))]
    for network in networks:
        network.ready()
    rows, notes = measure(*networks)
    where = "PostgreSQL " + urlsplit(postgres).path.lstrip("/") if postgres else "SQLite files, WAL, Pantry's pragmas"
    setup = (f"gunicorn -w {servers.WORKERS} (sync) on 127.0.0.1; {where}; every page rendered every time "
             f"(PAGE_CACHE_SECONDS=0); latency p50 of wrk -t1 -c1 -d{DURATION} (longer for a slow page: eight answers, at most 60 s) after a {load.WARM_UP} warm-up, "
             "best of 2 rounds, the two networks alternating; (n): the requests of the best round")
    table = render(rows, notes + [network.note for network in networks], time.monotonic() - started,
                   title="Pantry bench at scale", setup=setup)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.txt").write_text(table + "\n")


class Network:
    """One city's network in its own database (SQLite) or schema (PostgreSQL), seeded once."""

    def __init__(self, size, postgres=None):
        self.size = size
        self.name = f"city_{size.sites}"
        if postgres:
            self.url = driver_url(postgres) + ("&" if "?" in postgres else "?") + f"options={quote('-csearch_path=' + self.name)}"
            self.server = driver_url(postgres)
        else:
            CACHE.mkdir(exist_ok=True)
            self.file = CACHE / f"{self.name}.db"
            self.url = f"sqlite:///{self.file}"
        self.postgres = bool(postgres)
        self.note = ""

    def ready(self):
        kept = None if os.environ.get("PANTRY_BENCH_RESEED") else self._kept()
        if kept is not None and datetime.now(UTC) - kept < timedelta(days=KEEP_DAYS):
            self.note = f"{self.size.sites:,} sites: kept seed {self.size.key} of {kept:%Y-%m-%d %H:%M} UTC"
            self._add_new_indexes()
            return
        step(f"seeding {self.size.sites:,} sites, {self.size.movements:,} movements ({self.size.key})")
        began = time.monotonic()
        self._empty()
        app = create_app({"SQLALCHEMY_DATABASE_URI": self.url, "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            city.seed(db.session, self.size, datetime.now(UTC))
            problems = discrepancies(db.session)
            db.session.remove()
            db.engine.dispose()
        if problems:
            raise SystemExit("the seeded books do not balance:\n" + "\n".join(problems[:10]))
        self._keep()
        self.note = (f"{self.size.sites:,} sites: seeded {self.size.key} in {time.monotonic() - began:.0f} s "
                     "(the ledger's audit passed)")
        step(self.note)

    def _add_new_indexes(self):
        """Make the models' indexes that a kept seed lacks (one added since it was seeded), as the
        migration that adds it would: the seed's rows, and so its key, stay as they are."""
        app = create_app({"SQLALCHEMY_DATABASE_URI": self.url, "SECRET_KEY": "bench"})
        with app.app_context():
            for table in db.metadata.sorted_tables:
                for index in table.indexes:
                    index.create(db.engine, checkfirst=True)
            db.engine.dispose()

    def _kept(self):
        """When the kept seed of this size was made, or None."""
        try:
            with self._connect() as connection:
                found = connection.execute(text("SELECT key, seeded_at FROM bench_seed")).first()
        except Exception:  # no database, schema or table yet: nothing kept
            return None
        if found is None or found.key != self.size.key:
            return None
        return datetime.fromisoformat(found.seeded_at)

    def _keep(self):
        with self._connect() as connection:
            connection.execute(text("CREATE TABLE bench_seed (key VARCHAR(200), seeded_at VARCHAR(40))"))
            connection.execute(text("INSERT INTO bench_seed VALUES (:key, :at)"),
                               {"key": self.size.key, "at": datetime.now(UTC).isoformat()})
            connection.commit()
        if not self.postgres:  # the WAL folded in, so the kept file stands alone
            with sqlite3.connect(self.file) as raw:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _empty(self):
        if self.postgres:
            engine = create_engine(self.server)
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {self.name} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {self.name}"))
            engine.dispose()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.file}{suffix}").unlink(missing_ok=True)

    @contextmanager
    def _connect(self):
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()

    def serve(self, log):
        env = {"DATABASE_URL": self.url, "SECRET_KEY": secrets.token_hex(16), "PANTRY_ENVIRONMENT": "production",
               "PANTRY_BASE_URL": "http://127.0.0.1", "PANTRY_PAGE_CACHE_SECONDS": "0"}
        return serving("pantry:create_app()", env, "/sites/site-0001", log)


# What is measured, the big network's page against the small one's: (figure, path, signed in).
PAGES = [
    ("home page /", "/", False),
    ("site page /sites/<slug>", "/sites/site-0001", False),
    (f"search {SEARCH}", SEARCH, False),
    ("search near a place, /find?q=milk&lat&lon", NEAR, False),
    ("needs API /api/v1/sites/<slug>/needs", "/api/v1/sites/site-0001/needs", False),
    ("coordinator dashboard /admin/dashboard", "/admin/dashboard", True),
    ("coordinator site list /admin/sites", "/admin/sites", True),
]
PUBLIC = ["/", "/sites/site-0001", "/sites/site-0001/needs", "/sites/site-0001/promise", "/sites/site-0001/report",
          "/sites/site-0001/shifts", "/sites/site-0001/follow", "/sites/site-0001/share", SEARCH, NEAR, "/shifts", "/t"]


def measure(big, small):
    log = CACHE / "gunicorn.log"
    CACHE.mkdir(exist_ok=True)
    rows, notes = [], []
    with ExitStack() as running:
        far, near = running.enter_context(big.serve(log)), running.enter_context(small.serve(log))
        cookies = {far: sign_in(far), near: sign_in(near)}
        for number, (what, path, signed_in) in enumerate(PAGES, 1):
            step(f"{what} at {big.size.sites:,} and at {small.size.sites} sites, 2 rounds each")

            def run(base, path=path, signed_in=signed_in):
                return latency(base + path, [f"Cookie: {cookies[base]}"] if signed_in else [])

            ours, theirs = alternate(lambda: run(far), lambda: run(near), best=lambda found: -found.p50)
            ratio = ours.p50 / theirs.p50 if theirs.p50 else float("inf")
            failures = ours.failures + theirs.failures + (not ours.requests) + (not theirs.requests)
            step(f"  {ours.p50:,.1f} ms against {theirs.p50:,.1f} ms: {ours.p50 / max(theirs.p50, 0.001):.2f}x")
            rows.append(Row(str(number), f"{what}, p50", f"{ours.p50:,.1f} ms ({ours.requests})",
                            f"{theirs.p50:,.1f} ms ({theirs.requests}) at {small.size.sites} sites",
                            ratio, f"<= {GOAL:.2f}", ratio <= GOAL, failures))
        step(f"weighing every public page at {big.size.sites:,} sites")
        codes = tag_codes(big)
        for index, path in enumerate(PUBLIC + [f"/t/{codes['site']}", f"/care/{codes['care']}"]):
            rows.append(weight_row("" if index else str(len(PAGES) + 1), path, weight.weigh(far + path)))
    notes.append(f"{len(PAGES) + 1}: gzip -6 of each page and of what it loads (CSS, scripts, images); budget "
                 f"{weight.BUDGET:,} B; weighed at {big.size.sites:,} sites")
    notes.append("the coordinator screens are fetched with a session signed in once per network, through the "
                 "sign-in form, so wrk measures what a signed-in coordinator waits for")
    return rows, notes


def latency(url, headers):
    """wrk at one connection, for at least DURATION and long enough for eight of the page's answers
    (the big network's home page takes seconds), each let take four times the first's time."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port, timeout=300)
    connection.request("GET", urlsplit(url)._replace(scheme="", netloc="").geturl(),
                       headers=dict(header.split(": ", 1) for header in headers))
    connection.getresponse().read()
    connection.close()
    first = time.monotonic() - started
    duration = max(int(DURATION.rstrip("s")), min(60, math.ceil(first * 8)))
    return load.measure(url, threads=1, connections=1, duration=f"{duration}s", headers=headers,
                        timeout=f"{max(5, math.ceil(first * 4))}s")


def sign_in(base):
    """A signed-in coordinator's cookie header: the sign-in page's token, then its form."""
    token, cookie = _form_session(base + "/admin/sign-in")
    cookies = dict(part.split("=", 1) for part in cookie.split("; ") if part)
    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    body = urlencode({"csrf_token": token, "email": city.coordinator_email(), "password": city.PASSWORD, "next": ""})
    connection.request("POST", "/admin/sign-in", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": _header(cookies), "Referer": base + "/admin/sign-in"})
    answer = connection.getresponse()
    answer.read()
    cookies = _cookies(answer, cookies)
    connection.request("GET", "/admin/dashboard", headers={"Cookie": _header(cookies)})
    check = connection.getresponse()
    check.read()
    connection.close()
    if answer.status != 303 or check.status != 200:
        raise SystemExit(f"could not sign in at {base}: sign-in answered {answer.status}, the dashboard {check.status}")
    return _header(cookies)


def _cookies(answer, cookies):
    for header in answer.headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        cookies[name.strip()] = value.strip()
    return cookies


def _header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def tag_codes(network):
    """The first site's scan and cleaning labels, as the seed issued them."""
    with network._connect() as connection:
        found = dict(connection.execute(text("SELECT purpose, code FROM tag WHERE site_id = 1 AND revoked_at IS NULL")).all())
    return found


if __name__ == "__main__":
    main()
