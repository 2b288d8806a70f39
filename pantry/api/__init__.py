"""The JSON API, v1: a face over the same rules as the pages, for fridge maps and apps.

blueprint.py holds what every answer shares (CORS for reads, JSON errors), views.py the
reads, writes.py the one write (a movement), bodies.py how a sent body is checked,
caching.py the ETags, shapes.py how each thing looks, and openapi.py with schemas.py the
OpenAPI 3.1 description served at /api/v1/openapi.json."""
