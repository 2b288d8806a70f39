"""The small network most tests stand on, made through the app's own rules: a fridge with
stock (a past-date batch among it), targets, a cleaning with a reading and a label of each
kind; a freezer too warm; a pantry shelf with nothing; a weekly cleaning pattern; two shifts
with a volunteer each (one shows his first name, one does not; the second
and the pattern's shifts start after the API's two weeks, so its lists show one shift); a coordinator with a password
and another invited but not yet welcomed. It has one of everything a route can name."""
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from flask import current_app

from pantry.care.rules import record_care
from pantry.clock import deployment_zone, local_today
from pantry.coordinators import invitations
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow, writer
from pantry.shifts import planning, signups
from pantry.sites.rules import create_site
from pantry.stock import items, ledger
from pantry.stock.items import create_item
from pantry.tags.rules import issue_tag

VOLUNTEER = {"name": "Zebulon Quirke", "email": "zeb.quirke@example.org", "phone": "+1 555 0199 42"}
HIDDEN_VOLUNTEER = {"name": "Bo Chen", "email": "bo.chen@example.org", "phone": "555-0142"}
COORDINATOR_EMAIL = "ada@example.org"
LATER = 15  # days: past what the API and the shift list show


@dataclass
class Network:
    fridge: object
    freezer: object
    shelf: object
    beans: object
    milk: object
    bread: object
    shift: object  # a cleaning in two days, Zebulon on it (first name shown, email and phone given)
    shift_id: int  # a restock in LATER days, Bo on it (first name hidden): open for sign-up, so its page has a form
    manage_token: str  # Bo's private link
    coordinator_email: str
    invitation_token: str  # a coordinator's one-time welcome link, not used yet


@pytest.fixture
def network(app, session):
    from tests.conftest import PASSWORD, cheap_hash, key

    config, now, zone = current_app.config, utcnow(), deployment_zone()
    today = local_today(now)
    with writer():
        fridge = create_site(session, now, "Corner Fridge", address="12 Elm St", hours="Always open")
        freezer = create_site(session, now, "Elm Freezer", kind="freezer")
        shelf = create_site(session, now, "Library Shelf", kind="pantry")
        beans = create_item(session, now, "Canned beans", "canned", "can")
        milk = create_item(session, now, "Milk 1 L", "dairy", "carton")
        bread = create_item(session, now, "Bread", "bakery", "loaf")
        ledger.restock(session, fridge.id, beans.id, 6, key(), now, best_before=today + timedelta(days=90))
        ledger.restock(session, fridge.id, milk.id, 2, key(), now, best_before=today - timedelta(days=2))
        ledger.restock(session, fridge.id, milk.id, 3, key(), now, best_before=today + timedelta(days=7))
        ledger.take(session, fridge.id, milk.id, 1, key(), now)
        items.set_targets(session, fridge.id, {beans.id: 10, milk.id: 4, bread.id: 3}, now)
        for purpose in ("site", "care"):
            issue_tag(session, fridge, purpose, now)
        issue_tag(session, fridge, "item", now, item=milk)
        limits = config["TEMPERATURE_LIMITS"]
        record_care(session, fridge, ["shelves"], 3.5, "", key(), now, checklist=["shelves"], limits=limits)
        record_care(session, freezer, [], -9.0, "", key(), now, checklist=[], limits=limits)
        planning.save_pattern(session, fridge, now, zone, weeks=3, kind="cleaning", weekdays=0b1111111,
                              starts_at=time(9), ends_at=time(9, 30), capacity=2,
                              first_day=today + timedelta(days=LATER), last_day=None)
        shift = planning.add_shift(session, fridge, "cleaning", today + timedelta(days=2), time(10), time(10, 30),
                                   3, now, zone)
        restock = planning.add_shift(session, fridge, "restock", today + timedelta(days=LATER), time(17), time(18),
                                     3, now, zone)
        session.flush()
        signups.sign_up(session, shift.id, VOLUNTEER["name"], VOLUNTEER["email"], VOLUNTEER["phone"], True,
                        key(), key(), now)
        sign_up_key = key()
        token = signups.manage_token(current_app.secret_key, sign_up_key)
        signups.sign_up(session, restock.id, HIDDEN_VOLUNTEER["name"], HIDDEN_VOLUNTEER["email"],
                        HIDDEN_VOLUNTEER["phone"], False, sign_up_key, token, now)
        session.add(Coordinator(email=COORDINATOR_EMAIL, name="Ada", password_hash=cheap_hash(PASSWORD)))
        _, link = invitations.invite(session, "new@example.org", "Nia", now, config["BASE_URL"],
                                     days=config["INVITATION_DAYS"], invited_by=COORDINATOR_EMAIL)
        session.commit()
    return Network(fridge, freezer, shelf, beans, milk, bread, shift, restock.id, token, COORDINATOR_EMAIL,
                   link.rsplit("/", 1)[1])
