"""Food in question and transfers through the pages: the site page says it in words, the checklist
offers it first, a coordinator clears it with a reason, and food goes between sites by form."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pantry.care import rules
from pantry.care.models import Flag
from pantry.database import utcnow
from pantry.journal import JournalEntry
from pantry.stock import ledger
from pantry.stock.models import Batch, Movement, Stock
from pantry.tags.rules import issue_tag
from tests.conftest import csrf_token, key
from tests.coordinators.conftest import post_form

WORDS = "Check before eating"
LIMITS = {"fridge": 5.0, "freezer": -15.0}


@pytest.fixture
def warm_fridge(session, make_site, make_item):
    """A fridge warm for 3 hours with 4 milk (kept cold) and 5 beans inside; a hall fridge and a shelf nearby."""
    fridge, hall, shelf = make_site("Corner Fridge"), make_site("Hall Fridge"), make_site("Library Shelf", kind="pantry")
    milk, beans = make_item("Milk 1 L", "dairy", "carton"), make_item("Canned beans")
    milk.keep_cold = True
    start = utcnow() - timedelta(hours=6)
    ledger.restock(session, fridge.id, milk.id, 4, key(), start)
    ledger.restock(session, fridge.id, beans.id, 5, key(), start)
    for hours, celsius in [(0.5, 4.0), (1, 9.0), (4, 4.0)]:
        rules.record_care(session, fridge, [], celsius, "", key(), start + timedelta(hours=hours),
                          checklist=["shelves"], limits=LIMITS)
    tag = issue_tag(session, fridge, "care", utcnow())
    session.commit()
    return fridge, hall, shelf, milk, beans, tag


def item_line(page, name):
    return page.split(name, 1)[1].split("</li>", 1)[0]


def test_the_site_page_says_which_food_to_check(client, warm_fridge):
    fridge, _, _, milk, beans, _ = warm_fridge
    page = client.get(f"/sites/{fridge.slug}").text
    assert "Check before eating: 4 were in the fridge while it was warm" in item_line(page, "Milk 1 L")
    assert WORDS not in item_line(page, "Canned beans")


def test_the_checklist_offers_warm_food_first_and_removes_it_as_warm(client, session, warm_fridge):
    fridge, _, _, milk, _, tag = warm_fridge
    page = client.get(f"/care/{tag.code}").text
    assert page.index("Was in the fridge while it was warm") < page.index("Past their best-before date")
    batch_id = session.scalar(select(Flag.batch_id))
    answer = client.post(f"/care/{tag.code}/discard", data={
        "csrf_token": csrf_token(page), "key": key(), "batch": batch_id, "quantity": 4, "reason": "warm"})
    assert answer.status_code == 303
    discard = session.scalar(select(Movement).where(Movement.kind == "discard"))
    assert (discard.reason, discard.delta, discard.item_id) == ("warm", -4, milk.id)
    assert WORDS not in client.get(f"/sites/{fridge.slug}").text
    assert "Was in the fridge while it was warm" not in client.get(f"/care/{tag.code}").text


def test_a_coordinator_clears_a_flag_only_with_a_reason(admin, session, warm_fridge):
    fridge = warm_fridge[0]
    batch_id = session.scalar(select(Flag.batch_id))
    path = f"/admin/sites/{fridge.slug}/warm"
    assert "Milk 1 L" in admin.get(path).text
    token = csrf_token(admin.get(path).text)
    refused = admin.post(f"{path}/clear", data={"csrf_token": token, "key": key(), "batch": batch_id, "reason": " "})
    assert refused.status_code == 422 and "Say why the flag can be cleared" in refused.text
    assert session.scalar(select(func.count()).where(Flag.cleared_at.is_not(None))) == 0
    cleared = admin.post(f"{path}/clear", data={
        "csrf_token": token, "key": key(), "batch": batch_id, "reason": "Probe reads 3 °C"})
    assert cleared.status_code == 303
    session.rollback()
    flag = session.scalar(select(Flag))
    assert (flag.clear_reason, flag.cleared_by) == ("Probe reads 3 °C", "ada@example.org")
    line = session.scalar(select(JournalEntry).where(JournalEntry.action == "food.flag_cleared"))
    assert (line.subject, line.after_values["reason"], line.site_id) == ("Milk 1 L", "Probe reads 3 °C", fridge.id)
    assert WORDS not in admin.get(f"/sites/{fridge.slug}").text


def send(client, tag, **fields):
    page = client.get(f"/care/{tag.code}").text
    return client.post(f"/care/{tag.code}/send", data={"csrf_token": csrf_token(page), "key": key(), **fields})


def stock_of(session, site, item):
    session.rollback()
    return session.scalar(select(Stock.quantity).where(Stock.site_id == site.id, Stock.item_id == item.id))


def test_a_volunteer_at_the_cleaning_label_sends_food_to_another_site(client, session, warm_fridge):
    fridge, hall, shelf, milk, beans, tag = warm_fridge
    assert send(client, tag, item=beans.id, to_site=hall.id, quantity=2).status_code == 303
    assert (stock_of(session, fridge, beans), stock_of(session, hall, beans)) == (3, 2)
    cases = [
        (dict(item=beans.id, to_site=fridge.id, quantity=1), 422, "choose a different site"),
        (dict(item=beans.id, to_site=hall.id, quantity=9), 409, "does not hold that many"),
        (dict(item=beans.id, to_site=hall.id, quantity="lots"), 422, "whole number"),
        (dict(item=milk.id, to_site=shelf.id, quantity=1), 409, "Tick the box"),
        (dict(item=beans.id, to_site=2**40, quantity=1), 404, "no such site"),
    ]
    before = session.scalar(select(func.count()).select_from(Movement))
    for fields, status, words in cases:
        answer = send(client, tag, **fields)
        assert (answer.status_code, words in answer.text) == (status, True), fields
    assert session.scalar(select(func.count()).select_from(Movement)) == before
    assert send(client, tag, item=milk.id, to_site=shelf.id, quantity=1, confirmed="y").status_code == 303
    assert stock_of(session, shelf, milk) == 1


def test_a_coordinator_sends_food_and_a_replayed_key_moves_it_once(admin, session, warm_fridge):
    fridge, hall, _, _, beans, _ = warm_fridge
    path = f"/admin/sites/{fridge.slug}/transfer"
    assert "Canned beans (5 here)" in admin.get(path).text
    same = key()
    for _ in range(2):
        answer = post_form(admin, path, key=same, item=beans.id, to_site=hall.id, quantity=3)
        assert answer.status_code == 303
    assert (stock_of(session, fridge, beans), stock_of(session, hall, beans)) == (2, 3)
    other = post_form(admin, path, key=same, item=beans.id, to_site=hall.id, quantity=1)
    assert other.status_code == 422 and "already sent with different details" in other.text
    lines = session.scalars(select(JournalEntry).where(JournalEntry.action == "ledger.transferred")).all()
    assert [(line.subject, line.after_values["quantity"], line.after_values["to"]) for line in lines] == [
        ("Canned beans", 3, "Hall Fridge")]  # the replay wrote no second line
    dates = session.scalars(select(Batch.best_before).where(Batch.site_id == hall.id)).all()
    assert dates == [None]


def test_the_dashboard_suggests_a_van_run_that_one_tap_sends(admin, session, make_site, make_item):
    full, empty, calm = make_site("Full Fridge"), make_site("Empty Fridge"), make_site("Calm Fridge")
    beans = make_item("Canned beans")
    ledger.restock(session, full.id, beans.id, 12, key(), utcnow())
    ledger.restock(session, calm.id, beans.id, 5, key(), utcnow())
    for site, target in [(full, 4), (empty, 6), (calm, 5)]:
        ledger.lock_stock(session, site.id, beans.id).target = target
    session.commit()
    page = admin.get("/admin/dashboard").text
    section = page.split('id="rebalancing"', 1)[1]
    assert "6 Canned beans" in section and "from Full Fridge (12, target 4)" in section
    assert "to Empty Fridge (0, target 6)" in section and "Calm Fridge" not in section
    form = section.split("<form", 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
    answer = admin.post(f"/admin/sites/{full.slug}/transfer", data=fields)
    assert answer.status_code == 303
    assert (stock_of(session, full, beans), stock_of(session, empty, beans)) == (6, 6)
    assert 'No item is above its target' in admin.get("/admin/dashboard").text


def test_the_transfer_screen_offers_the_nearest_and_takes_any_other_typed(admin, session, make_site, make_item):
    here = make_site("Here Fridge", latitude=40.70, longitude=-73.92)
    others = [make_site(f"Fridge {number:02d}", latitude=40.70 + number / 1000, longitude=-73.92)
              for number in range(1, 26)]
    beans = make_item("Canned beans")
    ledger.restock(session, here.id, beans.id, 5, key(), utcnow())
    session.commit()
    path = f"/admin/sites/{here.slug}/transfer"
    offered = re.findall(r'<option value="(\d+)"', admin.get(path).text.split('name="to_site"', 1)[1].split("</select>")[0])
    assert offered == [str(site.id) for site in others[:20]]
    far = others[-1]
    assert post_form(admin, path, key=key(), item=beans.id, to_slug=far.slug, quantity=2).status_code == 303
    assert stock_of(session, far, beans) == 2
    before = session.scalar(select(func.count()).select_from(Movement))
    unknown = post_form(admin, path, key=key(), item=beans.id, to_slug="no-such-fridge", quantity=1)
    assert unknown.status_code == 422 and "no site with that name in its web address" in unknown.text
    neither = post_form(admin, path, key=key(), item=beans.id, quantity=1)
    assert neither.status_code == 422 and "Choose the site it goes to." in neither.text
    assert session.scalar(select(func.count()).select_from(Movement)) == before
