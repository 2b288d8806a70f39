"""The parts the API's JSON Schemas (pantry/api/schemas.py, neighbour_schemas.py) are made of:
moments and days as RFC 3339 strings, counts, links, slugs, and the closed record."""
from pantry.api.bodies import DATE_PATTERN
from pantry.sites.rules import SLUG_PATTERN

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
