"""The OpenAPI document and the API agree: for every documented answer of every operation a
real request gets that answer, and its body holds to the documented schema; the routes under
/api/v1 and the document name the same operations; the document is valid OpenAPI 3.1."""
import re
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from jsonschema import Draft202012Validator, ValidationError
from openapi_spec_validator import OpenAPIV31SpecValidator, validate as validate_document
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from pantry.api import bodies, openapi, views
from pantry.clock import local_today
from pantry.extensions import db
from tests.api.conftest import csrf, post_movement
from tests.api.test_writes import bad_fields
from tests.conftest import key

DOCUMENT = "urn:pantry:api:v1:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PREFIX = "/api/v1"


@pytest.fixture
def document(client):
    return client.get(f"{PREFIX}/openapi.json").json


def pointer(*parts):
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def resolve(document, node, at):
    """Follow a local $ref; returns the node and its JSON pointer."""
    while "$ref" in node:
        at = node["$ref"][1:]
        node = document
        for part in at.split("/")[1:]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, at


def holds(document, at, instance):
    """Validate `instance` against the schema at JSON pointer `at` in the document (JSON Schema 2020-12)."""
    registry = Registry().with_resource(DOCUMENT, Resource.from_contents(document, default_specification=DRAFT202012))
    validator = Draft202012Validator({"$ref": f"{DOCUMENT}#{at}"}, registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    validator.validate(instance)


@contextmanager
def database_failing(error):
    def fail(*args):
        raise error
    event.listen(db.engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", fail)


@dataclass
class Tools:
    app: object
    client: object
    beans: int  # the id, read before any request (a failing database must not fail the test's own reads)
    monkeypatch: object


def get(url, **headers):
    return lambda t: t.client.get(url, headers=headers)


def repeat(url):
    """The same read again, holding the ETag of the first."""
    return lambda t: t.client.get(url, headers={"If-None-Match": t.client.get(url).headers["ETag"]})


def failing(send, error):
    def run(t):
        t.app.config["PROPAGATE_EXCEPTIONS"] = False
        with database_failing(error):
            return send(t)
    return run


def broken(send, target, name):
    def run(t):
        t.app.config["PROPAGATE_EXCEPTIONS"] = False
        t.monkeypatch.setattr(target, name, lambda *args: 1 / 0)
        return send(t)
    return run


def movement(body=None, slug="corner-fridge", token=True, **kwargs):
    def send(t):
        return post_movement(t.client, slug, body(t.beans), csrf(t.client) if token else None, **kwargs)
    return send


def take(beans):
    return {"key": key(), "kind": "take", "item": beans, "quantity": 1}


def replayed(t):
    sent, token = take(t.beans), csrf(t.client)
    post_movement(t.client, "corner-fridge", sent, token)
    return post_movement(t.client, "corner-fridge", sent, token)


def conflicting(t):
    sent, token = take(t.beans), csrf(t.client)
    post_movement(t.client, "corner-fridge", sent, token)
    return post_movement(t.client, "corner-fridge", {**sent, "quantity": 2}, token)


def raw(data):
    def send(t):
        headers = {"X-CSRFToken": csrf(t.client), "Content-Type": "application/json"}
        return t.client.post(f"{PREFIX}/sites/corner-fridge/movements", data=data, headers=headers)
    return send


def limited(send, limit="1 per minute", setting="LIMIT_LOGS"):
    """`send` twice with a limit of one: the second is over it."""
    def over(t):
        t.monkeypatch.setitem(t.app.config, "RATE_LIMITS", True)
        t.monkeypatch.setitem(t.app.config, setting, limit)
        send(t)
        return send(t)
    return over


def report(body=None, slug="corner-fridge", token=True, **kwargs):
    def send(t):
        headers = {"X-CSRFToken": csrf(t.client)} if token else {}
        return t.client.post(f"{PREFIX}/sites/{slug}/reports", json=body(), headers=headers, **kwargs)
    return send


def dirty():
    return {"key": key(), "kind": "dirty", "note": "Spilt milk"}


def report_twice(change):
    def send(t):
        sent = dirty()
        report(lambda: sent)(t)
        return report(lambda: change(sent))(t)
    return send


def reported(read):
    """`read` once a report is open, so the answer has one to hold to the schema."""
    def send(t):
        assert report(dirty)(t).status_code == 201
        return read(t)
    return send


BUSY = OperationalError("SELECT", {}, Exception("database is locked"))
READS = {
    "/sites": (f"{PREFIX}/sites", None),
    "/sites/{slug}": (f"{PREFIX}/sites/corner-fridge", f"{PREFIX}/sites/nowhere"),
    "/sites/{slug}/stock": (f"{PREFIX}/sites/corner-fridge/stock", f"{PREFIX}/sites/nowhere/stock"),
    "/sites/{slug}/needs": (f"{PREFIX}/sites/corner-fridge/needs", f"{PREFIX}/sites/nowhere/needs"),
    "/shifts": (f"{PREFIX}/shifts?site=corner-fridge", f"{PREFIX}/shifts?site=nowhere"),
    "/items": (f"{PREFIX}/items", None),
    "/impact": (f"{PREFIX}/impact?site=corner-fridge&from=2026-11-01&to=2026-11-30",
                f"{PREFIX}/impact?site=nowhere"),
    "/sites/{slug}/reports": (f"{PREFIX}/sites/corner-fridge/reports", f"{PREFIX}/sites/nowhere/reports"),
}
CASES = []
for path, (url, unknown) in READS.items():
    CASES += [
        (path, "get", 200, get(url)),
        (path, "get", 304, repeat(url)),
        (path, "get", 400, get(url, **{"If-None-Match": "not-a-tag"})),
        (path, "get", 500, failing(get(url), RuntimeError("the database fell over"))),
        (path, "get", 503, failing(get(url), BUSY)),
    ]
    if unknown:
        CASES.append((path, "get", 404, get(unknown)))
CASES += [
    ("/shifts", "get", 200, get(f"{PREFIX}/shifts")),
    ("/impact", "get", 200, get(f"{PREFIX}/impact?month=2026-11")),
    ("/impact", "get", 422, get(f"{PREFIX}/impact?from=2026-11-30&to=2026-11-01")),
    ("/openapi.json", "get", 200, get(f"{PREFIX}/openapi.json")),
    ("/openapi.json", "get", 304, repeat(f"{PREFIX}/openapi.json")),
    ("/openapi.json", "get", 400, get(f"{PREFIX}/openapi.json", **{"If-None-Match": "W/nope"})),
    ("/openapi.json", "get", 500, broken(get(f"{PREFIX}/openapi.json"), openapi, "document")),
    ("/csrf-token", "get", 200, get(f"{PREFIX}/csrf-token")),
    ("/csrf-token", "get", 500, broken(get(f"{PREFIX}/csrf-token"), views, "generate_csrf")),
    ("/sites/{slug}/movements", "post", 201, movement(take)),
    ("/sites/{slug}/movements", "post", 201,
     movement(lambda n: {**take(n), "kind": "restock", "best_before": "2027-01-31"})),
    ("/sites/{slug}/movements", "post", 201, replayed),
    ("/sites/{slug}/movements", "post", 400, raw(b"[1, 2]")),
    ("/sites/{slug}/movements", "post", 400, raw(b'{"kind": ')),
    ("/sites/{slug}/movements", "post", 400, movement(take, token=False)),
    ("/sites/{slug}/movements", "post", 404, movement(take, slug="nowhere")),
    ("/sites/{slug}/movements", "post", 404, movement(lambda n: {**take(n), "item": 999_999})),
    ("/sites/{slug}/movements", "post", 413, movement(lambda n: {**take(n), "padding": "x" * 300_000})),
    ("/sites/{slug}/movements", "post", 422, movement(lambda n: {**take(n), "quantity": "2"})),
    ("/sites/{slug}/movements", "post", 422, conflicting),
    ("/sites/{slug}/movements", "post", 429, limited(movement(take))),
    ("/sites/{slug}/movements", "post", 500, broken(movement(take), bodies, "json_object")),
    ("/sites/{slug}/movements", "post", 503, failing(movement(take), BUSY)),
    ("/sites/{slug}/reports", "get", 200, reported(get(f"{PREFIX}/sites/corner-fridge/reports"))),
    ("/sites/{slug}/reports", "post", 201, report(dirty)),
    ("/sites/{slug}/reports", "post", 201, report_twice(lambda sent: sent)),
    ("/sites/{slug}/reports", "post", 400, report(lambda: [1, 2])),
    ("/sites/{slug}/reports", "post", 400, report(dirty, token=False)),
    ("/sites/{slug}/reports", "post", 404, report(dirty, slug="nowhere")),
    ("/sites/{slug}/reports", "post", 413, report(lambda: {**dirty(), "note": "x" * 300_000})),
    ("/sites/{slug}/reports", "post", 422, report(lambda: {**dirty(), "kind": 3})),
    ("/sites/{slug}/reports", "post", 422, report(lambda: {**dirty(), "kind": "filthy"})),
    ("/sites/{slug}/reports", "post", 422, report(lambda: {**dirty(), "note": "call 555 123 4567"})),
    ("/sites/{slug}/reports", "post", 422, report_twice(lambda sent: {**sent, "kind": "empty"})),
    ("/sites/{slug}/reports", "post", 429, limited(report(dirty), setting="LIMIT_REPORTS")),
    ("/sites/{slug}/reports", "post", 500, broken(report(dirty), bodies, "json_object")),
    ("/sites/{slug}/reports", "post", 503, failing(report(dirty), BUSY)),
]




def needs_write(kind, body, slug="corner-fridge", token=True):
    """A POST of an ask or a promise, as the movement's are sent."""
    def send(t):
        headers = {"X-CSRFToken": csrf(t.client)} if token else {}
        return t.client.post(f"{PREFIX}/sites/{slug}/{kind}", json=body(t.beans), headers=headers)
    return send


def asked(beans):
    return {"key": key(), "item": beans}


def promised(beans):
    return {"key": key(), "item": beans, "quantity": 2, "day": local_today().isoformat()}


def twice(send_first, change):
    def run(t):
        body = {}
        def keep(beans):
            body.update(send_first(beans))
            return body
        needs_write(change[0], keep)(t)
        return needs_write(change[0], lambda beans: {**body, **change[1]})(t)
    return run


for kind, body in (("asks", asked), ("promises", promised)):
    path = f"/sites/{{slug}}/{kind}"
    CASES += [
        (path, "post", 201, needs_write(kind, body)),
        (path, "post", 201, twice(body, (kind, {}))),
        (path, "post", 400, needs_write(kind, body, token=False)),
        (path, "post", 404, needs_write(kind, body, slug="nowhere")),
        (path, "post", 404, needs_write(kind, lambda n, body=body: {**body(n), "item": 999_999})),
        (path, "post", 422, needs_write(kind, lambda n, body=body: {**body(n), "item": "2"})),
        (path, "post", 422, twice(body, (kind, {"item": None, "name": "Oat milk"} if kind == "asks" else {"quantity": 3}))),
        (path, "post", 429, limited(needs_write(kind, body))),
        (path, "post", 500, broken(needs_write(kind, body), bodies, "json_object")),
        (path, "post", 503, failing(needs_write(kind, body), BUSY)),
    ]
CASES += [
    ("/sites/{slug}/asks", "post", 201, needs_write("asks", lambda n: {"key": key(), "name": "Oat milk"})),
    ("/sites/{slug}/asks", "post", 422, needs_write("asks", lambda n: {"key": key(), "name": "ana@example.com"})),
    ("/sites/{slug}/promises", "post", 422, needs_write("promises", lambda n: {**promised(n), "quantity": 0})),
    ("/sites/{slug}/promises", "post", 422, needs_write("promises", lambda n: {**promised(n), "day": "2020-01-01"})),
    ("/find", "get", 200, get(f"{PREFIX}/find?q=beans")),
    ("/find", "get", 200, get(f"{PREFIX}/find?q=milk&lat=40.7&lon=-74")),
    ("/find", "get", 400, get(f"{PREFIX}/find?q=milk&lat=NaN&lon=1")),
    ("/find", "get", 400, get(f"{PREFIX}/find?q=" + "x" * 10_000)),
    ("/find", "get", 500, failing(get(f"{PREFIX}/find?q=beans"), RuntimeError("the database fell over"))),
    ("/find", "get", 503, failing(get(f"{PREFIX}/find?q=beans"), BUSY)),
]


@pytest.mark.parametrize("path, method, status, send", CASES,
                         ids=[f"{method} {path} {status} #{n}" for n, (path, method, status, _) in enumerate(CASES)])
def test_each_documented_answer_is_real_and_holds_to_its_schema(
    app, client, network, monkeypatch, document, path, method, status, send,
):
    answer = send(Tools(app, client, network.beans.id, monkeypatch))
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses
    response, at = resolve(document, responses[str(status)], pointer("paths", path, method, "responses", status))
    if "content" not in response:
        assert answer.data == b""
    else:
        assert answer.content_type == "application/json"
        holds(document, f"{at}/content/application~1json/schema", answer.json)
    for name, header in response.get("headers", {}).items():
        if name == "Last-Modified" and name not in answer.headers:
            continue  # absent while the books have never moved
        header, header_at = resolve(document, header, f"{at}/headers/{pointer(name)[1:]}")
        value = answer.headers[name]
        holds(document, f"{header_at}/schema", int(value) if header["schema"].get("type") == "integer" else value)


def test_every_documented_answer_has_a_case():
    documented = {
        (path, method, int(status))
        for path, item in openapi.PATHS.items()
        for method, operation in item.items()
        for status in operation["responses"]
    }
    assert documented == {(path, method, status) for path, method, status, _ in CASES}


def test_the_routes_and_the_document_name_the_same_operations(app, document):
    assert document["servers"] == [{"url": PREFIX, "description": "This deployment."}]
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX):])
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in document["paths"].items() for method in item if method in METHODS}
    assert routes == documented


def test_the_document_is_valid_openapi_3_1(document):
    validate_document(document, cls=OpenAPIV31SpecValidator)
    for _name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)


def test_the_request_schema_agrees_with_the_server(app, network, document):
    """What the server takes, the schema takes; what it refuses as invalid, the schema refuses."""
    at = "/components/schemas/MovementRequest"
    beans = network.beans.id
    for good in (take(beans), {**take(beans), "kind": "count", "quantity": 0},
                 {**take(beans), "kind": "restock", "best_before": "2027-01-31"}):
        holds(document, at, good)
    assert document["components"]["schemas"]["MovementRequest"]["properties"]["quantity"]["maximum"] == \
        app.config["MAX_LOG_QUANTITY"]
    for bad, _field in bad_fields(network):
        if any(type(value) is float and value.is_integer() for value in bad.values()):
            continue  # 2.0 is an integer to JSON Schema; the server asks for 2
        with pytest.raises(ValidationError):
            holds(document, at, bad)
