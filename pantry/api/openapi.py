"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.

Written by hand as a dict: every path, parameter, answer and error code the API has.
tests/api/test_conformance.py makes real requests for each documented answer and holds the
bodies to these schemas, and checks that the routes and this document name the same paths."""
from flask import current_app

from pantry.api.caching import MAX_AGE
from pantry.api.schema_parts import SLUG as SLUG_SCHEMA, ref
from pantry.api.schemas import schemas

DESCRIPTION = """Live status of every fridge, freezer and pantry shelf in the network: what is inside,
what each needs, how it is cared for, and the shifts that need volunteers. The same books as the pages.

**Reads** are public and open to every origin (CORS `*`). Each answer has a strong `ETag` made
from its body: send it back in `If-None-Match` and an unchanged answer is `304 Not Modified`.
Answers may be kept for %(max_age)s seconds (`Cache-Control: public, max-age=%(max_age)s`).
`Last-Modified`, where given, says when the books behind the answer last moved; validate with the ETag.

**The writes** (a movement, a report) are for this deployment's own pages and apps: they are not
open to other origins, and they need a CSRF token: `GET /csrf-token` gives one and sets a session cookie; send
both back, the token in the `X-CSRFToken` header. Over HTTPS, also send a same-origin `Referer`.
Every write carries an idempotency key: the same key again answers like the first time.

**Errors** are JSON with a stable `code` and a `message` in the request's language
(Accept-Language). Besides those listed per operation, an unknown address under /api/v1 answers
404 `not_found`, a method an address does not take 405 `method_not_allowed`."""


def document():
    most = current_app.config["MAX_LOG_QUANTITY"]
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Pantry API",
            "version": "1.0.0",
            "description": DESCRIPTION % {"max_age": MAX_AGE},
        },
        "servers": [{"url": "/api/v1", "description": "This deployment."}],
        "paths": PATHS,
        "components": {
            "schemas": schemas(most),
            "parameters": PARAMETERS,
            "headers": HEADERS,
            "responses": RESPONSES,
            "securitySchemes": {
                "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                              "description": "From GET /csrf-token."},
                "session": {"type": "apiKey", "in": "cookie", "name": current_app.config["SESSION_COOKIE_NAME"],
                            "description": "The cookie set with the CSRF token."},
            },
        },
    }


def _parameter(name):
    return {"$ref": f"#/components/parameters/{name}"}


def _header(name):
    return {"$ref": f"#/components/headers/{name}"}


def _response(name):
    return {"$ref": f"#/components/responses/{name}"}


def error(description, *codes):
    """An error answer whose body is an Error with one of `codes`."""
    schema = {"allOf": [ref("Error"), {"properties": {"code": {"enum": list(codes)}}}]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def read(operation_id, summary, schema, parameters=(), errors=None, last_modified=True, database=True):
    """A cached, public GET: 200 with its ETag, 304, and the errors every read may meet
    (503 only for those that ask the database)."""
    headers = {"ETag": _header("ETag"), "Cache-Control": _header("CacheControl"),
               "Access-Control-Allow-Origin": _header("AllowOrigin")}
    if last_modified:
        headers["Last-Modified"] = _header("LastModified")
    return {"get": {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [*parameters, _parameter("IfNoneMatch"), _parameter("AcceptLanguage")],
        "responses": {
            "200": {"description": summary, "headers": headers,
                    "content": {"application/json": {"schema": ref(schema)}}},
            "304": _response("NotModified"),
            "400": _response("BadIfNoneMatch"),
            **(errors or {}),
            "500": _response("InternalError"),
            **({"503": _response("Busy")} if database else {}),
        },
    }}


PARAMETERS = {
    "slug": {"name": "slug", "in": "path", "required": True,
             "description": "The site's slug, as in its page's address.",
             "schema": SLUG_SCHEMA},
    "IfNoneMatch": {"name": "If-None-Match", "in": "header", "required": False,
                    "description": "ETags already held (or *): an unchanged answer is 304. Anything else is 400.",
                    "schema": {"type": "string"}},
    "AcceptLanguage": {"name": "Accept-Language", "in": "header", "required": False,
                       "description": "The language of error messages (en, es).", "schema": {"type": "string"}},
    "site": {"name": "site", "in": "query", "required": False, "description": "Only the shifts at this site (a slug).",
             "schema": {"type": "string"}},
    "impactSite": {"name": "site", "in": "query", "required": False, "description": "Only this site (a slug).",
                   "schema": {"type": "string"}},
    "month": {"name": "month", "in": "query", "required": False, "description": "A month, 2026-11.",
              "schema": {"type": "string"}},
    "from": {"name": "from", "in": "query", "required": False, "description": "The first local day, 2026-11-01.",
             "schema": {"type": "string", "format": "date"}},
    "to": {"name": "to", "in": "query", "required": False, "description": "The last local day, included.",
           "schema": {"type": "string", "format": "date"}},
}

HEADERS = {
    "ETag": {"description": "Strong, made from the body.", "schema": {"type": "string", "pattern": '^"[0-9a-f]+"$'}},
    "CacheControl": {"description": "Kept briefly by any cache.", "schema": {"const": f"public, max-age={MAX_AGE}"}},
    "LastModified": {"description": "When the books behind the answer last moved (absent when never).",
                     "schema": {"type": "string"}},
    "AllowOrigin": {"description": "Every origin may read.", "schema": {"const": "*"}},
    "NoStore": {"description": "Never kept by a cache.", "schema": {"const": "no-store"}},
    "RetryAfter": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 1}},
}

RESPONSES = {
    "NotModified": {"description": "The caller's copy is current (If-None-Match named the ETag). No body.",
                    "headers": {"ETag": _header("ETag"), "Cache-Control": _header("CacheControl")}},
    "BadIfNoneMatch": error("If-None-Match was neither * nor a list of quoted ETags.", "bad_if_none_match"),
    "UnknownSite": error("There is no site with this slug.", "unknown_site"),
    "BadRange": error("The days are not dates, end before they start, or are more than IMPACT_MAX_DAYS.",
                      "bad_range", "range_backwards", "range_too_long"),
    "InternalError": error("Something went wrong on the server; nothing was saved.", "internal_error"),
    "Busy": {**error("The database is busy or unreachable; nothing was saved. Try again shortly.", "busy"),
             "headers": {"Retry-After": _header("RetryAfter")}},
}

SLUG = _parameter("slug")


def write(operation_id, summary, request, created, description):
    """A same-origin POST with a CSRF token and an idempotency key, as the movement is."""
    return {
        "operationId": operation_id,
        "summary": summary,
        "security": [{"csrfToken": [], "session": []}],
        "parameters": [SLUG, _parameter("AcceptLanguage")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref(request)}}},
        "responses": {
            "201": {"description": description, "headers": {"Cache-Control": _header("NoStore")},
                    "content": {"application/json": {"schema": ref(created)}}},
            "400": error("The body is not one JSON object (bad_json), or the CSRF token is missing, expired "
                         "or wrong (csrf_failed). Nothing was saved.", "bad_json", "csrf_failed"),
            "404": error("No such site or item. Nothing was saved.", "unknown_site", "unknown_item"),
            "422": error("A field is missing, wrong or out of bounds, or this key was used before with other "
                         "details. Nothing was saved.", "invalid", "idempotency_conflict", "bad_quantity", "bad_day",
                         "bad_email", "bad_name", "contact_in_name"),
            "429": {**error("Too many writes from this address just now (LIMIT_LOGS). Nothing was saved.",
                            "too_many_requests"),
                    "headers": {"Retry-After": _header("RetryAfter")}},
            "500": _response("InternalError"),
            "503": _response("Busy"),
        },
    }

PATHS = {
    "/sites": read("listSites", "Every site and how it is doing", "Sites"),
    "/sites/{slug}": read("getSite", "One site and how it is doing", "Site", [SLUG],
                          {"404": _response("UnknownSite")}),
    "/sites/{slug}/stock": read("getSiteStock", "What is inside a site now", "Stock", [SLUG],
                                {"404": _response("UnknownSite")}),
    "/sites/{slug}/needs": read("getSiteNeeds", "What a site needs: items under their target, items asked for, "
                                "and what is promised", "Needs", [SLUG],
                                {"404": _response("UnknownSite")}),
    "/shifts": read("listShifts", "Shifts taking sign-ups in the next 14 days", "Shifts", [_parameter("site")],
                    {"404": _response("UnknownSite")}, last_modified=False),
    "/impact": read("getImpact", "What the network achieved over a range of days", "Impact",
                    [_parameter("impactSite"), _parameter("month"), _parameter("from"), _parameter("to")],
                    {"404": _response("UnknownSite"), "422": _response("BadRange")}, last_modified=False),
    "/items": read("listItems", "Every item, with the id a movement names", "Items", last_modified=False),
    "/openapi.json": read("getOpenApi", "This description", "OpenAPI", last_modified=False, database=False),
    "/csrf-token": {"get": {
        "operationId": "getCsrfToken",
        "summary": "A CSRF token for a write, and the session cookie it belongs to (same origin only)",
        "parameters": [_parameter("AcceptLanguage")],
        "responses": {
            "200": {"description": "A token, and a session cookie (Set-Cookie) to send back with it.",
                    "headers": {"Cache-Control": _header("NoStore")},
                    "content": {"application/json": {"schema": ref("CsrfToken")}}},
            "500": _response("InternalError"),
        },
    }},
    "/sites/{slug}/asks": {"post": write(
        "recordAsk", "Count a neighbour's \"I'd need...\" at a site (same origin only)", "AskRequest", "AskCreated",
        "Counted, or counted before under this key. A typed name is never echoed: `suggested` says it went "
        "to the coordinators.")},
    "/sites/{slug}/promises": {"post": write(
        "recordPromise", "Promise to bring an item on a day, today to 7 days ahead (same origin only)",
        "PromiseRequest", "PromiseCreated",
        "Promised, or promised before under this key. `link` is the promise's private link, to its sender only.")},
    "/find": {"get": {
        "operationId": "findItem",
        "summary": "Where can I find...: sites that have a matching item now",
        "parameters": [
            {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100},
             "description": "What to find; case, accents and plurals do not matter, nor the language of the name."},
            {"name": "lat", "in": "query", "required": False, "schema": {"type": "number", "minimum": -90, "maximum": 90},
             "description": "With lon: sort by distance. Rounded to 0.01° (about 1 km); never stored or logged."},
            {"name": "lon", "in": "query", "required": False,
             "schema": {"type": "number", "minimum": -180, "maximum": 180}},
            {"name": "near", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "A neighbourhood's name: its sites first."},
            _parameter("AcceptLanguage"),
        ],
        "responses": {
            "200": {"description": "The matches, nearest first when located, else by name.",
                    "headers": {"Cache-Control": _header("NoStore")},
                    "content": {"application/json": {"schema": ref("Found")}}},
            "400": error("The query is too long, holds control characters, or the location or neighbourhood is "
                         "not understood.", "bad_search", "bad_location"),
            "500": _response("InternalError"),
            "503": _response("Busy"),
        },
    }},
    "/sites/{slug}/reports": {
        **read("getSiteReports", "A site's open reports: what is wrong, how many people said so, when (never "
               "a note or a photo)", "SiteReports", [SLUG], {"404": _response("UnknownSite")}),
        "post": {
            "operationId": "sendReport",
            "summary": "Say what is wrong at a site: it merges with the open report of its kind (same origin only)",
            "security": [{"csrfToken": [], "session": []}],
            "parameters": [SLUG, _parameter("AcceptLanguage")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ReportRequest")}}},
            "responses": {
                "201": {"description": "Reported, or reported before under this key: the report it joined.",
                        "headers": {"Cache-Control": _header("NoStore")},
                        "content": {"application/json": {"schema": ref("ReportCreated")}}},
                "400": error("The body is not one JSON object (bad_json), or the CSRF token is missing, expired "
                             "or wrong (csrf_failed). Nothing was reported.", "bad_json", "csrf_failed"),
                "404": _response("UnknownSite"),
                "413": error("The body is larger than the deployment takes.", "request_entity_too_large"),
                "422": error("A field is of the wrong type (invalid, with `fields`), the kind is unknown, the note "
                             "too long or holds a phone number or an email address, or this key was used before "
                             "with other details. Nothing was reported.", "invalid", "unknown_kind",
                             "note_too_long", "note_has_contact", "idempotency_conflict"),
                "429": {**error("Too many reports from this address just now (LIMIT_REPORTS). Nothing was "
                                "reported: try again after Retry-After seconds.", "too_many_requests"),
                        "headers": {"Retry-After": _header("RetryAfter")}},
                "500": _response("InternalError"),
                "503": _response("Busy"),
            },
        },
    },
    "/sites/{slug}/movements": {"post": {
        "operationId": "recordMovement",
        "summary": "Log a take, restock, discard or count at a site (same origin only)",
        "security": [{"csrfToken": [], "session": []}],
        "parameters": [SLUG, _parameter("AcceptLanguage")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("MovementRequest")}}},
        "responses": {
            "201": {"description": "Logged, or logged before under this key: the same body as the first time.",
                    "headers": {"Cache-Control": _header("NoStore")},
                    "content": {"application/json": {"schema": ref("MovementCreated")}}},
            "400": error("The body is not one JSON object (bad_json), or the CSRF token is missing, expired "
                         "or wrong (csrf_failed). Nothing was logged.", "bad_json", "csrf_failed"),
            "404": error("No such site or item. Nothing was logged.", "unknown_site", "unknown_item"),
            "413": error("The body is larger than the deployment takes.", "request_entity_too_large"),
            "422": error("A field is missing or wrong (invalid, with `fields`), or this key was used before "
                         "with other details (idempotency_conflict). Nothing was logged.",
                         "invalid", "idempotency_conflict"),
            "429": {**error("Too many logs from this address just now (LIMIT_LOGS, generous enough for a "
                            "shelter's shared wifi). Nothing was logged: try again after Retry-After seconds.",
                            "too_many_requests"),
                    "headers": {"Retry-After": _header("RetryAfter")}},
            "500": _response("InternalError"),
            "503": _response("Busy"),
        },
    }},
}
