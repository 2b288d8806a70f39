"""Whatever is sent, the API answers in JSON with a code, never a 500: odd addresses, odd
headers, and a few hundred bodies made of awkward values (the ledger invariant still holds after)."""
import random

import pytest

from tests.api.conftest import csrf, post_movement
from tests.books import movements
from tests.conftest import key

AWKWARD = [
    None, True, False, 0, -1, 1, 2, 50, 51, 2**31, 2**63, -(2**63), 10**40, 0.5, 1.0, 1e308, -0.0,
    "", " ", "1", "take", "restock", "count", "discard", "correction", "2027-01-31", "0000-01-01",
    "9999-12-31", "\x00", "x" * 65, "é" * 20, "🥫", "' OR 1=1 --", [], [1], {}, {"a": 1},
]
FIELDS = ["key", "kind", "item", "quantity", "best_before", "note", ""]


def awkward_bodies(beans, count=300, seed=20261120):
    chance = random.Random(seed)
    for _ in range(count):
        body = {}
        for field in chance.sample(FIELDS, chance.randint(0, len(FIELDS))):
            body[field] = chance.choice(AWKWARD)
        if chance.random() < 0.5:  # often mostly right, so the later checks are reached too
            body = {"key": key(), "kind": chance.choice(["take", "restock", "discard", "count"]),
                    "item": beans, "quantity": chance.choice([0, 1, 3]), **body}
        yield body


def test_awkward_bodies_never_get_a_500(client, session, network):
    token = csrf(client)
    statuses = set()
    for body in awkward_bodies(network.beans.id):
        answer = post_movement(client, "corner-fridge", body, token)
        assert answer.status_code in (201, 400, 404, 422), body
        assert answer.content_type == "application/json"
        if answer.status_code != 201:
            assert answer.json["code"] and answer.json["message"]
        statuses.add(answer.status_code)
    assert {201, 422} <= statuses
    assert movements(session) > 0


PATHS = [
    "/api/v1/sites", "/api/v1/sites/corner-fridge", "/api/v1/sites/%00", "/api/v1/sites/" + "a" * 5000,
    "/api/v1/sites/corner-fridge/stock", "/api/v1/sites/corner-fridge/movements", "/api/v1/shifts?site=%ff",
    "/api/v1/shifts?site=corner-fridge&site=elm-freezer", "/api/v1/items?page=-1", "/api/v1/csrf-token",
    "/api/v1/openapi.json", "/api/v1/", "/api/v1", "/api/v2/sites", "/api/v1/sites/corner-fridge/",
]


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_odd_requests_never_get_a_500(client, network, method):
    headers = {"If-None-Match": 'W/"x", "y"', "Accept-Language": "zz;q=oops", "Content-Type": "application/json",
               "X-CSRFToken": "stale"}
    for path in PATHS:
        answer = client.open(path, method=method, headers=headers, data=b'{"kind": "take"}')
        assert answer.status_code < 500, path
        if answer.status_code >= 400:
            assert answer.content_type == "application/json", path
            if method != "HEAD":
                assert answer.json["code"], path
