"""What the properties in this folder found, each pinned by the exact input that broke it."""
import io
import json
import uuid
from datetime import timedelta

import pytest

from pantry.stock import ledger
from pantry.stock.errors import (
    BadEntry,
    UnknownBatch,
    UnknownItem,
    UnknownMovement,
    UnknownSite,
)
from tests.conftest import NOW, key
from tests.properties.conftest import page_token, row_counts

TOO_LARGE = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("item", [str(n) for n in TOO_LARGE])
@pytest.mark.parametrize("quantity", ["0", "1"])
def test_the_log_form_with_a_huge_item_number_is_refused_not_a_500(client, session, world, item, quantity):
    """Was an OverflowError on SQLite: the item was looked up (and the page shown again) with a
    number beyond its 64-bit integers."""
    token = page_token(client, f"/t/{world.site_code}")
    before = row_counts(session)
    answer = client.post(f"/t/{world.site_code}/log", data={
        "csrf_token": token, "key": key(), "kind": "take", "item": item, "quantity": quantity})
    assert answer.status_code == 422
    assert row_counts(session) == before


def test_a_json_log_with_a_huge_item_number_is_refused_not_a_500(client, session, world):
    token = page_token(client, f"/t/{world.site_code}")
    before = row_counts(session)
    for item in TOO_LARGE:
        answer = client.post(f"/t/{world.site_code}/log", headers={"X-CSRFToken": token},
                             data=json.dumps({"key": key(), "kind": "take", "item": item, "quantity": 1}),
                             content_type="application/json")
        assert answer.status_code == 422
        assert answer.json["fields"]["item"]
    assert row_counts(session) == before


def test_a_scan_page_asked_for_a_huge_item_number_shows_the_site(client, world):
    answer = client.get(f"/t/{world.site_code}", query_string={"item": str(2**63)})
    assert answer.status_code == 200


def test_removing_a_batch_with_a_huge_number_is_refused_not_a_500(client, session, world):
    """Was an OverflowError on SQLite."""
    token = page_token(client, f"/care/{world.care_code}")
    before = row_counts(session)
    for batch in TOO_LARGE:
        answer = client.post(f"/care/{world.care_code}/discard", data={
            "csrf_token": token, "key": key(), "batch": str(batch), "quantity": "1"})
        assert answer.status_code == UnknownBatch.status
    assert row_counts(session) == before


def test_a_correction_naming_true_is_refused_not_applied_to_the_first_entry(session, world):
    """`True == 1`: correct(session, True, ...) corrected movement 1."""
    for movement in (True, "1", 1.0):
        with pytest.raises(BadEntry):
            ledger.correct(session, movement, key(), NOW)
        session.rollback()


@pytest.mark.parametrize("name, error", [("site_id", UnknownSite), ("item_id", UnknownItem)])
def test_ids_beyond_any_row_are_unknown_not_an_overflow(session, world, name, error):
    for number in TOO_LARGE:
        ids = {"site_id": world.site_id, "item_id": world.beans, name: number}
        with pytest.raises(error):
            ledger.take(session, ids["site_id"], ids["item_id"], 1, key(), NOW)
        session.rollback()
    for number in TOO_LARGE:
        with pytest.raises(UnknownMovement):
            ledger.correct(session, number, key(), NOW)
        session.rollback()
        with pytest.raises(UnknownBatch):
            ledger.discard(session, world.site_id, world.beans, 1, key(), NOW, batch_id=number)
        session.rollback()


@pytest.mark.parametrize("quantity", [ledger.LARGEST_QUANTITY + 1, 2**31, 2**63, 10**30])
def test_a_quantity_no_stock_row_can_hold_is_refused(session, world, quantity):
    """Was an OverflowError on SQLite and an out-of-range DataError on PostgreSQL."""
    for rule in (ledger.restock, ledger.take, ledger.count):
        with pytest.raises(BadEntry):
            rule(session, world.site_id, world.beans, quantity, key(), NOW)
        session.rollback()


@pytest.mark.parametrize("bad_key", ["key\x00key\x00", "ключ-ключ-ключ", "abcdefgh\n", "with spaces in it"])
def test_a_key_the_forms_would_refuse_is_refused_by_the_ledger_too(session, world, bad_key):
    """A NUL byte was a DataError on PostgreSQL; the forms and the API take only [A-Za-z0-9_-]{8,64}."""
    with pytest.raises(BadEntry):
        ledger.restock(session, world.site_id, world.beans, 1, bad_key, NOW)


@pytest.mark.parametrize("best_before", ["2026-11-25", 20261125])
def test_a_best_before_that_is_not_a_date_is_refused(session, world, best_before):
    """Was a TypeError from SQLite's Date type, after the stock row was made."""
    with pytest.raises(BadEntry):
        ledger.restock(session, world.site_id, world.beans, 1, key(), NOW, best_before=best_before)


def test_an_undo_sent_again_after_its_window_answers_like_the_first_time(session, world):
    """Was UndoExpired: the window was checked before the key was looked up (rule 5)."""
    took = ledger.take(session, world.site_id, world.beans, 1, key(), NOW)
    session.commit()
    same = uuid.uuid4().hex
    undone = ledger.undo(session, took.id, same, NOW + timedelta(minutes=1), timedelta(minutes=5))
    session.commit()
    before = row_counts(session)
    again = ledger.undo(session, took.id, same, NOW + timedelta(hours=2), timedelta(minutes=5))
    assert again.id == undone.id
    session.commit()
    assert row_counts(session) == before


def chunked_log(client, world, token, padding):
    body = (f"csrf_token={token}&key={key()}&kind=take&item={world.beans}&quantity=1&pad=" + "x" * padding).encode()
    return client.post(f"/t/{world.site_code}/log", input_stream=io.BytesIO(body),
                       content_type="application/x-www-form-urlencoded",
                       headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})


def test_a_chunked_body_past_the_limit_is_413_not_cut_short_and_logged(app, client, session, world):
    """Was a 303 that logged the take: Werkzeug cut the stream at MAX_CONTENT_LENGTH and the
    form was read from what was left (a body with a Content-Length was already a 413)."""
    token = page_token(client, f"/t/{world.site_code}")
    before = row_counts(session)
    assert chunked_log(client, world, token, app.config["MAX_CONTENT_LENGTH"]).status_code == 413
    assert row_counts(session) == before
    assert chunked_log(client, world, token, 100).status_code == 303  # a small one still works


def test_a_count_of_a_huge_item_number_is_refused_not_a_500(desk, session, world):
    """Was an OverflowError on SQLite: the coordinator's count looked the item up as sent."""
    token = page_token(desk, f"/admin/sites/{world.slug}/stock")
    before = row_counts(session)
    for item in TOO_LARGE:
        answer = desk.post(f"/admin/sites/{world.slug}/count", data={
            "csrf_token": token, "key": key(), "item": str(item), "counted": "0"})
        assert answer.status_code == 422
        assert "There is no such item." in answer.text
    assert row_counts(session) == before


@pytest.mark.parametrize("body", [b"[[1]]", b'"a"', b"5", b"[" * 100_000 + b"]" * 100_000,
                                  b'{"name": 5, "kind": {"a": 1}, "state": [null, "open"]}'])
def test_an_admin_form_sent_json_that_is_not_text_fields_is_refused_not_a_500(desk, session, world, body):
    """Was a 500: Flask-WTF read any JSON body as the form's fields (a list, a string or a number
    cannot be; a number or an object in a field reached validators that expect text)."""
    token = page_token(desk, "/admin/sites/new")
    before = row_counts(session)
    answer = desk.post("/admin/sites/new", data=body, content_type="application/json",
                       headers={"X-CSRFToken": token})
    assert answer.status_code == 422
    assert row_counts(session) == before


def test_an_admin_form_sent_a_json_object_of_text_still_saves(desk, session, world):
    token = page_token(desk, "/admin/items/new")
    answer = desk.post("/admin/items/new", data=json.dumps({"name": "Rice 1 kg", "category": "dry", "unit": 1}),
                       content_type="application/json", headers={"X-CSRFToken": token})
    assert answer.status_code == 303, answer.text
