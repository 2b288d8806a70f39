"""The charts on a phone: no sideways scrolling at 360 px and no accessibility violations."""
from datetime import timedelta

import pytest

from pantry.care.models import CareRecord, Reading
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow
from pantry.stock import ledger
from tests.conftest import PASSWORD, cheap_hash, key

pytestmark = pytest.mark.once  # what it checks does not depend on the database



@pytest.fixture
def fridge(session, make_site, make_item):
    fridge = make_site("Fulton Street Corner Fridge")
    milk = make_item("Milk 1 L", "dairy", "carton")
    now = utcnow()
    for days_ago in range(14):
        moment = now - timedelta(days=days_ago)
        ledger.restock(session, fridge.id, milk.id, 3 + days_ago % 5, key(), moment)
        ledger.take(session, fridge.id, milk.id, 2 + days_ago % 3, key(), moment)
        session.add(Reading(site_id=fridge.id, celsius=2.5 + days_ago % 4, in_range=days_ago % 4 < 3, taken_at=moment))
        session.add(CareRecord(site_id=fridge.id, idempotency_key=key(), created_at=moment))
    ledger.lock_stock(session, fridge.id, milk.id).target = 50
    session.commit()
    return fridge


def test_a_site_page_with_its_charts_on_a_phone(phone, axe, fridge):
    phone.goto(f"/sites/{fridge.slug}")
    assert phone.locator("svg.chart").count() == 2
    assert phone.evaluate("() => document.documentElement.scrollWidth") == 360
    assert phone.get_by_role("img", name="Thermometer readings, the last 14 days").is_visible()
    assert axe(phone) == []


def test_the_dashboard_on_a_phone(phone, axe, session, fridge):
    session.add(Coordinator(email="ada@example.org", name="Ada",
                            password_hash=cheap_hash(PASSWORD)))
    session.commit()
    phone.goto("/admin/sign-in")
    phone.get_by_label("Email").fill("ada@example.org")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("link", name="The network at a glance").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "The network at a glance"
    assert phone.evaluate("() => document.documentElement.scrollWidth") == 360
    assert axe(phone) == []
