"""A small network for the API to read: a fridge with stock, a past-date batch, targets, a
cleaning with a reading, and a shift with a volunteer signed up (email and phone given);
a freezer too warm; a pantry shelf with nothing; helpers to call the API as a program would."""
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from pantry.care import rules as care
from pantry.clock import deployment_zone, local_today
from pantry.database import utcnow
from pantry.shifts import planning, signups
from pantry.stock import items, ledger
from pantry.stock.models import Movement
from tests.conftest import key

VOLUNTEER = {"name": "Zebulon Quirke", "email": "zeb.quirke@example.org", "phone": "+1 555 0199 42"}
LIMITS = {"fridge": 5.0, "freezer": -15.0}


@dataclass
class Network:
    fridge: object
    freezer: object
    shelf: object
    beans: object
    milk: object
    bread: object
    shift: object


@pytest.fixture
def network(session, make_site, make_item):
    fridge = make_site("Corner Fridge", address="12 Elm St", hours="Always open")
    freezer = make_site("Elm Freezer", kind="freezer")
    shelf = make_site("Library Shelf", kind="pantry")
    beans = make_item("Canned beans", "canned", "can")
    milk = make_item("Milk 1 L", "dairy", "carton")
    bread = make_item("Bread", "bakery", "loaf")
    now, today = utcnow(), local_today()
    ledger.restock(session, fridge.id, beans.id, 6, key(), now, best_before=today + timedelta(days=90))
    ledger.restock(session, fridge.id, milk.id, 2, key(), now, best_before=today - timedelta(days=2))
    ledger.restock(session, fridge.id, milk.id, 3, key(), now, best_before=today + timedelta(days=7))
    ledger.take(session, fridge.id, milk.id, 1, key(), now)
    items.set_targets(session, fridge.id, {beans.id: 10, milk.id: 4, bread.id: 3}, now)
    care.record_care(session, fridge, ["shelves"], 3.5, "", key(), now, checklist=["shelves"], limits=LIMITS)
    care.record_care(session, freezer, [], -9.0, "", key(), now, checklist=[], limits=LIMITS)
    shift = planning.add_shift(session, fridge, "cleaning", today + timedelta(days=2), time(9), time(9, 30), 3,
                               now, deployment_zone())
    session.flush()
    signups.sign_up(session, shift.id, VOLUNTEER["name"], VOLUNTEER["email"], VOLUNTEER["phone"], True,
                    key(), key(), now)
    session.commit()
    return Network(fridge, freezer, shelf, beans, milk, bread, shift)


def movements(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(Movement))


def csrf(client):
    answer = client.get("/api/v1/csrf-token")
    assert answer.status_code == 200
    return answer.json["csrf_token"]


def post_movement(client, slug, body, token=None, headers=None, **kwargs):
    headers = {**({"X-CSRFToken": token} if token else {}), **(headers or {})}
    return client.post(f"/api/v1/sites/{slug}/movements", json=body, headers=headers, **kwargs)
