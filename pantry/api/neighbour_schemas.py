"""The JSON Schemas of what neighbours send and get back through the API: asks, promises, the
search and reports (pantry/api/needs.py, reports.py); pantry/api/schemas.py holds them all."""
from pantry.api.schema_parts import COUNT, DAY, MAYBE_DAY, MOMENT, POSITIVE, SLUG, URL, record, ref
from pantry.reports.models import KINDS as REPORT_KINDS
from pantry.reports.rules import NOTE_LENGTH
from pantry.sites.models import SITE_STATES
from pantry.text import KEY_PATTERN

# The search (pantry/api/needs.py).
FOUND = {
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

REPORTS = {
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


def needs_requests(most):
    """Asks and promises (pantry/api/needs.py), a promise capped at `most`."""
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
    }
