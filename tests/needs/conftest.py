"""A fridge with milk and beans for the needs tests: milk under its target, beans at it."""
from dataclasses import dataclass

import pytest

from pantry.database import writer
from pantry.stock import items, ledger
from tests.conftest import NOW, key


@dataclass
class Fridge:
    site: object
    milk: object
    beans: object


@pytest.fixture
def fridge(session, make_site, make_item):
    site = make_site("Fulton St Fridge", latitude=40.6928, longitude=-73.9903, neighbourhood="Downtown")
    milk, beans = make_item("Milk 1 L", "dairy", "carton"), make_item("Canned beans")
    with writer():
        items.set_targets(session, site.id, {milk.id: 10, beans.id: 4}, NOW)
        ledger.restock(session, site.id, beans.id, 4, key(), NOW)
        session.commit()
    return Fridge(site, milk, beans)
