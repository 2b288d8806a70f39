"""A program logging at a fridge: a movement by the ledger's rule, with a CSRF token and an
idempotency key; and every bad body, refused in JSON with a code, writing nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pantry.clock import local_today
from pantry.needs.models import Ask, Promise
from pantry.stock.models import Movement
from tests.api.conftest import csrf, post_movement
from tests.books import movements, stock_of
from tests.conftest import key


def test_a_take_is_logged_and_answered_with_the_movement(client, session, network):
    body = {"key": key(), "kind": "take", "item": network.beans.id, "quantity": 2}
    answer = post_movement(client, "corner-fridge", body, csrf(client))
    assert answer.status_code == 201
    movement = answer.json["movement"]
    assert movement["kind"] == "take" and movement["quantity"] == 2 and movement["delta"] == -2
    assert movement["item"]["name"] == "Canned beans" and movement["site"] == "corner-fridge"
    assert movement["source"] == "api" and movement["best_before"] is None
    assert stock_of(session, network.fridge, network.beans).quantity == 4
    assert session.get(Movement, movement["id"]).idempotency_key == body["key"]


def test_a_restock_with_a_best_before_date_makes_its_batch(client, session, network):
    best_before = (local_today() + timedelta(days=5)).isoformat()
    body = {"key": key(), "kind": "restock", "item": network.bread.id, "quantity": 3, "best_before": best_before}
    answer = post_movement(client, "library-shelf", body, csrf(client))
    assert answer.status_code == 201
    assert answer.json["movement"]["best_before"] == best_before
    stock = client.get("/api/v1/sites/library-shelf/stock").json["items"]
    assert stock[0]["batches"] == [{"best_before": best_before, "quantity": 3, "past_date": False}]


def test_a_discard_and_a_count(client, session, network):
    token = csrf(client)
    discard = {"key": key(), "kind": "discard", "item": network.milk.id, "quantity": 1}
    assert post_movement(client, "corner-fridge", discard, token).json["movement"]["delta"] == -1
    milk = client.get("/api/v1/sites/corner-fridge/stock").json["items"][0]
    assert [batch["past_date"] for batch in milk["batches"]] == [False]  # the earliest went first
    count = {"key": key(), "kind": "count", "item": network.milk.id, "quantity": 0}
    assert post_movement(client, "corner-fridge", count, token).json["movement"]["delta"] == -3
    assert stock_of(session, network.fridge, network.milk).quantity == 0


def test_a_take_larger_than_the_stock_is_never_refused(client, session, network):
    body = {"key": key(), "kind": "take", "item": network.beans.id, "quantity": 9}
    answer = post_movement(client, "corner-fridge", body, csrf(client))
    assert answer.status_code == 201
    assert answer.json["movement"]["delta"] == -6
    stock = stock_of(session, network.fridge, network.beans)
    assert (stock.quantity, stock.count_looks_off) == (0, True)


def test_the_same_key_again_answers_like_the_first_time(client, session, network):
    token = csrf(client)
    body = {"key": key(), "kind": "take", "item": network.beans.id, "quantity": 2}
    first = post_movement(client, "corner-fridge", body, token)
    before = movements(session)
    again = post_movement(client, "corner-fridge", body, token)
    assert again.status_code == 201
    assert again.get_data() == first.get_data()
    assert movements(session) == before
    assert stock_of(session, network.fridge, network.beans).quantity == 4


@pytest.mark.parametrize("change", [{"quantity": 3}, {"kind": "restock"}, {"item": "milk"}])
def test_the_same_key_with_other_details_is_refused(client, session, network, change):
    token = csrf(client)
    body = {"key": key(), "kind": "take", "item": network.beans.id, "quantity": 2}
    post_movement(client, "corner-fridge", body, token)
    before = movements(session)
    changed = {**body, **change}
    if changed["item"] == "milk":
        changed["item"] = network.milk.id
    answer = post_movement(client, "corner-fridge", changed, token)
    assert answer.status_code == 422
    assert answer.json["code"] == "idempotency_conflict" and answer.json["message"]
    assert movements(session) == before


def test_the_same_key_at_another_site_is_refused(client, session, network):
    token = csrf(client)
    body = {"key": key(), "kind": "restock", "item": network.beans.id, "quantity": 2}
    post_movement(client, "corner-fridge", body, token)
    answer = post_movement(client, "library-shelf", body, token)
    assert answer.status_code == 422 and answer.json["code"] == "idempotency_conflict"


def test_without_a_csrf_token_nothing_is_written(client, session, network):
    before = movements(session)
    body = {"key": key(), "kind": "take", "item": network.beans.id, "quantity": 1}
    for token in (None, "not-a-token"):
        answer = post_movement(client, "corner-fridge", body, token)
        assert answer.status_code == 400
        assert answer.json["code"] == "csrf_failed"
        assert "/api/v1/csrf-token" in answer.json["message"]
    stranger = client.application.test_client()  # a token from another session
    answer = post_movement(stranger, "corner-fridge", body, csrf(client))
    assert answer.status_code == 400 and answer.json["code"] == "csrf_failed"
    assert movements(session) == before


BAD_JSON = [
    b"[1, 2]", b'"take 2"', b'{"kind": "take", ', b"null", b"", b"42", b"\xff\xfe{}",
    b"[" * 100_000 + b"]" * 100_000, b'{"quantity": ' + b"9" * 5000 + b"}",
]


@pytest.mark.parametrize("raw", BAD_JSON, ids=range(len(BAD_JSON)))
def test_a_body_that_is_not_one_json_object_is_400(client, session, network, raw):
    before = movements(session)
    answer = client.post("/api/v1/sites/corner-fridge/movements", data=raw,
                         headers={"X-CSRFToken": csrf(client), "Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json["code"] == "bad_json" and answer.json["message"]
    assert movements(session) == before


def test_a_form_instead_of_json_is_400(client, session, network):
    token = csrf(client)
    answer = client.post("/api/v1/sites/corner-fridge/movements", headers={"X-CSRFToken": token},
                         data={"key": key(), "kind": "take", "item": network.beans.id, "quantity": 1})
    assert answer.status_code == 400 and answer.json["code"] == "bad_json"


def bad_fields(network):
    """(what is sent, the field named as wrong). Each is also outside the documented schema."""
    good = {"key": key(), "kind": "take", "item": network.beans.id, "quantity": 2}
    return [
        ({**good, "quantity": "2"}, "quantity"),
        ({**good, "quantity": 2.5}, "quantity"),
        ({**good, "quantity": 2.0}, "quantity"),
        ({**good, "quantity": True}, "quantity"),
        ({**good, "quantity": 10**30}, "quantity"),
        ({**good, "quantity": 51}, "quantity"),
        ({**good, "quantity": 0}, "quantity"),
        ({**good, "quantity": -1}, "quantity"),
        ({**good, "quantity": None}, "quantity"),
        ({**good, "quantity": [2]}, "quantity"),
        ({**good, "kind": "count", "quantity": -1}, "quantity"),
        ({key: value for key, value in good.items() if key != "quantity"}, "quantity"),
        ({**good, "kind": "steal"}, "kind"),
        ({**good, "kind": "correction"}, "kind"),
        ({**good, "kind": ["take"]}, "kind"),
        ({key: value for key, value in good.items() if key != "key"}, "key"),
        ({**good, "key": "short"}, "key"),
        ({**good, "key": "k" * 65}, "key"),
        ({**good, "key": "has spaces in it"}, "key"),
        ({**good, "key": 12345678901}, "key"),
        ({**good, "item": "Canned beans"}, "item"),
        ({**good, "item": 0}, "item"),
        ({**good, "item": True}, "item"),
        ({**good, "item": 1.0}, "item"),
        ({**good, "best_before": "2026-12-01"}, "best_before"),  # a take has no date
        ({**good, "kind": "restock", "best_before": "2026-02-31"}, "best_before"),
        ({**good, "kind": "restock", "best_before": "31/12/2026"}, "best_before"),
        ({**good, "kind": "restock", "best_before": "20261231"}, "best_before"),
        ({**good, "kind": "restock", "best_before": 20261231}, "best_before"),
        ({**good, "note": "hello"}, "note"),
    ]


def test_each_bad_field_is_422_naming_it_and_writes_nothing(client, session, network):
    token = csrf(client)
    before = movements(session)
    for body, field in bad_fields(network):
        answer = post_movement(client, "corner-fridge", body, token)
        assert answer.status_code == 422, body
        assert answer.json["code"] == "invalid"
        assert answer.json["message"]
        assert list(answer.json["fields"]) == [field], body
        assert all(answer.json["fields"][field])
    assert movements(session) == before


def test_every_bad_field_is_named_at_once(client, network):
    answer = post_movement(client, "corner-fridge", {"kind": "x", "quantity": "1"}, csrf(client))
    assert set(answer.json["fields"]) == {"key", "kind", "item", "quantity"}


def test_a_count_may_be_zero_and_is_capped_too(client, network):
    token = csrf(client)
    zero = {"key": key(), "kind": "count", "item": network.beans.id, "quantity": 0}
    assert post_movement(client, "corner-fridge", zero, token).status_code == 201
    many = {"key": key(), "kind": "count", "item": network.beans.id, "quantity": 51}
    assert post_movement(client, "corner-fridge", many, token).status_code == 422


@pytest.mark.parametrize("item", [999_999, 2**31, 2**63, 10**40])
def test_an_unknown_item_is_404(client, session, network, item):
    before = movements(session)
    body = {"key": key(), "kind": "restock", "item": item, "quantity": 1}
    answer = post_movement(client, "corner-fridge", body, csrf(client))
    assert answer.status_code == 404
    assert answer.json["code"] == "unknown_item"
    assert movements(session) == before


@pytest.mark.parametrize("slug", ["nowhere", "NOT-A-SLUG", "x" * 80])
def test_an_unknown_site_is_404(client, session, network, slug):
    before = movements(session)
    body = {"key": key(), "kind": "restock", "item": network.beans.id, "quantity": 1}
    answer = post_movement(client, slug, body, csrf(client))
    assert answer.status_code == 404
    assert answer.json["code"] == "unknown_site"
    assert movements(session) == before


def test_a_body_that_is_too_large_is_413(app, client, session, network):
    before = movements(session)
    body = {"key": key(), "kind": "take", "item": network.beans.id, "quantity": 1,
            "padding": "x" * app.config["MAX_CONTENT_LENGTH"]}
    answer = post_movement(client, "corner-fridge", body, csrf(client))
    assert answer.status_code == 413
    assert answer.json["code"] == "request_entity_too_large"
    assert movements(session) == before


def test_reading_the_write_address_is_405(client, network):
    answer = client.get("/api/v1/sites/corner-fridge/movements")
    assert answer.status_code == 405
    assert answer.json["code"] == "method_not_allowed"
    assert "POST" in answer.headers["Allow"]


@pytest.mark.parametrize("kind", ["asks", "promises"])
@pytest.mark.parametrize("bad", ["short", "k" * 65, "has spaces in it", "trailing-newline\n", 12345678901, None])
def test_an_ask_or_a_promise_with_a_bad_key_is_422_on_the_key_and_writes_nothing(client, session, network, kind, bad):
    """The key's shape is the rule's to refuse (one check of one fact); the answer names the key
    like a movement's does."""
    body = {"item": network.beans.id, **({"quantity": 2, "day": local_today().isoformat()} if kind == "promises" else {})}
    if bad is not None:
        body["key"] = bad
    answer = client.post(f"/api/v1/sites/corner-fridge/{kind}", json=body, headers={"X-CSRFToken": csrf(client)})
    assert answer.status_code == 422, answer.json
    assert answer.json["code"] == "invalid" and list(answer.json["fields"]) == ["key"]
    assert session.scalar(select(func.count()).select_from(Ask)) == 0
    assert session.scalar(select(func.count()).select_from(Promise)) == 0
