"""`make bench`: Pantry's figures, each next to a baseline measured in the same run.

Seeds a fresh SQLite file through Pantry's rules, serves it with gunicorn (2 workers)
on 127.0.0.1 next to its baseline, loads both with wrk in alternating rounds (so a busy
machine slows both alike), runs Lighthouse on the pages a phone at the fridge opens, and
prints a table, also written to bench/results/latest.txt.
"""
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote

import baselines
import labels
import lighthouse
import load
import seed
import weight
from servers import serving

from pantry import create_app
from pantry.database import utcnow
from pantry.extensions import db
from pantry.stock.audit import discrepancies

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SHALLOW, DEEP = 1_000, 1_000_000
IMPACT_PATH = f"/impact?from={datetime.now(UTC) - timedelta(days=29):%Y-%m-%d}&to={datetime.now(UTC):%Y-%m-%d}"  # the network's last 30 days
ROUNDS = 2  # of each comparison, alternating Pantry and its baseline; the best of each counts
ONLY = ("log", "site")  # the comparisons `--only` can pick


def main():
    only = _only(sys.argv[1:])
    load.ensure_wrk()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pantry-bench-") as folder:
        bench = Bench(Path(folder))
        rows = bench.compare(only) if only else bench.run()
    table = render(rows, bench.notes, time.monotonic() - started)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("only.txt" if only else "latest.txt")).write_text(table + "\n")


def _only(arguments):
    """`--only log,site`: just those comparisons (figures 1 and 2), for working on one of them."""
    if not arguments:
        return set()
    if len(arguments) != 2 or arguments[0] != "--only" or not set(arguments[1].split(",")) <= set(ONLY):
        raise SystemExit(f"usage: bench/run.py [--only {','.join(ONLY)}]")
    return set(arguments[1].split(","))


class Bench:
    def __init__(self, folder):
        self.folder = folder
        self.log = folder / "gunicorn.log"
        self.secret = secrets.token_hex(32)
        self.notes = []

    def database(self, name):
        return f"sqlite:///{self.folder / name}"

    def pantry(self, name="pantry.db", page_cache=True):
        env = {"DATABASE_URL": self.database(name), "SECRET_KEY": self.secret,
               "PANTRY_ENVIRONMENT": "production", "PANTRY_BASE_URL": "http://127.0.0.1",
               # wrk is one address: the limits stay on (their cost is measured) but far out of reach.
               "PANTRY_LIMIT_LOGS": "100000000 per minute"}
        if not page_cache:  # every request renders: what the site page itself costs
            env["PANTRY_PAGE_CACHE_SECONDS"] = "0"
        return serving("pantry:create_app()", env, "/", self.log)

    def baseline(self, app, env, probe):
        return serving(f"baselines:{app}", env, probe, self.log, chdir=HERE)

    def seed(self):
        step(f"seeding through the rules: 3 sites, 25 items in stock, a site tag, {SHALLOW:,} movements")
        app = create_app({"SQLALCHEMY_DATABASE_URI": self.database("pantry.db"), "SECRET_KEY": self.secret})
        with app.app_context():
            db.create_all()
            network = seed.network(db.session, utcnow())
            seed.history(db.session, utcnow(), SHALLOW)
            db.session.remove()
            db.engine.dispose()
        return app, network, f"/sites/{network['slug']}", f"/t/{network['code']}"

    def compare(self, only):
        """Figures 1 and 2 alone, or one of them (`--only`), on the same seed and servers."""
        app, network, site_path, scan_path = self.seed()
        baselines.create_tables(self.database("minimal.db"))
        rows = []
        with ExitStack() as running:
            pantry = running.enter_context(self.pantry())
            if "site" in only:
                rows += self._site_pages(running, pantry, site_path)[1]
            if "log" in only:
                minimal = running.enter_context(
                    self.baseline("write_app()", {"BENCH_DATABASE_URL": self.database("minimal.db")}, "/write"))
                step(f"log POST and minimal write, {ROUNDS} rounds each")
                taking, writing = self._logs(pantry, minimal, scan_path, network)
                rows = log_rows(taking, writing) + rows
        return rows

    def _logs(self, pantry, minimal, scan_path, network):
        token, cookie = _form_session(pantry + scan_path)
        form = [quote(token, safe=""), cookie, str(network["item"])]
        return alternate(
            lambda: load.measure(pantry + scan_path + "/log", form=[scan_path + "/log", *form]),
            lambda: load.measure(minimal + "/write", form=["/write", *form]),
        )

    def run(self):
        app, network, site_path, scan_path = self.seed()

        step("label sheet: 100 labels, and the same 100 QR images alone")
        sheet, codes, pdf_bytes = labels.measure(app)

        minimal_db = self.database("minimal.db")
        baselines.create_tables(minimal_db)
        with ExitStack() as running:
            pantry = running.enter_context(self.pantry())
            step("bytes on the wire")
            scan_weight, site_weight = weight.weigh(pantry + scan_path), weight.weigh(pantry + site_path)
            step("Lighthouse on a phone, simulated slow 4G: the scan, site and shifts pages")
            scores = {what: lighthouse.measure(pantry + path) for what, path in (
                ("scan page /t/<code>", scan_path), ("site page /sites/<slug>", site_path), ("shifts list /shifts", "/shifts"))}
            page, sites = self._site_pages(running, pantry, site_path)
            minimal = running.enter_context(self.baseline("write_app()", {"BENCH_DATABASE_URL": minimal_db}, "/write"))
            step(f"log POST and minimal write, {ROUNDS} rounds each")
            taking, writing = self._logs(pantry, minimal, scan_path, network)

        # The shallow ledger is the one the figures above left (with the log POST's takes of today),
        # so the deep one differs from it by old history alone.
        with app.app_context():
            shallow = seed.movements(db.session)
            db.session.remove()
            db.engine.dispose()
        for suffix in ("", "-wal"):  # the last connection's close folds the WAL in; copied if not
            if (self.folder / f"pantry.db{suffix}").exists():
                shutil.copy(self.folder / f"pantry.db{suffix}", self.folder / f"shallow.db{suffix}")
        step(f"seeding in bulk to {DEEP:,} movements")
        with app.app_context():
            seed.deep_history(db.session, DEEP, utcnow())
            deep = seed.movements(db.session)
            db.session.remove()
        with ExitStack() as running:
            far_base = running.enter_context(self.pantry("pantry.db", page_cache=False))
            near_base = running.enter_context(self.pantry("shallow.db", page_cache=False))
            step(f"site page latency at {deep:,} and at {shallow:,} movements, {ROUNDS} rounds each")
            far, near = alternate(
                lambda: load.measure(far_base + site_path, threads=1, connections=1, duration="5s"),
                lambda: load.measure(near_base + site_path, threads=1, connections=1, duration="5s"),
                best=lambda run: -run.p50,
            )
            step(f"network impact report of the last 30 days and site page, at {deep:,} movements, {ROUNDS} rounds each")
            report, page_again = alternate(
                lambda: load.measure(far_base + IMPACT_PATH, threads=1, connections=1, duration="5s"),
                lambda: load.measure(far_base + site_path, threads=1, connections=1, duration="5s"),
                best=lambda run: -run.p50,
            )
        with app.app_context():
            problems = discrepancies(db.session)
            db.engine.dispose()

        self.notes += [
            "ledger invariant after the run: " + ("holds" if not problems else "; ".join(problems[:3])),
            f"1: {taking.requests:,} takes and {writing.requests:,} minimal writes in the best rounds; "
            "every key unique (wrk Lua: run label, thread, counter); the item never runs out",
            f"2: the bare page is a static template of the site page's own {len(page):,} bytes; Pantry keeps "
            "public pages rendered per process while the site's latest movement is the same (at most "
            "PAGE_CACHE_SECONDS); the second line and figure 3 turn that off",
            "3: the shallow ledger is copied after the log POST rounds; the deep one adds old history, one "
            "movement a minute ending 15 days ago, before the 14 days the site page's charts add up",
            f"4: gzip -6 of each body; budget {weight.BUDGET:,} B; loads: scan page "
            f"{sorted(scan_weight.loads) or 'nothing'}, site page {sorted(site_weight.loads) or 'nothing'}",
            f"5: best of {labels.ROUNDS}, fresh codes each round; the PDF of {labels.LABELS} labels is {pdf_bytes:,} B",
            "7: both rendered every time on the deep ledger; the report sums the range's movements, care records, "
            "readings, shifts and excursions along their time indexes, so its cost follows the range, not the history",
            f"6: Lighthouse {lighthouse.version()} on {lighthouse.CHROMIUM}, its defaults: a phone, simulated slow 4G "
            "and a 4x slower CPU; scores are performance / accessibility / best practices",
        ]
        self.notes += [f"6: {what}: {miss}" for what, found in scores.items() for miss in found.misses]
        return [
            *log_rows(taking, writing),
            *sites,
            Row("3", f"site page p50 at {deep:,} movements, rendered every time", f"{far.p50:.2f} ms", f"{near.p50:.2f} ms at {shallow:,}",
                far.p50 / near.p50, "<= 1.30", far.p50 / near.p50 <= 1.3, far.failures + near.failures),
            weight_row("4", "scan page /t/<code>", scan_weight),
            weight_row("", "site page /sites/<slug>", site_weight),
            Row("5", "100-label A4 sheet PDF", f"{sheet * 1000:.0f} ms", f"{codes * 1000:.0f} ms 100 QR images",
                sheet / codes, "<= 1.50", sheet / codes <= 1.5),
            *lighthouse_rows("6", scores),
            Row("7", f"network impact report p50 at {deep:,} movements, last 30 days", f"{report.p50:.2f} ms",
                f"{page_again.p50:.2f} ms site page", report.p50 / page_again.p50, "<= 4.00",
                report.p50 / page_again.p50 <= 4.0, report.failures + page_again.failures),
        ]

    def _site_pages(self, running, pantry, site_path):
        """Figure 2, for `run` and `compare`: the site page, kept and rendered every time, each
        against a bare page of its own bytes; the page and its rows. The servers stay up in `running`."""
        page = _fetch(pantry + site_path)
        bare = running.enter_context(self.baseline("page_app()", {"BENCH_TEMPLATES": self._bare_page(page)}, "/page"))
        step(f"site page and bare page, {ROUNDS} rounds each")
        site, plain = alternate(lambda: load.measure(pantry + site_path), lambda: load.measure(bare + "/page"))
        rendering = running.enter_context(self.pantry(page_cache=False))
        step(f"site page rendered every time and bare page, {ROUNDS} rounds each")
        fresh, plain_again = alternate(lambda: load.measure(rendering + site_path), lambda: load.measure(bare + "/page"))
        return page, site_rows(site, plain, fresh, plain_again)

    def _bare_page(self, html):
        templates = self.folder / "templates"
        templates.mkdir(exist_ok=True)
        text = html.decode()
        if any(marker in text for marker in ("{{", "{%", "{#")):  # not a static template then
            text = "<!doctype html><p>" + "x" * (len(html) - len("<!doctype html><p>"))
        (templates / "page.html").write_bytes(text.encode())
        return str(templates)


def log_rows(taking, writing):
    return [
        Row("1", "log POST /t/<code>/log, req/s", f"{taking.rate:,.0f}", f"{writing.rate:,.0f} minimal write",
            taking.rate / writing.rate, ">= 0.70", taking.rate / writing.rate >= 0.7,
            taking.failures + writing.failures),
        Row("", "log POST p50 / p99", f"{taking.p50:.0f} / {taking.p99:.0f} ms",
            f"{writing.p50:.0f} / {writing.p99:.0f} ms", None, "p99 < 60 ms", taking.p99 < 60),
    ]


def site_rows(site, plain, fresh, plain_again):
    return [
        Row("2", "site page /sites/<slug>, req/s", f"{site.rate:,.0f}", f"{plain.rate:,.0f} bare page",
            site.rate / plain.rate, ">= 0.40", site.rate / plain.rate >= 0.4, site.failures + plain.failures),
        Row("", "  the same, rendered every time", f"{fresh.rate:,.0f}", f"{plain_again.rate:,.0f} bare page",
            fresh.rate / plain_again.rate, ">= 0.10", fresh.rate / plain_again.rate >= 0.1,
            fresh.failures + plain_again.failures),
    ]


def alternate(ours, theirs, best=lambda run: run.rate):
    """Pantry, its baseline, Pantry, its baseline...: the best run of each."""
    runs = [(ours(), theirs()) for _ in range(ROUNDS)]
    return max((pair[0] for pair in runs), key=best), max((pair[1] for pair in runs), key=best)


class Row:
    def __init__(self, number, what, ours, baseline, ratio, goal, met, failures=0):
        verdict = "" if met is None else ("ok" if met and not failures else "MISSED")
        verdict += f", {failures} failed requests" if failures else ""
        self.cells = [number, what, ours, baseline, "" if ratio is None else f"{ratio:.2f}", goal, verdict]


def weight_row(number, what, measured):
    row = Row(number, f"{what}, gzip B with what it loads", f"{measured.total:,} B",
              f"{weight.BUDGET:,} B budget (HTML {measured.page:,} B)", measured.total / weight.BUDGET, "<= 1.00",
              measured.total <= weight.BUDGET and not measured.foreign)
    if measured.foreign:
        row.cells[-1] += ", loads from other hosts: " + " ".join(measured.foreign)
    return row


def lighthouse_rows(number, scores):
    goal = " / ".join(f">= {goal}" if goal < 100 else str(goal) for goal in lighthouse.GOALS.values())
    return [Row("" if index else number, f"Lighthouse {what}", found.summary(), "", None, goal, found.met)
            for index, (what, found) in enumerate(scores.items())]


SETUP = ("gunicorn -w 2 (sync) on 127.0.0.1; SQLite file, WAL, Pantry's pragmas; wrk -t2 -c32 -d10s "
         f"(latency: -t1 -c1 -d5s) after a {load.WARM_UP} warm-up; best of {ROUNDS} alternating rounds")


def render(rows, notes, seconds, title="Pantry bench", setup=SETUP):
    header = ["#", "figure", "Pantry", "baseline, same run", "ratio", "goal", ""]
    table = [header] + [row.cells for row in rows]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    lines = [
        f"{title}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"load average {' / '.join(f'{average:.2f}' for average in os.getloadavg())} (1 / 5 / 15 min) at the end, "
        f"{seconds:.0f} s",
        setup,
        "",
    ]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]
    return "\n".join(lines + [""] + notes)


def step(what):
    print(f"... {what}", flush=True)


def _fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def _form_session(url):
    """A scan page's CSRF token and the session cookie it belongs to, fetched once."""
    with urllib.request.urlopen(url, timeout=10) as response:
        cookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
        page = response.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return token, "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())


if __name__ == "__main__":
    main()
