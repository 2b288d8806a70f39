"""The network home and a site's page, as a neighbour or a donor reads them."""
from datetime import timedelta

import pytest

from pantry.clock import local_today
from pantry.database import utcnow
from pantry.stock import ledger
from tests.conftest import key


@pytest.fixture
def fridge(session, make_site, make_item):
    """A fridge with milk (one batch past its date, one expiring tomorrow), bread under
    target, and beans above target."""
    fridge = make_site("Corner Fridge", address="12 Elm St", hours="Always open")
    milk = make_item("Milk 1 L", "dairy", "carton")
    bread = make_item("Bread loaf", "bakery", "loaf")
    beans = make_item("Canned beans", "canned", "can")
    today, now = local_today(), utcnow()
    ledger.restock(session, fridge.id, milk.id, 2, key(), now, best_before=today - timedelta(days=1))
    ledger.restock(session, fridge.id, milk.id, 3, key(), now, best_before=today + timedelta(days=1))
    ledger.restock(session, fridge.id, bread.id, 1, key(), now)
    ledger.restock(session, fridge.id, beans.id, 12, key(), now, best_before=today + timedelta(days=400))
    for item, target in ((milk, 10), (bread, 8), (beans, 6)):
        ledger.lock_stock(session, fridge.id, item.id).target = target
    ledger.take(session, fridge.id, bread.id, 3, key(), now)  # more than was logged
    session.commit()
    return fridge


def test_the_site_page_shows_what_is_inside_by_category(client, fridge):
    page = client.get(f"/sites/{fridge.slug}").text
    assert "Corner Fridge" in page and "12 Elm St" in page and "Always open" in page
    dairy, canned = page.index("Dairy and eggs"), page.index("Canned food")
    assert dairy < page.index("Milk 1 L") < canned < page.index("Canned beans")
    assert "2 past their best-before date" in page
    assert "3 best before" in page
    assert "Bread loaf" not in page.split('id="needs"')[0]  # none left inside


def test_the_needs_list_shows_items_under_target_emptiest_first(client, fridge):
    needs = client.get(f"/sites/{fridge.slug}").text.split('id="needs"')[1]
    assert needs.index("Bread loaf") < needs.index("Milk 1 L")
    assert "0 of 8" in needs and "5 of 10" in needs
    assert "Canned beans" not in needs


def test_the_count_looks_off_after_a_take_beyond_the_stock(client, session, fridge, make_item):
    eggs = make_item("Eggs (dozen)", "dairy", "box")
    ledger.restock(session, fridge.id, eggs.id, 1, key(), utcnow())
    ledger.take(session, fridge.id, eggs.id, 2, key(), utcnow())
    ledger.restock(session, fridge.id, eggs.id, 4, key(), utcnow())
    session.commit()
    assert "Count looks off" in client.get(f"/sites/{fridge.slug}").text


def test_the_home_page_shows_each_site_with_state_fullness_and_needs(client, session, fridge, make_site):
    make_site("Library Pantry", kind="pantry", state="closed")
    page = client.get("/").text
    assert "Corner Fridge" in page and "Library Pantry" in page
    assert "Closed" in page and "Open" in page
    # Held against targets: milk 5 of 10, bread 0 of 8, beans 6 of 6 (capped) = 11 of 24.
    assert "About 46% full" in page
    assert "Needs most: Bread loaf, Milk 1 L" in page
    assert "Last restocked:" in page and "ago" in page


def test_an_unknown_site_is_a_friendly_404(client):
    answer = client.get("/sites/no-such-fridge")
    assert answer.status_code == 404
    assert "find that page" in answer.text


def test_the_language_switch_is_remembered(client, fridge):
    answer = client.get("/language/es", query_string={"next": f"/sites/{fridge.slug}"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/sites/{fridge.slug}"
    assert "lang=es" in answer.headers["Set-Cookie"]
    assert client.get("/").text.startswith('<!doctype html>\n<html lang="es">')
    offsite = client.get("/language/en", query_string={"next": "https://evil.example/"})
    assert offsite.headers["Location"] == "/"


def test_the_browser_language_is_used_without_a_switch(app, fridge):
    fresh = app.test_client()
    page = fresh.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}).text
    assert '<html lang="es">' in page


def test_a_nul_byte_in_the_address_is_a_clear_4xx(client):
    for path in ("/sites/%00", "/t/%00", "/t?code=%00"):
        assert client.get(path).status_code in (400, 404, 422), path
