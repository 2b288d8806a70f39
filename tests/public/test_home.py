"""The network's home page shows one page of sites: the arguments that choose them, bad ones
refused in words (never a 500), the pages the cache may keep, and statements that do not grow
with the network."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from pantry.care.rules import record_care
from pantry.database import utcnow
from pantry.extensions import db
from pantry.needs.asks import ask
from pantry.pages import rendered_pages
from pantry.reports.models import Report
from pantry.stock import items, ledger
from tests.books import statements
from tests.conftest import key


@pytest.fixture
def network_of(app, session, make_site):
    """`count` sites in three neighbourhoods, in Brooklyn, named Fridge 00, Fridge 01..."""
    def make(count, start=0):
        places = ["Bushwick", "Flatbush", "Harlem"]
        return [make_site(f"Fridge {number:02}", address=f"{number} Elm St", neighbourhood=places[number % 3],
                          latitude=40.6 + number / 100, longitude=-73.9) for number in range(start, count)]
    return make


def names(html):
    return [line.split(">")[-1] for line in html.split("</a></h2>")[:-1]]


def test_a_small_network_looks_as_it_always_did(client, network_of):
    network_of(5)
    html = client.get("/").text
    assert names(html) == [f"Fridge {number:02}" for number in range(5)]
    assert 'id="home-near"' not in html and 'rel="next"' not in html and "Fridges 1 to" not in html


def test_a_big_network_shows_a_page_and_the_next(client, network_of):
    network_of(15)
    first = client.get("/").text
    assert names(first) == [f"Fridge {number:02}" for number in range(10)]
    assert 'id="home-near"' in first and "Fridges 1 to 10." in first
    assert '<a rel="next" href="/?page=2">Next 10</a>' in first and 'rel="prev"' not in first
    second = client.get("/?page=2")
    assert second.status_code == 200 and names(second.text) == [f"Fridge {number:02}" for number in range(10, 15)]
    assert '<a rel="prev" href="/">Previous 10</a>' in second.text and 'rel="next"' not in second.text
    assert "<title>Community fridges, page 2" in second.text


def test_the_page_size_is_a_setting(app, client, network_of):
    app.config["HOME_PAGE_SITES"] = 2
    network_of(3)
    assert names(client.get("/").text) == ["Fridge 00", "Fridge 01"]
    assert 'href="/?page=2">Next 2</a>' in client.get("/").text


def test_a_neighbourhood_comes_first_and_the_search_keeps_it(client, network_of):
    network_of(25)
    html = client.get("/?near=Harlem&page=1&q=").text
    assert set(names(html)[:8]) == {f"Fridge {number:02}" for number in range(2, 25, 3)}  # nearest its centre first
    assert "Fridges in Harlem first, then the nearest." in html and "<option selected>Harlem</option>" in html
    assert 'href="/?near=Harlem&amp;page=2"' in html


def test_a_search_by_name_or_address(client, network_of):
    network_of(25)
    html = client.get("/?q=24+elm").text
    assert names(html) == ["Fridge 24"] and 'value="24 elm"' in html
    nothing = client.get("/?q=zebra").text
    assert names(nothing) == [] and "No fridge's name or address has “zebra”." in nothing


def test_a_point_sorts_by_distance_and_is_kept_nowhere(app, client, network_of):
    app.config["PAGE_CACHE_SECONDS"] = 30
    network_of(25)
    response = client.get("/?lat=40.84&lon=-73.9")
    assert names(response.text)[:3] == ["Fridge 24", "Fridge 23", "Fridge 22"]
    assert "about 0 km away" in response.text and "about 1.1 km away" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert not [key for key in rendered_pages()._kept if "lat=" in key[3]]


@pytest.mark.parametrize("query, status, said", [
    ("near=Atlantis", 400, "There is no such neighbourhood."),
    ("page=abc", 404, "There is no such page of sites."),
    ("page=0", 404, "There is no such page of sites."),
    ("page=99999999999999999999", 404, "There is no such page of sites."),
    ("page=9", 404, "There is no such page of sites."),
    ("lat=200&lon=0", 400, "The location was not understood"),
    ("lat=40", 400, "The location was not understood"),
    ("q=" + "x" * 101, 400, "Type at most 100 letters."),
    ("q=%00", 400, "Type only letters"),
    ("near=%1b", 400, "There is no such neighbourhood."),
])
def test_bad_arguments_are_said_on_the_first_page(client, network_of, query, status, said):
    network_of(25)
    response = client.get(f"/?{query}")
    assert response.status_code == status and said in response.text
    assert 'role="alert"' in response.text and names(response.text)[0] == "Fridge 00"


def test_only_plain_pages_are_kept_rendered_and_the_cache_stays_bounded(app, client, network_of):
    app.config["PAGE_CACHE_SECONDS"] = 30
    network_of(15)
    for query in ["", "?page=2", "?near=Harlem", "?near=Harlem&page=2"]:
        assert client.get(f"/{query}").status_code == 200
    kept = {key[3] for key in rendered_pages()._kept}
    assert kept == {"/?", "/?page=2", "/?near=Harlem", "/?near=Harlem&page=2"}
    for number in range(30):  # made-up addresses: answered, never kept
        client.get(f"/?page=2&utm={number}")
        client.get(f"/?q=fridge+{number}")
        client.get(f"/?page=0{number}")
        client.get(f"/?page={number + 3}")  # past the last page: refused
    assert {key[3] for key in rendered_pages()._kept} == kept


def grow(app, session, sites, beans, milk):
    """Give each site stock, a target, a cleaning with a reading, an open report and an ask."""
    now = utcnow()
    for site in sites:
        ledger.restock(session, site.id, beans.id, 3, key(), now)
        items.set_targets(session, site.id, {beans.id: 6, milk.id: 4}, now)
        record_care(session, site, [], 3.0, "", key(), now - timedelta(hours=2),
                    checklist=list(app.config["CARE_CHECKLIST"]), limits=app.config["TEMPERATURE_LIMITS"])
        session.add(Report(site_id=site.id, kind="dirty", people=1, first_reported_at=now, last_reported_at=now))
        ask(session, site.id, key(), now, item_id=milk.id)
    session.commit()


GROWN = {"": 3, "?near=Harlem": 3, "?q=elm": 3, "?lat=40.7&lon=-73.9": 3, "?page=2": 23}  # the page, from how many sites


def test_the_statements_do_not_grow_with_the_network(app, client, session, network_of, make_item):
    """From 3 sites to 60 (page 2 from 23), each of the home page's forms sends the same
    statements, each for the shown sites only: the sites page, their shelves, care, needs and
    reports. The network grows once, each page counted at each size on the way."""
    beans, milk = make_item("Canned beans"), make_item("Milk 1 L", "dairy", "carton")
    counted, grown = {}, 0
    for size in sorted({*GROWN.values(), 60}):
        grow(app, session, network_of(size, start=grown), beans, milk)
        grown = size
        for query in (query for query, small in GROWN.items() if size in (small, 60)):
            with statements() as sent:
                assert client.get(f"/{query}").status_code == 200
            counted[query, size] = sent
    for query, small in GROWN.items():
        assert len(counted[query, small]) == len(counted[query, 60]), (query, "\n".join(counted[query, 60]))
        assert len(counted[query, 60]) <= 14, (query, "\n".join(counted[query, 60]))


SCANNED_WHOLE = re.compile(r"Seq Scan on (\w+)|^SCAN (\w+)$")
SMALL = {"site", "item"}  # a network's sites and items: hundreds of rows, read for the page's one sort


@pytest.mark.parametrize("query", ["", "?near=Harlem&page=2"])
def test_each_statement_finds_its_rows_by_an_index(app, client, session, network_of, make_item, query):
    """The history, the stock, the asks, promises, cleanings, readings and reports are found by
    the shown sites' ids along an index, never read whole (PostgreSQL with sequential scans off:
    a Seq Scan left is a missing index; SQLite: a SCAN without an index)."""
    beans, milk = make_item("Canned beans"), make_item("Milk 1 L", "dairy", "carton")
    grow(app, session, network_of(30), beans, milk)
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert client.get(f"/{query}").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    whole = {}
    for statement, parameters in sent:
        plan = connection.exec_driver_sql(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + statement, parameters)
        for row in plan:
            found = SCANNED_WHOLE.search(str(row[0] if postgres else row[-1]).strip())
            if found and (found[1] or found[2]) not in SMALL:
                whole.setdefault(found[1] or found[2], statement)
    session.rollback()
    assert not whole, whole
