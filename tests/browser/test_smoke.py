"""The browser set-up itself: a phone-sized Chromium reaches the app, and axe runs."""
import pytest

from pantry.database import utcnow
from pantry.stock import ledger
from tests.conftest import key

pytestmark = pytest.mark.once  # what it checks does not depend on the database


def test_a_phone_opens_a_site_page_with_no_accessibility_violations(phone, axe, session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    beans = make_item("Canned beans")
    ledger.restock(session, fridge.id, beans.id, 4, key(), utcnow())
    session.commit()
    phone.goto(f"/sites/{fridge.slug}")
    assert phone.get_by_role("heading", level=1).inner_text() == "Corner Fridge"
    assert phone.evaluate("() => innerWidth") == 360
    assert axe(phone) == []
