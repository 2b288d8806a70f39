"""The JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every body the API sends or takes.

They are the contract tests/api/test_conformance.py holds real answers to; a field added to
pantry/api/shapes.py must be added here, since every object refuses properties it does not name."""
from pantry.api.bodies import MOVEMENT_KINDS
from pantry.api.neighbour_schemas import FOUND, REPORTS, needs_requests
from pantry.api.schema_parts import COUNT, DAY, MAYBE_DAY, MAYBE_MOMENT, MOMENT, POSITIVE, SLUG, URL, record, ref
from pantry.shifts.models import SHIFT_KINDS
from pantry.sites.models import SITE_KINDS, SITE_STATES
from pantry.stock.models import CATEGORIES
from pantry.text import KEY_PATTERN

# What the reads answer: items, sites, their stock and needs, shifts, and every error.
READS = {
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
}

# The ledger line an entry made.
MOVEMENTS = {
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
}

IMPACT = {
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
        "asks": COUNT, "promises_kept": COUNT,
        "brought_as_promised": {"type": "integer", "minimum": 0,
                                "description": "What restocks brought of the promises for the range's days."},
        "excursions": COUNT, "excursions_putting_food_in_question": COUNT,
        "batches_put_in_question": COUNT,
        "flags_cleared": {"type": "integer", "minimum": 0,
                          "description": "Of those batches, the flags a coordinator cleared with a reason."},
    }),
    "Impact": record("What the network achieved from `first_day` to `last_day` (local days, both included).", {
        "first_day": DAY, "last_day": DAY,
        "sites": {"type": "array", "items": record("One site's figures.", {
            "site": SLUG, "figures": ref("ImpactFigures")})},
        "network": ref("ImpactFigures"),
    }),
}



def schemas(most):
    """Every schema; `most` is the deployment's MAX_LOG_QUANTITY."""
    return {**READS, **movement_request(most), **MOVEMENTS, **IMPACT, **needs_requests(most), **FOUND, **REPORTS}


def movement_request(most):
    """One entry for the ledger, its quantity capped at `most`."""
    return {
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
    }

