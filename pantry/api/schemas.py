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
from pantry.text import KEY_PATTERN

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
        "Need": record("An item under its target, asked for by neighbours, or promised by donors.", {
            "item": ref("Item"),
            "quantity": COUNT,
            "target": {"type": ["integer", "null"], "minimum": 1},
            "shortfall": {**COUNT, "description": "The target less the stock (0 without a target)."},
            "asked": {**COUNT, "description": "Asks counted in the deployment's window (7 days by default)."},
            "promised": {**COUNT, "description": "Promised for today and the days ahead, not yet brought."},
            "promised_by_day": {"type": "array", "items": record("What is promised for one day.", {
                "day": DAY, "quantity": POSITIVE})},
            "still_needed": {**COUNT, "description": "The shortfall less what is promised."},
            "more_than_needed": {"type": "boolean", "description": "More is promised than the target lacks."},
        }),
        "Needs": record("A site's needs: asked for first, then the emptiest; what promises cover, last.", {
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
        "ImpactFigures": record("Sums over the range (site-days for the network). Nothing about any person.", {
            "days": COUNT, "taken": {"type": "integer"}, "added": {"type": "integer"},
            "discarded": record("What discards removed, by reason.", {
                reason: {"type": "integer"} for reason in ("past_date", "warm", "damaged", "unspecified")}),
            "sent": {"type": "integer"}, "received": {"type": "integer"},
            "corrected": {"type": "integer", "description": "What corrections did to the stock, together."},
            "estimated_kg_taken": {"type": "number", "description": "From each item's typical weight."},
            "taken_without_weight": {"type": "integer", "description": "Items taken whose item has no weight."},
            "visits": COUNT, "days_with_a_visit": COUNT, "readings": COUNT, "readings_in_range": COUNT,
            "shifts_done": COUNT, "volunteer_hours": {"type": "number", "minimum": 0},
            "excursions": COUNT, "excursions_putting_food_in_question": COUNT,
        }),
        "Impact": record("What the network achieved from `first_day` to `last_day` (local days, both included).", {
            "first_day": DAY, "last_day": DAY,
            "sites": {"type": "array", "items": record("One site's figures.", {
                "site": SLUG, "figures": ref("ImpactFigures")})},
            "network": ref("ImpactFigures"),
        }),
        **_needs_schemas(most),
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


def _needs_schemas(most):
    """Asks, promises and the search (pantry/api/needs.py)."""
    return {
        "AskRequest": record("One ask: an item's id, or a typed name of at most 60 characters (never shown "
                             "publicly: it goes to the coordinators as a suggestion).", {
            "key": {"type": "string", "pattern": KEY_PATTERN},
            "item": POSITIVE,
            "name": {"type": "string", "minLength": 1, "maxLength": 60},
        }, optional=("item", "name")),
        "Ask": record("An ask as counted.", {
            "site": SLUG,
            "item": {"anyOf": [ref("Item"), {"type": "null"}]},
            "suggested": {"type": "boolean", "description": "A typed name that went to the coordinators."},
            "created_at": MOMENT,
        }),
        "AskCreated": record("The ask counted.", {"ask": ref("Ask")}),
        "PromiseRequest": record("One promise. A donor is never turned away: past what is needed, the needs "
                                 "list says more than needed is promised.", {
            "key": {"type": "string", "pattern": KEY_PATTERN},
            "item": POSITIVE,
            "quantity": {"type": "integer", "minimum": 1, "maximum": most},
            "day": {**DAY, "description": "The deployment's day, today to 7 days ahead."},
            "email": {"type": "string", "maxLength": 254,
                      "description": "Optional: only to mail the link and a reminder the evening before."},
        }, optional=("email",)),
        "Promise": record("A promise as kept, without its email.", {
            "site": SLUG,
            "item": ref("Item"),
            "quantity": POSITIVE,
            "day": DAY,
            "brought": COUNT,
            "state": {"enum": ["open", "kept", "cancelled", "lapsed"]},
        }),
        "PromiseCreated": record("The promise, the need it counts on, and its private link.", {
            "promise": ref("Promise"),
            "need": {"anyOf": [ref("Need"), {"type": "null"}]},
            "link": URL,
        }),
        "FoundSite": record("A site that has it.", {
            "slug": SLUG, "name": {"type": "string"}, "state": {"enum": list(SITE_STATES)},
            "address": {"type": "string"}, "neighbourhood": {"type": "string"},
            "latitude": {"type": ["number", "null"]}, "longitude": {"type": ["number", "null"]},
        }),
        "FoundItem": record("An item in stock at a site now.", {
            "site": ref("FoundSite"),
            "item": ref("Item"),
            "name": {"type": "string", "description": "The item's name in the request's language."},
            "quantity": POSITIVE,
            "soonest_best_before": MAYBE_DAY,
            "km": {"type": ["number", "null"], "description": "From the rounded location, when one was given."},
            "links": record("The site's page and directions.", {
                "page": URL, "geo": {"type": ["string", "null"]}, "map": {"type": ["string", "null"]}}),
        }),
        "Found": record("What a search found.", {
            "query": {"type": "string"},
            "located": {"type": "boolean"},
            "neighbourhood": {"type": "string"},
            "total": {**COUNT, "description": "How many sites have it; the first 20 are in `results`."},
            "results": {"type": "array", "items": ref("FoundItem"), "maxItems": 20},
        }),
    }
