"""The search reads one page of matches, whatever the network: the database counts the matches,
sorts them (by name, by neighbourhood, by great-circle distance) and sends only those shown, in
the order sorting every match in Python gives."""
import sqlite3

import pytest
from sqlalchemy import event

from pantry.database import add_math_functions, writer
from pantry.extensions import db
from pantry.needs import search
from pantry.stock import ledger
from tests.conftest import NOW, key

SHOWN = 4
PLACES = ["Bushwick", "Flatbush", "Harlem"]
HAS_OAT = {"Fridge 15", "Fridge 06"}  # the names of sites 3 and 12, (3 * 5) % 18 and (12 * 5) % 18


@pytest.fixture
def network(session, make_site, make_item):
    """18 sites with milk (two of them also with oat milk, one without a location), scattered
    about Brooklyn; beans at none."""
    milk, oat = make_item("Milk 1 L", "dairy"), make_item("Oat milk", "dairy")
    make_item("Canned beans")
    sites = []
    with writer():
        for number in range(18):
            where = {} if number == 7 else {"latitude": 40.6 + (number * 37 % 17) / 100,
                                            "longitude": -73.99 + (number * 11 % 13) / 100}
            site = make_site(f"Fridge {(number * 5) % 18:02}", neighbourhood=PLACES[number % 3], **where)
            ledger.restock(session, site.id, milk.id, 1 + number % 4, key(), NOW)
            if number in (3, 12):
                ledger.restock(session, site.id, oat.id, 2, key(), NOW)
            sites.append(site)
        session.commit()
    return sites, {milk.id: milk.name, oat.id: oat.name}


def every_match_sorted(sites, items, query):
    """The order of the search before it was cut in the database: every match read, then sorted."""
    centre = (query.latitude, query.longitude) if query.located else None
    if query.neighbourhood:
        located = [site for site in sites if site.neighbourhood == query.neighbourhood and site.latitude is not None]
        centre = (sum(site.latitude for site in located) / len(located),
                  sum(site.longitude for site in located) / len(located))
    matches = [(site, item_id) for site in sites for item_id in items if item_id == min(items) or site.name in HAS_OAT]
    placed = [(site, item_id, search.distance_km(centre, (site.latitude, site.longitude))
               if centre and site.latitude is not None else None) for site, item_id in matches]
    placed.sort(key=lambda one: (bool(query.neighbourhood) and one[0].neighbourhood != query.neighbourhood,
                                 one[2] is None, one[2] or 0, one[0].name, items[one[1]]))
    return [(site.id, item_id, km) for site, item_id, km in placed]


@pytest.mark.parametrize("query", [
    search.Query("milk"), search.Query("milk", 40.70, -73.95), search.Query("milk", 40.61, -73.9),
    search.Query("milk", neighbourhood="Harlem"),
])
def test_the_first_page_is_the_one_sorting_every_match_gives(session, network, query):
    sites, items = network
    found, total = search.find(session, query, "en", shown=SHOWN)
    expected = every_match_sorted(sites, items, query)
    assert total == len(expected) == 20
    assert [(one.site.id, one.item.id) for one in found] == [(site_id, item_id) for site_id, item_id, _ in expected[:SHOWN]]
    assert [one.km for one in found] == [pytest.approx(km) if km else km for _, _, km in expected[:SHOWN]]


@pytest.mark.parametrize("query", [search.Query("milk"), search.Query("milk", 40.70, -73.95)])
def test_no_statement_sends_more_rows_than_the_page_shows(session, network, query):
    """20 matches, 4 shown: each statement the search sends answers at most 4 rows (the items'
    names, 3 here, are the catalogue's, not the network's)."""
    sent = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        search.find(session, query, "en", shown=SHOWN)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    connection = session.connection()
    answered = {statement: len(connection.exec_driver_sql(statement, parameters).all())
                for statement, parameters in sent if statement.lstrip().startswith("SELECT")}
    assert max(answered.values()) <= SHOWN, answered


def test_a_sqlite_without_math_functions_gets_pythons():
    """The nearest-first sort uses sin, cos and radians in SQL; a SQLite built without them has
    Python's registered on connecting (pantry.database), which answer as SQLite's own do."""
    connection = sqlite3.connect(":memory:")
    add_math_functions(connection)
    assert connection.execute("SELECT sin(radians(90)), cos(0), radians(NULL)").fetchone() == (1.0, 1.0, None)
