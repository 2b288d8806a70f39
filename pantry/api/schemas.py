"""The JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every body the API sends or takes.

They are the contract tests/api/test_conformance.py holds real answers to; a field added to
pantry/api/shapes.py must be added here, since every object refuses properties it does not name."""
from pantry.api.bodies import DATE_PATTERN, MOVEMENT_KINDS
from pantry.reports.models import KINDS as REPORT_KINDS
from pantry.reports.rules import NOTE_LENGTH
from pantry.shifts.models import SHIFT_KINDS
from pantry.sites.models import SITE_KINDS, SITE_STATES
from pantry.sites.rules import SLUG_PATTERN
from pantry.stock.models import CATEGORIES
from pantry.tags.forms import KEY_PATTERN

MOMENT = {"type": "string", "format": "date-time", "description": "UTC, RFC 3339, to the second."}
MAYBE_MOMENT = {**MOMENT, "type": ["string", "null"]}
DAY = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
MAYBE_DAY = {**DAY, "type": ["string", "null"]}
COUNT = {"type": "integer", "minimum": 0}
POSITIVE = {"type": "integer", "minimum": 1}
URL = {"type": "string", "format": "uri"}
SLUG = {"type": "string", "pattern": SLUG_PATTERN.pattern}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def record(description, properties, optional=()):
    """An object with exactly these properties, all required but `optional`."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def schemas(most):
    """Every schema; `most` is the deployment's MAX_LOG_QUANTITY."""
    return {
        "Error": record(
            "Every error: a stable code for programs and a message for people, in the request's "
            "language (Accept-Language). `fields` names each bad field of a body (code \"invalid\").",
            {
                "code": {"type": "string", "pattern": "^[a-z_]+$"},
                "message": {"type": "string", "minLength": 1},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                },
            },
            optional=("fields",),
        ),
        "Item": record("A kind of thing kept in stock, network-wide.", {
            "id": POSITIVE,
            "name": {"type": "string"},
            "category": {"enum": list(CATEGORIES)},
            "unit": {"type": "string", "description": "Free text, may be empty: \"can\", \"1 L\"."},
        }),
        "Items": record("Every item, by category, then name.", {"items": {"type": "array", "items": ref("Item")}}),
        "Reading": record("A thermometer reading, as kept.", {
            "celsius": {"type": "number", "minimum": -40, "maximum": 40},
            "taken_at": MOMENT,
            "in_range": {"type": "boolean", "description": "At or below the site's limit when taken."},
        }),
        "Site": record("A fridge, freezer or pantry shelf, and how it is doing.", {
            "slug": SLUG,
            "name": {"type": "string"},
            "address": {"type": "string"},
            "hours": {"type": "string"},
            "kind": {"enum": list(SITE_KINDS)},
            "state": {"enum": list(SITE_STATES)},
            "fullness_percent": {
                "type": ["integer", "null"], "minimum": 0, "maximum": 100,
                "description": "Percent of the targets on the shelves; null when no target is set.",
            },
            "last_restocked_at": MAYBE_MOMENT,
            "items_count_looks_off": {
                **COUNT, "description": "Items taken past their recorded stock, not yet counted.",
            },
            "last_cleaned_at": MAYBE_MOMENT,
            "cleaning_overdue": {
                "type": "boolean",
                "description": "No cleaning recorded for longer than the deployment allows (26 h by default), "
                               "whatever the site's state.",
            },
            "temperature_limit_celsius": {
                "type": ["number", "null"], "description": "The warmest it may be; null for a pantry shelf.",
            },
            "last_reading": {"anyOf": [ref("Reading"), {"type": "null"}]},
            "links": record("Where to read more: this API, and the pages for people.", {
                name: URL for name in ("self", "stock", "needs", "shifts", "page", "calendar")
            }),
        }),
        "Sites": record("Every site, by name.", {"sites": {"type": "array", "items": ref("Site")}}),
        "Batch": record("The stock of an item with one best-before date (or none).", {
            "best_before": MAYBE_DAY,
            "quantity": POSITIVE,
            "past_date": {
                "type": "boolean", "description": "Best before a day earlier than today (the deployment's day).",
            },
        }),
        "StockLine": record("One item inside the site now.", {
            "item": ref("Item"),
            "quantity": POSITIVE,
            "target": {"type": ["integer", "null"], "minimum": 0},
            "count_looks_off": {"type": "boolean", "description": "More was taken than recorded: a count is due."},
            "past_date": {"type": "boolean", "description": "Some of it is past its best-before date."},
            "batches": {"type": "array", "items": ref("Batch"), "description": "Soonest best-before first."},
        }),
        "Stock": record("What is inside a site now, by category, the soonest best-before first in each.", {
            "site": SLUG,
            "today": {**DAY, "description": "The deployment's day that `past_date` is judged by."},
            "items": {"type": "array", "items": ref("StockLine")},
        }),
        "Need": record("An item under its target.", {
            "item": ref("Item"),
            "quantity": COUNT,
            "target": POSITIVE,
            "shortfall": POSITIVE,
        }),
        "Needs": record("A site's items under target, the emptiest first.", {
            "site": SLUG,
            "items": {"type": "array", "items": ref("Need")},
        }),
        "Shift": record("A shift with open places. Only counts: never who signed up.", {
            "id": POSITIVE,
            "site": record("Where.", {"slug": SLUG, "name": {"type": "string"}}),
            "kind": {"enum": list(SHIFT_KINDS)},
            "day": {**DAY, "description": "The deployment's day it falls on."},
            "starts_at": MOMENT,
            "ends_at": MOMENT,
            "capacity": POSITIVE,
            "taken": COUNT,
            "open_places": POSITIVE,
            "links": record("The page where a person signs up.", {"page": URL}),
        }),
        "Shifts": record("Shifts taking sign-ups, soonest first, then emptiest.", {
            "days": {**POSITIVE, "description": "How many days ahead are looked at, from now."},
            "shifts": {"type": "array", "items": ref("Shift")},
        }),
        "CsrfToken": record("A token for the X-CSRFToken header, valid with the session cookie set with it.", {
            "csrf_token": {"type": "string", "minLength": 1},
        }),
        "MovementRequest": {
            **record(
                "One entry for the ledger. A take larger than the recorded stock is never refused: the "
                "stock goes to 0 and the item is marked count_looks_off. Takes and discards use the "
                "earliest best-before first. A count sets the stock to the number counted.",
                {
                    "key": {
                        "type": "string", "pattern": KEY_PATTERN,
                        "description": "Idempotency key, made once per entry by the sender and sent again on retry.",
                    },
                    "kind": {"enum": list(MOVEMENT_KINDS)},
                    "item": {**POSITIVE, "description": "The item's id (see GET /items)."},
                    "quantity": {"type": "integer", "minimum": 0, "maximum": most,
                                 "description": f"1 to {most}; 0 to {most} for a count."},
                    "best_before": {**MAYBE_DAY, "description": "Only for a restock."},
                },
                optional=("best_before",),
            ),
            "allOf": [
                {"if": {"properties": {"kind": {"const": "count"}}},
                 "else": {"properties": {"quantity": {"minimum": 1}}}},
                {"if": {"properties": {"kind": {"const": "restock"}}},
                 "else": {"properties": {"best_before": {"type": "null"}}}},
            ],
        },
        "Movement": record("The ledger line the entry made (the first one, for a replayed key).", {
            "id": POSITIVE,
            "site": SLUG,
            "item": ref("Item"),
            "kind": {"enum": list(MOVEMENT_KINDS)},
            "quantity": COUNT,
            "delta": {"type": "integer", "description": "What it did to the stock: -2 for a take of 2 from 5."},
            "best_before": MAYBE_DAY,
            "source": {"type": "string", "description": "\"api\", or where the key was first used (\"scan\")."},
            "created_at": MOMENT,
        }),
        "MovementCreated": record("The movement logged.", {"movement": ref("Movement")}),
        "Report": record("An open report: one kind of trouble at a site, with how many people said so.", {
            "kind": {"enum": list(REPORT_KINDS)},
            "people": POSITIVE,
            "first_reported_at": MOMENT,
            "last_reported_at": MOMENT,
            "may_be_out_of_date": {"type": "boolean",
                                   "description": "Nothing new for REPORT_STALE_DAYS: it may have been put right."},
        }),
        "SiteReports": record("A site's open reports, the latest first.", {
            "site": SLUG, "reports": {"type": "array", "items": ref("Report")},
        }),
        "ReportRequest": record("What is wrong at the site. Nothing about the sender is kept.", {
            "key": {"type": "string", "pattern": KEY_PATTERN,
                    "description": "Idempotency key, made once per report by the sender and sent again on retry."},
            "kind": {"enum": list(REPORT_KINDS)},
            "note": {"type": "string", "maxLength": NOTE_LENGTH,
                     "description": "About the site only: no phone numbers or email addresses. Seen by coordinators."},
        }, optional=("note",)),
        "ReportCreated": record("The open report this one joined.", {"report": ref("Report")}),
        "OpenAPI": {"type": "object", "required": ["openapi", "info", "paths"], "description": "This document."},
    }
