"""How the home page's cost grows with the network: render time and bytes with 3, 30 and 300
sites (SQLite in a temporary folder, the app's test client, the page cache off), and what a
phone downloads for each public page (gzip of the HTML and the CSS and scripts it loads).

    PYTHONPATH=$PWD /work/main/.venv/bin/python -m tests.public.measure_home [3 30 300]

Not a test (pytest does not collect it): a figure to quote, not a rule to hold."""
import gzip
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bench.weight import _fetched, _Resources
from pantry import create_app
from pantry.care.rules import record_care
from pantry.database import utcnow
from pantry.extensions import db
from pantry.needs.places import set_location
from pantry.reports.models import Report
from pantry.sites.rules import create_site
from pantry.stock import items, ledger
from pantry.tags.rules import issue_tag

NEIGHBOURHOODS = ["Crown Heights", "Bed-Stuy", "Bushwick", "Flatbush", "Harlem", "Astoria", "Ridgewood", "Sunset Park"]
RUNS = 20


def seeded(folder, sites):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "measure", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/pantry.db",
        "BASE_URL": "https://pantry.example", "PAGE_CACHE_SECONDS": 0, "RATE_LIMITS": False,
    })
    with app.app_context():
        db.create_all()
        session, now = db.session, utcnow()
        names = [items.create_item(session, now, f"Item {n}", "canned", "can") for n in range(8)]
        first = None
        for number in range(sites):
            site = create_site(session, now, f"Fridge {number:04}", address=f"{number} Main St")
            set_location(session, site, f"{40.6 + number % 17 / 100:.4f}, {-73.9 - number % 13 / 100:.4f}",
                         NEIGHBOURHOODS[number % len(NEIGHBOURHOODS)], now)
            for item in names[:5]:
                ledger.restock(session, site.id, item.id, 3, f"key-{number:04}-{item.id:04}", now)
            items.set_targets(session, site.id, {item.id: 6 for item in names}, now)
            record_care(session, site, [], 3.0, "", f"care-{number:06}", now - timedelta(hours=3),
                        checklist=list(app.config["CARE_CHECKLIST"]), limits=app.config["TEMPERATURE_LIMITS"])
            if number % 3 == 0:
                session.add(Report(site_id=site.id, kind="dirty", people=1, first_reported_at=now,
                                   last_reported_at=now))
            first = first or site
        code = issue_tag(session, first, "site", now).code
        session.commit()
        return app, first.slug, code


def render(client, path):
    """The medians of RUNS renders, in ms of the clock and of this process's CPU (SQLite runs in
    the process, so the CPU time is the whole cost, and a shared machine's load disturbs it less)."""
    client.get(path)  # warm: templates compiled, caches filled
    clock, cpu = [], []
    for _ in range(RUNS):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(path)
        clock.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    assert response.status_code == 200, (path, response.status_code)
    return statistics.median(clock), statistics.median(cpu), response.data


def weight(client, path):
    """gzip -6 bytes of the page and of what it loads (CSS, scripts, icon, manifest)."""
    html = client.get(path).data
    found = _Resources()
    found.feed(html.decode())
    total, seen = len(gzip.compress(html, 6)), set()
    for link in found.loaded:
        target = urlsplit(urljoin("https://pantry.example" + path, link))
        if not _fetched(link) or target.path in seen:
            continue
        seen.add(target.path)
        total += len(gzip.compress(client.get(target.path).data, 6))
    return len(gzip.compress(html, 6)), total


def main(counts):
    for count in counts:
        with tempfile.TemporaryDirectory() as folder:
            app, slug, code = seeded(Path(folder), count)
            with app.app_context():
                client = app.test_client()
                ms, cpu, body = render(client, "/")
                print(f"{count:>4} sites: home {ms:6.1f} ms, {cpu:6.1f} ms CPU (medians of {RUNS}), {len(body) / 1024:6.1f} KB HTML,"
                      f" {len(gzip.compress(body, 6)) / 1024:5.1f} KB gzip")
                if count == counts[-1]:
                    for what, path in [("home", "/"), ("site", f"/sites/{slug}"), ("needs", f"/sites/{slug}/needs"),
                                       ("find", "/find?q=item"), ("scan", f"/t/{code}")]:
                        page, total = weight(client, path)
                        print(f"      {what:>5} {path:<28} page {page / 1024:5.1f} KB gzip,"
                              f" with what it loads {total / 1024:5.1f} KB")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [3, 30, 300])
