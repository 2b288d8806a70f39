"""A door does only what its page offers, and every quantity a door accepts is bounded by the
same rule as a log at a label (MAX_LOG_QUANTITY). Each public door that writes is listed here
with what it is offered; a door added later fails the first test until it is."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pantry.clock import local_today
from pantry.database import utcnow
from pantry.stock import ledger
from pantry.stock.models import Movement
from pantry.tags.rules import issue_tag
from tests.conftest import csrf_token, key
from tests.security.addresses import methods, public_rules

# The public doors that write, and whether they take a quantity.
QUANTITY_DOORS = {"tags.log", "care.discard", "api.record_movement",
                  "care.send", "needs.promise", "needs.change", "api.record_promise"}  # tests/needs, tests/stock
OTHER_DOORS = {"tags.undo", "shifts.sign_up", "shifts.cancel", "care.record", "needs.ask", "needs.cancel",
               "api.record_ask", "api.send_report", "reports.send", "public.follow", "public.following",
               "public.confirm_following", "public.unfollow", "public.push_subscribe", "public.push_unsubscribe"}


def test_every_public_door_is_listed(app):
    doors = {rule.endpoint for rule in public_rules(app) if "POST" in methods(rule)}
    assert doors == QUANTITY_DOORS | OTHER_DOORS, "list the new door here, with what its page offers"


@pytest.fixture
def fridge(session, make_site, make_item):
    site, milk = make_site("Corner Fridge"), make_item("Milk 1 L", "dairy", "carton")
    today, now = local_today(), utcnow()
    fresh = ledger.restock(session, site.id, milk.id, 40, key(), now, best_before=today + timedelta(days=3))
    old = ledger.restock(session, site.id, milk.id, 45, key(), now, best_before=today - timedelta(days=1))
    old_too = ledger.restock(session, site.id, milk.id, 45, key(), now, best_before=today - timedelta(days=1))
    assert old.allocations[0].batch_id == old_too.allocations[0].batch_id  # one batch of 90, past its date
    tags = {purpose: issue_tag(session, site, purpose, now) for purpose in ("site", "care")}
    session.commit()
    return {"site": site, "milk": milk, "fresh": fresh.allocations[0].batch_id,
            "old": old.allocations[0].batch_id, "tags": tags}


def movements(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(Movement))


def test_no_door_takes_more_than_one_log_may_carry(app, client, session, fridge):
    most = app.config["MAX_LOG_QUANTITY"]
    site_code, care_code = fridge["tags"]["site"].code, fridge["tags"]["care"].code
    token = csrf_token(client.get(f"/t/{site_code}").text)
    log = {"csrf_token": token, "key": key(), "item": fridge["milk"].id, "kind": "take"}
    before = movements(session)
    answers = {
        "label form": client.post(f"/t/{site_code}/log", data={**log, "quantity": most + 1}),
        "label outbox": client.post(f"/t/{site_code}/log", json={**log, "quantity": most + 1},
                                    headers={"X-CSRFToken": token}),
        "api": client.post(f"/api/v1/sites/{fridge['site'].slug}/movements",
                           json={"key": key(), "kind": "take", "item": fridge["milk"].id, "quantity": most + 1},
                           headers={"X-CSRFToken": client.get("/api/v1/csrf-token").json["csrf_token"]}),
    }
    checklist = client.get(f"/care/{care_code}").text
    assert f'name="quantity" value="{most}"' in checklist  # 90 past their date: offered 50 at a time
    discard = {"csrf_token": csrf_token(checklist), "batch": fridge["old"]}
    answers["discard past one log"] = client.post(f"/care/{care_code}/discard",
                                                  data={**discard, "key": key(), "quantity": most + 1})
    answers["discard the whole batch"] = client.post(f"/care/{care_code}/discard",
                                                     data={**discard, "key": key(), "quantity": 90})
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 422)
    assert movements(session) == before
    offered = client.post(f"/care/{care_code}/discard", data={**discard, "key": key(), "quantity": most})
    assert offered.status_code == 303 and movements(session) == before + 1


def test_no_door_does_what_its_page_does_not_offer(app, client, session, fridge):
    site_code, care_code = fridge["tags"]["site"].code, fridge["tags"]["care"].code
    token = csrf_token(client.get(f"/t/{site_code}").text)
    before = movements(session)
    answers = {
        # The cleaning checklist offers only batches past their date (the issue's report: 100000 of a good one).
        "discard a good batch": client.post(f"/care/{care_code}/discard", data={
            "csrf_token": token, "key": key(), "batch": fridge["fresh"], "quantity": 100_000}),
        "discard one of a good batch": client.post(f"/care/{care_code}/discard", data={
            "csrf_token": token, "key": key(), "batch": fridge["fresh"], "quantity": 1}),
    }
    # The scan page offers "I took" and "I added", never a count or a discard.
    for kind in ("count", "discard", "correction"):
        answers[f"label {kind}"] = client.post(f"/t/{site_code}/log", data={
            "csrf_token": token, "key": key(), "item": fridge["milk"].id, "kind": kind, "quantity": 1})
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 422)
    assert movements(session) == before
