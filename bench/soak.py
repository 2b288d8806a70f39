"""`make bench`, second part: a soak. The demo network, served by gunicorn as for the bench,
takes a steady street's mix of reads and writes for ten minutes; then every answer should have
been one the mix expects, each worker's memory where it was after the warm-up, and the books
balanced, with every accepted write in them exactly once.

Loopback only, and bounded twice: by time and by a count of requests. Settings, from the
environment: SOAK_SECONDS (600), SOAK_RATE (30 requests a second), SOAK_REQUESTS (at most
this many; SECONDS x RATE), SOAK_WARM_UP (30 s, not counted). For a short try:
    SOAK_SECONDS=60 .venv/bin/python bench/soak.py
Prints a table, also written to bench/results/soak.txt.
"""
import os
import random
import re
import secrets
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import workers
from servers import WORKERS, serving
from sqlalchemy import func, select
from street import MIX, PHONES, Street, Targets

from pantry import create_app, demo
from pantry.care.models import CareRecord
from pantry.database import utcnow, writer
from pantry.extensions import db
from pantry.shifts.models import SignUp
from pantry.stock.audit import discrepancies
from pantry.stock.models import Movement

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
GROWTH_MIB = 8  # the most a worker may grow from the warm-up's end to the run's end: ~10 % of one
SEED = 2026  # the same sequence of kinds every run
LOGGED_ERROR = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b|WORKER TIMEOUT")
TABLES = {"movement": Movement, "care record": CareRecord, "sign-up": SignUp}


@dataclass(frozen=True)
class Settings:
    seconds: float
    rate: float  # requests a second, at fixed intervals
    requests: int  # at most
    warm_up: float

    @classmethod
    def from_environment(cls):
        seconds, rate = float(os.environ.get("SOAK_SECONDS", 600)), float(os.environ.get("SOAK_RATE", 30))
        return cls(seconds, rate, int(os.environ.get("SOAK_REQUESTS", seconds * rate)),
                   float(os.environ.get("SOAK_WARM_UP", 30)))

    @property
    def planned(self):
        return min(self.requests, int(self.seconds * self.rate))


def main():
    settings = Settings.from_environment()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pantry-soak-") as folder:
        found = Soak(Path(folder), settings).run()
    table = render(found, settings, time.monotonic() - started)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "soak.txt").write_text(table + "\n")


@dataclass
class Found:
    outcomes: list  # of street.Outcome, the measured ones only
    memory: workers.Memory
    load: float  # the load average when the measured run began
    workers_after: list
    problems: list  # the ledger's discrepancies
    logged: list  # error lines in the server's log
    books: dict  # table: (accepted by the street, found in the database)


class Soak:
    def __init__(self, folder, settings):
        self.folder = folder
        self.settings = settings
        self.database = f"sqlite:///{folder / 'pantry.db'}"
        self.secret = secrets.token_hex(32)
        self.run_label = "soak-" + secrets.token_hex(4)  # every key this run sends starts so

    def run(self):
        step("loading the demo network into a fresh SQLite file")
        app = create_app({"SQLALCHEMY_DATABASE_URI": self.database, "SECRET_KEY": self.secret})
        with app.app_context():
            db.create_all()
            with writer():
                demo.load(db.session, utcnow())
                db.session.commit()
            targets = Targets.read(db.session, utcnow())
            db.session.remove()
            db.engine.dispose()

        env = {"DATABASE_URL": self.database, "SECRET_KEY": self.secret, "PANTRY_ENVIRONMENT": "production",
               "PANTRY_BASE_URL": "http://127.0.0.1",
               # The whole street comes from one loopback address: the limits would refuse it.
               "PANTRY_RATE_LIMITS": "false"}
        with serving("pantry:create_app()", env, "/", self.folder / "gunicorn.log") as base:
            pids = workers.serving(urlsplit(base).port)
            if len(pids) != WORKERS:
                raise RuntimeError(f"expected {WORKERS} gunicorn workers on {base}, found {pids}")
            street = Street(base, targets, self.run_label)
            try:
                street.open()
                warm_up = self.settings.warm_up
                step(f"warming up: {warm_up:.0f} s at {self.settings.rate:g} requests/s, not counted")
                steady(street, self.settings.rate, warm_up, int(warm_up * self.settings.rate), random.Random(SEED))
                step(f"the soak: {self.settings.planned:,} requests at {self.settings.rate:g}/s "
                     f"over {self.settings.seconds:.0f} s; memory read every {workers.SAMPLE_SECONDS} s")
                load = os.getloadavg()[0]
                with workers.Memory(pids) as memory:
                    outcomes = steady(street, self.settings.rate, self.settings.seconds,
                                               self.settings.requests, random.Random(SEED + 1))
                workers_after = workers.serving(urlsplit(base).port)
            finally:
                street.close()

        logged = [line for line in (self.folder / "gunicorn.log").read_text(errors="replace").splitlines()
                  if LOGGED_ERROR.search(line)]
        step("checking the books")
        with app.app_context():
            problems = discrepancies(db.session)
            books = {table: (len(keys), self._written(TABLES[table])) for table, keys in street.accepted.items()}
            db.session.remove()
            db.engine.dispose()
        return Found(outcomes, memory, load, workers_after, problems, logged, books)

    def _written(self, model):
        """Rows this run's keys made (the demo's own keys start otherwise)."""
        query = select(func.count()).select_from(model).where(model.idempotency_key.startswith(self.run_label + "-"))
        return db.session.scalar(query)


def steady(street, rate, seconds, most, rng):
    """Requests at fixed intervals, `rate` a second, for `seconds` or `most` requests, whichever
    comes first; the kinds drawn by `rng` in MIX's shares. Each is due at its own moment, however
    slow the answers before it: an open street, not a closed loop."""
    kinds, shares = list(MIX), [kind.share for kind in MIX]
    planned = min(most, int(seconds * rate))
    started = time.monotonic()
    with ThreadPoolExecutor(PHONES, thread_name_prefix="phone") as phones:
        visits = []
        for number in range(planned):
            due = started + number / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            visits.append(phones.submit(street.visit, rng.choices(kinds, shares)[0], due))
    return [visit.result() for visit in visits]


@dataclass
class Tally:
    """What came back for one kind of request (or for all of them)."""

    name: str
    share: str = ""
    seconds: list = field(default_factory=list)
    refused: dict = field(default_factory=dict)  # status: how many
    errors: dict = field(default_factory=dict)  # "500 on POST /t/<code>/log": how many

    def add(self, outcome, kind):
        self.seconds.append(outcome.seconds)
        if outcome.status in kind.ok:
            return
        if outcome.status in kind.refused:
            self.refused[outcome.status] = self.refused.get(outcome.status, 0) + 1
            return
        what = outcome.problem if outcome.status is None else f"{outcome.status} on {outcome.problem}"
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def failures(self):
        return sum(self.errors.values())

    def cells(self):
        ms = sorted(1000 * seconds for seconds in self.seconds)
        refused = ", ".join(f"{count:,} x {status}" for status, count in sorted(self.refused.items()))
        return [self.name, self.share, f"{len(ms):,}", *(f"{percentile(ms, p):.0f}" for p in (50, 99)),
                f"{ms[-1]:.0f}" if ms else "", refused, f"{self.failures:,}"]


def percentile(ordered, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not ordered:
        return float("nan")
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def render(found, settings, seconds):
    by_kind = {kind.name: Tally(kind.name, f"{kind.share} %") for kind in MIX}
    everything = Tally("all")
    kinds = {kind.name: kind for kind in MIX}
    for outcome in found.outcomes:
        kind = kinds[outcome.kind]
        by_kind[outcome.kind].add(outcome, kind)
        everything.add(outcome, kind)

    lines = [
        f"Pantry soak, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"load average {found.load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, {seconds:.0f} s",
        f"gunicorn -w {WORKERS} (sync) on 127.0.0.1, the demo network on a SQLite file (WAL); rate limits off "
        "(PANTRY_RATE_LIMITS=false): the whole street comes from one loopback address",
        f"{settings.rate:g} requests/s at fixed intervals for {settings.seconds:.0f} s (at most {settings.requests:,}) "
        f"after a {settings.warm_up:.0f} s warm-up, {PHONES} phones; latency runs from the moment a request "
        "was due to its whole answer",
        "",
        *columns(["kind", "share", "requests", "p50 ms", "p99 ms", "max ms", "refused, as the mix expects", "errors"],
                 [tally.cells() for tally in (*by_kind.values(), everything)]),
        "",
        *columns(["figure", "found", "goal", ""], goals(found, everything)),
        "",
        *trends(found),
    ]
    errors = sorted(everything.errors.items(), key=lambda pair: -pair[1])
    lines += [f"error: {count:,} x {what}" for what, count in errors[:10]]
    lines += [f"ledger: {problem}" for problem in found.problems[:5]]
    lines += [f"server log: {line}" for line in found.logged[:10]]
    return "\n".join(lines)


def goals(found, everything):
    sent = len(found.outcomes)
    share = everything.failures / sent if sent else 1.0
    rows = [["errors: 5xx, connection errors, unexpected answers",
             f"{everything.failures:,} of {sent:,} ({share * 100:.2f} %)", "0",
             verdict(sent > 0 and everything.failures == 0)]]
    for number, pid in enumerate(found.memory.pids, 1):
        first, last = found.memory.mib(pid)[0], found.memory.mib(pid)[-1]
        if last is None:
            rows.append([f"memory, worker {number} (pid {pid})", "gone before the end", f"< +{GROWTH_MIB} MiB",
                         verdict(False)])
            continue
        growth = last - first
        rows.append([f"memory, worker {number} (pid {pid}), RSS start -> end",
                     f"{first:.1f} -> {last:.1f} MiB ({growth:+.1f}, {growth / first * 100:+.1f} %)",
                     f"< +{GROWTH_MIB} MiB", verdict(growth < GROWTH_MIB)])
    same = found.workers_after == found.memory.pids
    rows.append(["workers", "the same from start to end" if same else f"now {found.workers_after}",
                 "none replaced", verdict(same)])
    rows.append(["server log: errors, tracebacks, worker timeouts", f"{len(found.logged):,} lines", "0",
                 verdict(not found.logged)])
    rows.append(["ledger invariant (pantry.stock.audit.discrepancies)",
                 "holds" if not found.problems else f"{len(found.problems)} discrepancies", "holds",
                 verdict(not found.problems)])
    books = ", ".join(f"{written:,} of {accepted:,} {table}s" for table, (accepted, written) in found.books.items())
    rows.append(["accepted writes in the database, once each", books, "all, once",
                 verdict(all(accepted == written for accepted, written in found.books.values()))])
    return rows


def trends(found):
    """Memory at every sample, latency early and late, and how steady the sending was."""
    lines = [f"memory every {workers.SAMPLE_SECONDS} s, MiB (first / last / max: the samples):"]
    for number, pid in enumerate(found.memory.pids, 1):
        samples = found.memory.mib(pid)
        present = [mib for mib in samples if mib is not None]
        lines.append(f"  worker {number}: {present[0]:.1f} / {present[-1]:.1f} / {max(present):.1f}: "
                     + " ".join("gone" if mib is None else f"{mib:.1f}" for mib in samples))
    outcomes = sorted(found.outcomes, key=lambda outcome: outcome.due)
    tenths = [outcomes[len(outcomes) * part // 10:len(outcomes) * (part + 1) // 10] for part in range(10)]
    latency = [sorted(1000 * outcome.seconds for outcome in tenth) for tenth in tenths if tenth]
    lines.append("latency p50/p99 ms, each tenth of the run in turn: "
                 + " ".join(f"{percentile(ms, 50):.0f}/{percentile(ms, 99):.0f}" for ms in latency))
    if len(outcomes) > 1:
        rate = (len(outcomes) - 1) / (outcomes[-1].due - outcomes[0].due)
        late = sorted(1000 * outcome.late for outcome in outcomes)
        lines.append(f"sent {len(outcomes):,} requests at {rate:.2f}/s; a phone began sending at most "
                     f"{late[-1]:.0f} ms after the moment due (p99 {percentile(late, 99):.0f} ms)")
    return lines


def verdict(met):
    return "ok" if met else "MISSED"


def columns(header, rows):
    table = [header] + rows
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]


def step(what):
    print(f"... {what}", flush=True)


if __name__ == "__main__":
    main()
