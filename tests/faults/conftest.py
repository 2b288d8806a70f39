"""Fixtures for the fault tests: a fridge with two items well stocked and its site label."""
import pytest

from pantry.database import utcnow
from pantry.stock import ledger
from pantry.tags.rules import issue_tag
from tests.conftest import key

STARTING_STOCK = 1000


@pytest.fixture
def fridge(session, make_site, make_item):
    """(site id, site slug, label code, {item id: starting stock})."""
    site = make_site("Corner Fridge")
    items = [make_item("Canned beans"), make_item("Milk 1 L", "dairy", "carton")]
    for item in items:
        ledger.restock(session, site.id, item.id, STARTING_STOCK, key(), utcnow())
    code = issue_tag(session, site, "site", utcnow()).code
    session.commit()
    return site.id, site.slug, code, {item.id: STARTING_STOCK for item in items}
