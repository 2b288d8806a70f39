"""A person at the fridge: scan a label, see what is inside, log a take or a restock, undo."""
import re
import time
from datetime import date

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from pantry.database import utcnow
from pantry.stock import ledger
from pantry.stock.models import Movement, Stock
from pantry.tags.rules import issue_tag, revoke_tag
from tests.books import movements
from tests.conftest import csrf_token, key


@pytest.fixture
def beans(session, fridge, make_item):
    beans = make_item("Canned beans")
    ledger.restock(session, fridge.id, beans.id, 6, key(), utcnow(), best_before=date(2027, 3, 1))
    session.commit()
    return beans


@pytest.fixture
def site_tag(session, fridge):
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    return tag




def quantity(session, site, item):
    session.rollback()
    return session.scalar(select(Stock.quantity).where(Stock.site_id == site.id, Stock.item_id == item.id))


def open_scan(client, tag, **params):
    page = client.get(f"/t/{tag.code}", query_string=params)
    assert page.status_code == 200
    return page.text


def log(client, tag, token, **fields):
    data = {"csrf_token": token, "key": key(), "kind": "take", **fields}
    return client.post(f"/t/{tag.code}/log", data=data)


def test_a_site_label_lists_what_is_inside_with_one_tap(client, site_tag, beans):
    page = open_scan(client, site_tag)
    assert "Canned beans" in page
    assert "6 inside" in page
    assert 'value="1">Took 1' in page


def test_one_tap_logs_a_take_and_offers_undo(client, session, site_tag, fridge, beans):
    token = csrf_token(open_scan(client, site_tag))
    answer = log(client, site_tag, token, item=beans.id, quantity=2)
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).text
    assert "Logged: took 2 Canned beans" in page
    assert quantity(session, fridge, beans) == 4

    movement_id = re.search(r'name="movement" value="(\d+)"', page).group(1)
    undone = client.post(
        f"/t/{site_tag.code}/undo", data={"csrf_token": token, "key": key(), "movement": movement_id}
    )
    assert undone.status_code == 303
    assert "Undone" in client.get(undone.headers["Location"]).text
    assert quantity(session, fridge, beans) == 6


@pytest.mark.clock
def test_undo_only_from_the_browser_that_logged(app, client, session, site_tag, fridge, beans):
    token = csrf_token(open_scan(client, site_tag))
    log(client, site_tag, token, item=beans.id, quantity=1)
    session.rollback()
    movement_id = session.scalar(select(Movement.id).where(Movement.kind == "take"))
    stranger = app.test_client()
    stranger_token = csrf_token(open_scan(stranger, site_tag))
    answer = stranger.post(
        f"/t/{site_tag.code}/undo", data={"csrf_token": stranger_token, "key": key(), "movement": movement_id}
    )
    assert "Only entries logged from this phone" in stranger.get(answer.headers["Location"]).text
    assert quantity(session, fridge, beans) == 5


@pytest.mark.clock
def test_a_restock_with_a_best_before_date(client, session, site_tag, fridge, beans):
    token = csrf_token(open_scan(client, site_tag))
    answer = log(client, site_tag, token, item=beans.id, kind="restock", quantity=6, best_before="2026-11-27")
    assert answer.status_code == 303
    assert "Logged: added 6 Canned beans" in client.get(answer.headers["Location"]).text
    assert quantity(session, fridge, beans) == 12
    site_page = client.get(f"/sites/{fridge.slug}").text
    assert "12" in site_page


def test_an_item_label_opens_that_item(client, session, fridge, beans):
    tag = issue_tag(session, fridge, "item", utcnow(), item=beans)
    session.commit()
    page = open_scan(client, tag)
    assert "<h1>Canned beans</h1>" in page
    token = csrf_token(page)
    assert log(client, tag, token, item=beans.id, quantity=3).status_code == 303
    assert quantity(session, fridge, beans) == 3


def test_an_item_label_logs_only_its_item(client, session, fridge, beans, make_item):
    milk = make_item("Milk 1 L", "dairy", "carton")
    tag = issue_tag(session, fridge, "item", utcnow(), item=beans)
    session.commit()
    token = csrf_token(open_scan(client, tag))
    answer = log(client, tag, token, item=milk.id, quantity=1)
    assert answer.status_code == 422
    assert "This label is for Canned beans" in answer.text
    assert movements(session) == 1


def test_the_same_form_sent_twice_logs_once(client, session, site_tag, fridge, beans):
    token = csrf_token(open_scan(client, site_tag))
    data = {"csrf_token": token, "key": key(), "kind": "take", "item": beans.id, "quantity": 1}
    assert client.post(f"/t/{site_tag.code}/log", data=data).status_code == 303
    assert client.post(f"/t/{site_tag.code}/log", data=data).status_code == 303
    assert quantity(session, fridge, beans) == 5
    changed = {**data, "quantity": 2}
    refused = client.post(f"/t/{site_tag.code}/log", data=changed)
    assert refused.status_code == 422
    assert "already sent with different details" in refused.text
    assert quantity(session, fridge, beans) == 5


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"quantity": "0"}, "Enter a whole number from 1 to 50."),
        ({"quantity": "-3"}, "Enter a whole number from 1 to 50."),
        ({"quantity": "51"}, "Enter a whole number from 1 to 50."),
        ({"quantity": "99999999999999999999999999"}, "Enter a whole number from 1 to 50."),
        ({"quantity": "2.5"}, "Not a valid integer value."),
        ({"quantity": "two"}, "Not a valid integer value."),
        ({"quantity": ""}, "Say how many, as a whole number."),
        ({"quantity": "1", "item": "999999"}, "There is no such item."),
        ({"quantity": "1", "item": "beans"}, "Not a valid integer value."),
        ({"quantity": "1", "kind": "restock", "best_before": "31/02/2026"}, "Not a valid date value."),
        ({"quantity": "1", "kind": "restock", "best_before": "2026-02-31"}, "Not a valid date value."),
        ({"quantity": "1", "best_before": "2026-12-01"}, "Only food you added has a best-before date here."),
        ({"quantity": "1", "kind": "steal"}, "Not a valid choice."),
        ({"quantity": "1", "key": "x"}, "This entry has no valid key"),
        ({"quantity": "1", "key": "k" * 65}, "This entry has no valid key"),
        ({"quantity": "1", "key": ""}, "This entry has no valid key"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(client, session, site_tag, beans, fields, message):
    token = csrf_token(open_scan(client, site_tag))
    data = {"csrf_token": token, "key": key(), "kind": "take", "item": str(beans.id), **fields}
    answer = client.post(f"/t/{site_tag.code}/log", data=data)
    assert answer.status_code == 422
    assert message in answer.text
    assert "nothing was saved yet" in answer.text
    assert movements(session) == 1


def test_a_missing_csrf_token_is_refused(client, session, site_tag, beans):
    answer = client.post(f"/t/{site_tag.code}/log", data={"key": key(), "kind": "take", "item": beans.id, "quantity": 1})
    assert answer.status_code == 400
    assert "reload the page" in answer.text
    assert movements(session) == 1


def test_an_expired_csrf_token_is_refused(app, client, session, site_tag, beans):
    open_scan(client, site_tag)  # the session now holds a raw token

    class LongAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - app.config["WTF_CSRF_TIME_LIMIT"] - 60

    with client.session_transaction() as browser:
        raw = browser["csrf_token"]
    stale = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=LongAgo).dumps(raw)
    answer = log(client, site_tag, stale, item=beans.id, quantity=1)
    assert answer.status_code == 400
    assert movements(session) == 1


def test_json_logs_and_answers_a_replay_like_the_first_time(client, session, site_tag, fridge, beans):
    token = csrf_token(open_scan(client, site_tag))
    body = {"key": key(), "kind": "take", "item": beans.id, "quantity": 2}
    headers = {"X-CSRFToken": token}
    first = client.post(f"/t/{site_tag.code}/log", json=body, headers=headers)
    again = client.post(f"/t/{site_tag.code}/log", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json == again.json
    assert first.json["movement"]["delta"] == -2
    assert quantity(session, fridge, beans) == 4
    conflict = client.post(f"/t/{site_tag.code}/log", json={**body, "quantity": 3}, headers=headers)
    assert conflict.status_code == 422
    assert conflict.json["code"] == "idempotency_conflict"


@pytest.mark.parametrize(
    "body, status, code",
    [
        ("[1, 2]", 400, "bad_json"),
        ('"take 2"', 400, "bad_json"),
        ('{"kind": "take", ', 400, "bad_json"),
        ("[" * 100_000 + "]" * 100_000, 400, "bad_json"),
        ('{"kind": "take", "quantity": 2.5, "item": 1, "key": "abcdefgh12"}', 422, "invalid"),
        ('{"kind": "take", "quantity": [2], "item": 1, "key": "abcdefgh12"}', 422, "invalid"),
        ('{"kind": "take", "quantity": true, "item": 1, "key": "abcdefgh12"}', 422, "invalid"),
    ],
)
def test_bad_json_gets_a_json_error_and_writes_nothing(client, session, site_tag, beans, body, status, code):
    token = csrf_token(open_scan(client, site_tag))
    answer = client.post(
        f"/t/{site_tag.code}/log", data=body,
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert answer.status_code == status
    assert answer.json["code"] == code
    assert answer.json["message"]
    assert movements(session) == 1


def test_a_body_that_is_too_large_is_refused(app, client, site_tag, beans):
    token = csrf_token(open_scan(client, site_tag))
    answer = log(client, site_tag, token, item=beans.id, quantity=1, note="x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert answer.status_code == 413


def test_an_unknown_code_gets_a_friendly_page(client):
    answer = client.get("/t/ZZZZZZZZ")
    assert answer.status_code == 404
    assert "We don't know this label" in answer.text
    assert 'action="/t"' in answer.text
    assert client.get("/t/not-a-code-at-all").status_code == 404


def test_a_revoked_code_is_gone(client, session, site_tag, beans):
    revoke_tag(session, site_tag, utcnow())
    session.commit()
    answer = client.get(f"/t/{site_tag.code}")
    assert answer.status_code == 410
    assert "no longer used" in answer.text


def test_typing_the_code_by_hand(client, site_tag):
    typed = f" {site_tag.code[:4].lower()}-{site_tag.code[4:]} "
    answer = client.get("/t", query_string={"code": typed})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/t/{site_tag.code}")
    assert client.get("/t", query_string={"code": ""}).status_code == 422
    assert client.get("/t", query_string={"code": "X" * 30}).status_code == 422
    assert client.get("/t").status_code == 200
