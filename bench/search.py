"""`make bench`, the search: "Where can I find..." (/find?q=<one item>) against the site page,
in the same run, at 10 and at 1,000 sites with 100 items. Goals (issue 14): the search at most
2x the site page's latency, and flat from 10 to 1,000 sites within 1.3x.

Each network is seeded in bulk (stock rows, one batch and one restock movement each, so the
books balance): every site holds 30 of the 100 items, a third of them "Milk" at every site."""
import secrets
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import load
import servers
from servers import serving
from sqlalchemy import insert

from pantry import create_app
from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock.models import Batch, Item, Movement, Stock

HERE = Path(__file__).resolve().parent
ITEMS, HELD = 100, 30
ROUNDS = 2
servers.START_SECONDS = 90  # a shared 2-core machine: a first answer can be slow
DURATION = sys.argv[1] if len(sys.argv) > 1 else "10s"


def seed(url, sites):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    now = datetime.now(UTC)
    with app.app_context():
        db.create_all()
        session = db.session
        session.execute(insert(Item), [{"id": n, "name": "Milk 1 L" if n == 1 else f"Item {n:03d}",
                                        "category": "other", "unit": "", "created_at": now} for n in range(1, ITEMS + 1)])
        session.execute(insert(Site), [{"id": n, "slug": f"site-{n:04d}", "name": f"Site {n:04d}", "kind": "fridge",
                                        "state": "open", "latitude": 40.6 + n % 50 / 100, "longitude": -74 + n // 50 / 100,
                                        "neighbourhood": f"Area {n % 12}", "created_at": now} for n in range(1, sites + 1)])
        stocks, batches, movements = [], [], []
        for site in range(1, sites + 1):
            for item in [1] + [2 + (site * 7 + k) % (ITEMS - 1) for k in range(HELD - 1)]:
                number = len(stocks) + 1
                stocks.append({"id": number, "site_id": site, "item_id": item, "quantity": 5, "target": 8,
                               "count_looks_off": False, "last_restocked_at": now})
                batches.append({"id": number, "site_id": site, "item_id": item, "quantity": 5,
                                "best_before": (now + timedelta(days=3 + number % 9)).date(), "created_at": now})
                movements.append({"id": number, "site_id": site, "item_id": item, "kind": "restock", "quantity": 5,
                                  "delta": 5, "source": "bench", "recorded_by": "", "note": "",
                                  "idempotency_key": uuid.uuid4().hex, "payload_digest": "bench", "created_at": now})
        for model, rows in ((Stock, stocks), (Batch, batches), (Movement, movements)):
            session.execute(insert(model), rows)
        session.commit()
        db.engine.dispose()


def main():
    load.ensure_wrk()
    rows = []
    with tempfile.TemporaryDirectory(prefix="pantry-bench-search-") as folder:
        for sites in (10, 1_000):
            url = f"sqlite:///{folder}/search-{sites}.db"
            seed(url, sites)
            env = {"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16), "PANTRY_ENVIRONMENT": "production",
                   "PANTRY_BASE_URL": "http://127.0.0.1", "PANTRY_PAGE_CACHE_SECONDS": "0"}
            with serving("pantry:create_app()", env, "/find", Path(folder) / "gunicorn.log") as base:  # the home lists every site
                best = {"search": None, "site": None}
                for _ in range(ROUNDS):
                    for what, path in (("search", "/find?q=milk"), ("site", "/sites/site-0001")):
                        run = load.measure(base + path, duration=DURATION)
                        if best[what] is None or run.p50 < best[what].p50:
                            best[what] = run
                rows.append((sites, best["search"], best["site"]))
    lines = ["Search /find?q=milk vs the site page, rendered every time (PAGE_CACHE_SECONDS=0), best of "
             f"{ROUNDS} rounds of {DURATION}, gunicorn -w 2, SQLite"]
    for sites, found, site in rows:
        lines.append(f"{sites:>5} sites: search {found}; site page {site}; search/site p50 {found.p50 / site.p50:.2f}x")
    lines.append(f"search p50 at 1,000 sites / at 10 sites: {rows[1][1].p50 / rows[0][1].p50:.2f}x "
                 "(goals: at most 2x the site page; at most 1.3x from 10 to 1,000 sites)")
    table = "\n".join(lines)
    print(table)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "search.txt").write_text(table + "\n")


if __name__ == "__main__":
    main()
