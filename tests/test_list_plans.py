"""Every coordinator list query has the index it needs: PostgreSQL EXPLAINs each one of
pantry.coordinators.lists.LISTS, as its rule builds it (compiled for PostgreSQL with its bound
parameters), with sequential scans priced out (`enable_seqscan = off`, so an index that exists
is used, however few the rows), and a Seq Scan of a big table fails the test. The SQLite leg
leaves it: SQLite's planner is another one."""
import json
from datetime import time, timedelta

import pytest
from sqlalchemy import insert, text

from pantry import journal
from pantry.care.models import CareRecord, Reading
from pantry.clock import deployment_zone
from pantry.coordinators.lists import BIG_TABLES, LISTS, Sample
from pantry.needs import listing as needs_listing, search
from pantry.needs.models import Ask, Suggestion
from pantry.reports.models import Report
from pantry.shifts import planning, signups
from pantry.stock import ledger, shelves
from tests.conftest import NOW, POSTGRES_URL, key

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's planner: runs in the PostgreSQL leg")


@pytest.fixture
def sample(session, make_site, make_item, coordinator):
    """Two sites with a little of everything a list reads: enough rows for each query to return some."""
    fridge, shelf = make_site("Corner Fridge", neighbourhood="Fort Greene"), make_site("Library Shelf", kind="pantry")
    beans, milk = make_item("Canned beans"), make_item("Milk 1 L", "dairy")
    moves, lines = [], []
    for day in range(12):
        moment = NOW - timedelta(days=day, hours=2)
        for site in (fridge, shelf):
            moves.append(ledger.restock(session, site.id, beans.id, 3, key(), moment))
            ledger.take(session, site.id, milk.id, 1, key(), moment + timedelta(minutes=5))
        session.add(CareRecord(site_id=fridge.id, idempotency_key=key(), created_at=moment))
        session.add(Reading(site_id=fridge.id, celsius=4.0 + day % 5, in_range=day % 5 < 2, taken_at=moment))
        lines.append(journal.record(session, coordinator, "site.changed", fridge.name, {"n": day}, {"n": day + 1},
                                    moment, site=fridge))
    zone = deployment_zone()
    shifts = [planning.add_shift(session, fridge, "cleaning", NOW.astimezone(zone).date() + timedelta(days=ahead),
                                 time(9), time(9, 30), 2, NOW, zone) for ahead in range(1, 6)]
    session.flush()
    signups.sign_up(session, shifts[0].id, "Ada", None, "", False, key(), key(), NOW)
    reports = [session.execute(insert(Report).values(site_id=fridge.id, kind=kind, people=1, first_reported_at=moment,
                                                     last_reported_at=moment).returning(Report.id)).scalar_one()
               for kind, moment in (("dirty", NOW - timedelta(days=1)), ("empty", NOW))]
    suggestion = Suggestion(site_id=fridge.id, name="Diapers", folded="diapers", created_at=NOW)
    session.add(suggestion)
    session.flush()
    session.add(Ask(site_id=fridge.id, suggestion_id=suggestion.id, idempotency_key=key(), payload_digest="x",
                    created_at=NOW))
    session.commit()
    return Sample(site_id=fridge.id, site_slug=fridge.slug, item_id=beans.id, movement_id=moves[10].id,
                  journal_id=lines[5].id, coordinator_id=coordinator.id, shift_id=shifts[2].id,
                  report_id=reports[1], now=NOW, zone=zone, neighbourhood=fridge.neighbourhood)


def plan_of(session, statement):
    """PostgreSQL's plan for `statement` as JSON, sequential scans priced out for this transaction."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    [[found]] = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).all()
    return found if isinstance(found, list) else json.loads(found)


def seq_scans(plan):
    """The big tables the plan reads from end to end."""
    found, nodes = set(), [node["Plan"] for node in plan]
    while nodes:
        node = nodes.pop()
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.add(node["Relation Name"])
        nodes.extend(node.get("Plans", []))
    return found


def read_end_to_end(session, sample):
    """{list name: the big tables its plan reads end to end}, for every list of the registry."""
    found = {}
    for name, build in LISTS.items():
        statement = build(sample)
        assert session.execute(statement).first() is not None, f"the sample gives {name!r} no row"
        session.rollback()
        scanned = seq_scans(plan_of(session, statement))
        session.rollback()
        if scanned:
            found[name] = scanned
    return found


def test_every_list_reads_the_big_tables_along_an_index(session, sample):
    assert read_end_to_end(session, sample) == {}


def test_without_its_index_the_ledger_is_read_end_to_end(session, sample):
    """The check sees what it is for: the ledger's page without the indexes it could page along
    (by site, or by time alone), dropped inside the transaction and put back by its rollback."""
    for index in ("ix_movement_site_time", "ix_movement_site_latest", "ix_movement_time"):
        session.execute(text(f"DROP INDEX {index}"))
    plan = plan_of(session, LISTS["ledger, older entries"](sample))
    assert seq_scans(plan) == {"movement"}, json.dumps(plan, indent=1)
    session.rollback()
    assert seq_scans(plan_of(session, LISTS["ledger, older entries"](sample))) == set()


def test_without_its_index_the_open_shifts_are_read_end_to_end(session, sample):
    """The public list of open shifts pages along ix_shift_starts (starts_at, id): without it, and
    without the site's index a planner could walk instead, PostgreSQL reads every shift."""
    plan = plan_of(session, LISTS["open shifts, later"](sample))
    assert "ix_shift_starts" in json.dumps(plan), json.dumps(plan, indent=1)
    session.rollback()
    for index in ("ix_shift_starts", "ix_shift_site_starts"):
        session.execute(text(f"DROP INDEX {index}"))
    plan = plan_of(session, LISTS["open shifts, later"](sample))
    assert seq_scans(plan) == {"shift"}, json.dumps(plan, indent=1)
    session.rollback()


# The public pages' reads whose cost once grew with the network (issue 18): the home page's summaries
# and needs of the shown sites, the search's count and its first page. The stock grows with every
# site; the sites themselves (hundreds of rows) may be read for a sort, as the home page's test allows.
GROWING = BIG_TABLES | {"stock", "batch"}
NEAR = (40.70, -73.95)
PUBLIC_READS = {
    "home page, summaries of the shown sites": lambda sample: shelves.summaries_query([sample.site_id]),
    "home page, stock of the shown sites' needs": lambda sample: needs_listing.stock_query([sample.site_id]),
    "search, matches counted": lambda sample: search.counted({sample.item_id: "Canned beans"}),
    "search, first page by name": lambda sample: search.first_matches(
        search.Query("beans"), None, {sample.item_id: "Canned beans"}, search.SHOWN),
    "search, first page nearest a point": lambda sample: search.first_matches(
        search.Query("beans", *NEAR), NEAR, {sample.item_id: "Canned beans"}, search.SHOWN),
}


def growing_scans(session, sample, reads):
    """{read name: the growing tables its plan reads end to end}."""
    found = {}
    for name, build in reads.items():
        assert session.execute(build(sample)).first() is not None, f"the sample gives {name!r} no row"
        session.rollback()
        scanned = _scans_of(session, build(sample)) & GROWING
        session.rollback()
        if scanned:
            found[name] = scanned
    return found


def _scans_of(session, statement, how=("Seq Scan",)):
    """The tables the plan reads with one of `how` (a Seq Scan), whatever their size (seq_scans
    keeps the big ones)."""
    found, nodes = set(), [node["Plan"] for node in plan_of(session, statement)]
    while nodes:
        node = nodes.pop()
        if node["Node Type"] in how:
            found.add(node["Relation Name"])
        nodes.extend(node.get("Plans", []))
    return found


ROW_VISITS = ("Seq Scan", "Index Scan", "Bitmap Heap Scan")  # all but an Index Only Scan read the table's rows


def test_the_search_counts_and_sorts_its_matches_from_the_index_alone(session, sample):
    """However many sites have the item, counting the matches and sorting them by distance can read
    the stock's (item, quantity, site) index alone, never its rows (issue 18: at 1,000 sites the
    rows of "milk" are some 300 pages of the stock table, visited by each search). Sequential and
    bitmap scans are priced out; of the index scans, PostgreSQL makes an index-only one of any
    index that holds every column the read needs."""
    for name in ("search, matches counted", "search, first page nearest a point"):
        connection = session.connection()
        connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        assert _scans_of(session, PUBLIC_READS[name](sample), ROW_VISITS) & {"stock"} == set(), json.dumps(plan_of(session, PUBLIC_READS[name](sample)))
        session.rollback()


def test_the_public_reads_find_the_stock_along_an_index(session, sample):
    assert growing_scans(session, sample, PUBLIC_READS) == {}


def test_without_its_index_the_search_reads_the_stock_end_to_end(session, sample):
    """The check sees what it is for: without the stock's (item, quantity, site) index and the
    (site, item) one, dropped inside the transaction, the search reads the stock whole."""
    search_reads = {name: build for name, build in PUBLIC_READS.items() if name.startswith("search")}
    for index in ("ix_stock_item_quantity_site", "uq_stock_site_id"):
        session.execute(text(f"ALTER TABLE stock DROP CONSTRAINT IF EXISTS {index}"))
        session.execute(text(f"DROP INDEX IF EXISTS {index}"))
    dropped = {name: _scans_of(session, build(sample)) & GROWING for name, build in search_reads.items()}
    session.rollback()
    assert dropped == {name: {"stock"} for name in search_reads}
