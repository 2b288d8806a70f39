"""Public pages kept rendered: a take shows at once, other changes within PAGE_CACHE_SECONDS."""
import pytest

from pantry.database import utcnow
from pantry.stock import ledger
from tests.books import statements
from tests.conftest import key


@pytest.fixture
def fridge(app, session, make_site, make_item):
    app.config["PAGE_CACHE_SECONDS"] = 30
    fridge = make_site("Corner Fridge")
    beans = make_item("Canned beans")
    ledger.restock(session, fridge.id, beans.id, 6, key(), utcnow())
    session.commit()
    return fridge, beans


def test_a_movement_shows_at_once(client, session, fridge):
    site, beans = fridge
    assert '<span class="qty">6</span>' in client.get(f"/sites/{site.slug}").text
    ledger.take(session, site.id, beans.id, 2, key(), utcnow())
    session.commit()
    assert '<span class="qty">4</span>' in client.get(f"/sites/{site.slug}").text


def test_other_changes_wait_for_the_page_to_age(app, client, session, fridge):
    site, _ = fridge
    assert "Always open" not in client.get(f"/sites/{site.slug}").text
    site.hours = "Always open"
    session.commit()
    assert "Always open" not in client.get(f"/sites/{site.slug}").text  # kept for now
    app.config["PAGE_CACHE_SECONDS"] = 0
    assert "Always open" in client.get(f"/sites/{site.slug}").text


def test_each_language_is_kept_apart(client, fridge):
    site, _ = fridge
    assert '<html lang="en">' in client.get(f"/sites/{site.slug}").text
    spanish = client.get(f"/sites/{site.slug}", headers={"Accept-Language": "es"}).text
    assert '<html lang="es">' in spanish


def _sent(engine, call):
    """The statements (but BEGIN) `call()` sends."""
    with statements(engine=engine) as sent:
        call()
    return sent


def test_a_kept_page_is_served_after_one_query(client, fridge):
    """Whether the kept page is still the page is one query (the site's latest movement, reading,
    care record, flags, ask, promise and report entry, and its open reports); then a dict lookup."""
    from pantry.extensions import db

    page = f"/sites/{fridge[0].slug}"
    first = client.get(page).text
    sent = _sent(db.engine, lambda: client.get(page))
    assert len(sent) == 1, "\n".join(sent)
    assert client.get(page).text == first
    assert client.get("/sites/no-such-site").status_code == 404


def test_a_rendered_site_page_reads_its_shelves_once(app, client, fridge):
    """The needs list works from the stock rows the page read for its shelves, not a second read."""
    from pantry.extensions import db

    app.config["PAGE_CACHE_SECONDS"] = 0
    page = f"/sites/{fridge[0].slug}"
    sent = _sent(db.engine, lambda: client.get(page))
    assert len([statement for statement in sent if statement.split("FROM")[1].split()[0] == "stock"]) == 1
