"""Reads are cached briefly and validated by ETag (304 on repeat), and open to every origin;
the CSRF token and the write are neither cached nor open to other origins."""
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from pantry.database import utcnow
from pantry.stock import ledger
from tests.api.conftest import csrf, post_movement
from tests.conftest import key

READS = [
    "/api/v1/sites", "/api/v1/sites/corner-fridge", "/api/v1/sites/corner-fridge/stock",
    "/api/v1/sites/corner-fridge/needs", "/api/v1/shifts", "/api/v1/shifts?site=corner-fridge",
    "/api/v1/items", "/api/v1/openapi.json",
]


@pytest.mark.parametrize("path", READS)
def test_a_repeat_with_the_etag_is_304_without_a_body(client, network, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.status_code == 200
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=30"
    for held in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(path, headers={"If-None-Match": held})
        assert again.status_code == 304, held
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "public, max-age=30"
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert client.get(path, headers={"If-None-Match": ""}).status_code == 200  # an empty list names nothing


def test_the_etag_changes_when_the_stock_moves(client, session, network):
    path = "/api/v1/sites/corner-fridge/stock"
    before = client.get(path).headers["ETag"]
    assert client.get(path).headers["ETag"] == before  # the same books, the same tag
    ledger.take(session, network.fridge.id, network.beans.id, 1, key(), utcnow())
    session.commit()
    after = client.get(path, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before
    assert after.json["items"][1]["quantity"] == 5


def test_last_modified_is_when_the_books_last_moved(client, session, network):
    moved_at = utcnow() + timedelta(minutes=3)
    ledger.take(session, network.fridge.id, network.beans.id, 1, key(), moved_at)
    session.commit()
    for path in ("/api/v1/sites", "/api/v1/sites/corner-fridge", "/api/v1/sites/corner-fridge/stock"):
        stamp = parsedate_to_datetime(client.get(path).headers["Last-Modified"])
        assert stamp == moved_at.replace(microsecond=0), path
    assert "Last-Modified" not in client.get("/api/v1/sites/library-shelf/stock").headers  # never moved


def test_head_answers_with_the_same_headers(client, network):
    got = client.get("/api/v1/sites")
    head = client.head("/api/v1/sites")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == got.headers["ETag"]
    assert client.head("/api/v1/sites", headers={"If-None-Match": got.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("path", ["/api/v1/sites", "/api/v1/sites/nowhere/stock", "/api/v1/openapi.json"])
def test_a_malformed_if_none_match_is_400(client, network, path):
    for value in ("abc", '"unclosed', "W/abc", '"a" "b"', '"a";"b"', '*, "a"', '"sp ace"', 'w/"x"'):
        answer = client.get(path, headers={"If-None-Match": value})
        assert answer.status_code == 400, value
        assert answer.json["code"] == "bad_if_none_match"
        assert "If-None-Match" in answer.json["message"]


@pytest.mark.parametrize("path", READS + ["/api/v1/sites/nowhere", "/api/v1/nothing-here"])
def test_reads_and_their_errors_are_open_to_every_origin(client, network, path):
    answer = client.get(path, headers={"Origin": "https://map.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]


def test_a_preflight_for_a_read_is_allowed(client, network):
    answer = client.options("/api/v1/sites/corner-fridge/stock", headers={
        "Origin": "https://map.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match",
    })
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in answer.headers["Access-Control-Allow-Methods"]
    assert answer.headers["Access-Control-Allow-Headers"] == "If-None-Match"
    assert int(answer.headers["Access-Control-Max-Age"]) > 0


def test_the_write_and_its_token_are_not_open_to_other_origins(client, network):
    preflight = client.options("/api/v1/sites/corner-fridge/movements", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-csrftoken",
    })
    assert "Access-Control-Allow-Origin" not in preflight.headers
    token_answer = client.get("/api/v1/csrf-token", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in token_answer.headers
    assert token_answer.headers["Cache-Control"] == "no-store"
    body = {"key": key(), "kind": "take", "item": network.beans.id, "quantity": 1}
    written = post_movement(client, "corner-fridge", body, csrf(client), headers={"Origin": "https://evil.example"})
    assert written.status_code == 201
    assert "Access-Control-Allow-Origin" not in written.headers
    assert written.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in post_movement(client, "corner-fridge", body).headers  # its error too


def test_dates_are_utc(client, network):
    stamp = client.get("/api/v1/sites/corner-fridge").json["last_restocked_at"]
    assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0)
