"""The coordinators' dashboard: each figure's numbers, from data seeded on known local days."""
import re
from datetime import UTC, datetime, time, timedelta

import pytest

from pantry.care.models import CareRecord, Reading
from pantry.clock import deployment_zone, last_days, local_today
from pantry.database import utcnow
from pantry.shifts import planning, signups
from pantry.stock import history, ledger
from tests.conftest import NOW, key


def local(days_ago, hour, minute=0):
    moment = datetime.combine(local_today() - timedelta(days=days_ago), time(hour, minute), tzinfo=deployment_zone())
    return moment.astimezone(UTC)


def section(page, name):
    """The part of the page under the heading with id `name`, up to the next heading of its rank."""
    return page.split(f'id="{name}"', 1)[1].split("<h2", 1)[0]


def words(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def network(session, make_site, make_item):
    """A fridge and a pantry shelf with movements, care records, readings and shifts on known days."""
    fridge, shelf = make_site("Corner Fridge"), make_site("Library Shelf", kind="pantry")
    milk, beans, bread = make_item("Milk 1 L", "dairy"), make_item("Canned beans"), make_item("Bread loaf", "bakery")
    # Milk at the fridge: none before the 14 days, 3 on the first day, all taken 10 days ago, 2 back 6 days ago.
    ledger.restock(session, fridge.id, milk.id, 3, key(), local(13, 9))
    ledger.take(session, fridge.id, milk.id, 3, key(), local(10, 9))
    ledger.restock(session, fridge.id, milk.id, 2, key(), local(6, 9))
    ledger.lock_stock(session, fridge.id, milk.id).target = 4
    # Bread ran out too, but the fridge has no target for it: not "missing".
    ledger.restock(session, fridge.id, bread.id, 1, key(), local(2, 9))
    ledger.take(session, fridge.id, bread.id, 1, key(), local(1, 9))
    # Beans at the shelf never ran out.
    ledger.restock(session, shelf.id, beans.id, 5, key(), local(20, 9))
    ledger.take(session, shelf.id, beans.id, 1, key(), local(2, 9))
    ledger.lock_stock(session, shelf.id, beans.id).target = 2

    for moment in (local(13, 10), local(5, 10), local(5, 18), local(0, 0, 5)):
        session.add(CareRecord(site_id=fridge.id, idempotency_key=key(), created_at=moment))
    for days_ago, celsius in ((9, 4.0), (4, 7.0), (1, 3.0), (30, 9.0)):
        session.add(Reading(site_id=fridge.id, celsius=celsius, in_range=celsius <= 5, taken_at=local(days_ago, 9)))

    zone, today, now = deployment_zone(), local_today(), utcnow()
    first, second, cancelled, far = (
        planning.add_shift(session, fridge, "cleaning", today + timedelta(days=ahead), time(9), time(9, 30), capacity,
                           now, zone)
        for ahead, capacity in ((3, 2), (5, 3), (6, 4), (20, 2))
    )
    cancelled.cancelled_at = now
    session.commit()
    for name in ("Ada", "Grace"):
        signups.sign_up(session, first.id, name, None, "", False, key(), key(), utcnow())
    session.commit()
    return fridge, shelf


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    answer = client.get("/admin/dashboard")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/admin/sign-in?next=")


def test_the_home_screen_links_to_the_dashboard(admin):
    assert 'href="/admin/dashboard"' in admin.get("/admin/").text


@pytest.mark.clock
def test_items_added_and_taken_per_site_on_one_scale(admin, network):
    page = admin.get("/admin/dashboard").text
    moves = section(page, "moves")
    assert moves.count('<svg class="chart flow"') == 2
    fridge, shelf = moves.split("<figcaption>Library Shelf</figcaption>")
    assert "In all: 6 added and 4 taken." in words(fridge)
    assert "In all: 0 added and 1 taken." in words(shelf)
    scales = re.findall(r'<text class="scale"[^>]*>(\d+)</text>', moves)
    assert set(scales) - {"0"} == {"3"}  # the busiest day of either site sets both scales
    assert "<caption>Items added and taken each day at Corner Fridge, the last 14 days</caption>" in moves


def test_the_items_that_ran_out_most_often(admin, network):
    empty = words(section(admin.get("/admin/dashboard").text, "empty"))
    # Milk began the first day empty (restocked at 9:00), then was empty from 10 days ago
    # until the restock 6 days ago: days 0, 3, 4, 5, 6 and 7 of the 14.
    assert "Milk 1 L · Corner Fridge Empty on 6 of the 14 days · now 2 of 4" in empty
    assert "Bread loaf" not in empty and "Canned beans" not in empty


def test_days_at_zero_are_replayed_from_todays_stock(session, make_site, make_item):
    fridge, milk = make_site("Corner Fridge"), make_item("Milk 1 L", "dairy")
    days = last_days(NOW)

    def at(day, hour):
        return days.bounds[day] + timedelta(hours=hour)

    ledger.restock(session, fridge.id, milk.id, 2, key(), days.start - timedelta(days=6))
    ledger.take(session, fridge.id, milk.id, 2, key(), at(2, 10))  # empty from day 2...
    ledger.restock(session, fridge.id, milk.id, 4, key(), at(5, 10))  # ...to day 5
    ledger.take(session, fridge.id, milk.id, 6, key(), at(9, 12))  # more than there was: 0 on day 9
    ledger.restock(session, fridge.id, milk.id, 1, key(), at(9, 15))
    ledger.lock_stock(session, fridge.id, milk.id).target = 3
    session.commit()
    [found] = history.empty_days(session, [fridge.id], days)
    assert (found.stock.item.name, found.days) == ("Milk 1 L", 5)  # days 2, 3, 4, 5 and 9


@pytest.mark.clock
def test_cleaning_coverage_counts_days_with_a_care_record(admin, network):
    cleaning = words(section(admin.get("/admin/dashboard").text, "cleaning"))
    assert "Corner Fridge : 3 of 14 days (21%)" in cleaning
    assert "Library Shelf : 0 of 14 days (0%)" in cleaning and "No care record in the last 14 days." in cleaning
    missed = cleaning.split("No care record on ", 1)[1].split(".", 1)[0].split(", ")
    assert len(missed) == 11


@pytest.mark.clock
def test_shifts_filled_and_empty_in_the_next_two_weeks(admin, network):
    shifts = words(section(admin.get("/admin/dashboard").text, "shifts"))
    assert "Corner Fridge : 2 of 5 places taken · 3 open · 1 shift with nobody yet" in shifts
    assert "Library Shelf : no shifts planned." in shifts


def test_readings_out_of_range(admin, network):
    readings = section(admin.get("/admin/dashboard").text, "readings")
    said = words(readings)
    assert "1 reading was too warm in the last 14 days." in said
    assert "Corner Fridge : 1 of 3 readings too warm" in said
    assert "Library Shelf" not in said  # a pantry shelf takes no readings
    rows = re.findall(r"<tr><td>.*?</tr>", readings, re.S)
    assert len(rows) == 1 and "7 °C" in rows[0] and "5 °C" in rows[0] and "Corner Fridge" in rows[0]


def test_an_empty_network_says_so(admin):
    page = admin.get("/admin/dashboard").text
    assert "No sites yet." in page
    assert "No item with a target ran out in the last 14 days." in page
