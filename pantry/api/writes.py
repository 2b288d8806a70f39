"""The API's one write: a movement at a site, by the ledger's own rule (pantry.stock.ledger.record).

The same idempotency key again answers 201 with the first movement, unchanged; the same key
with other details is refused (422, "idempotency_conflict"). CSRFProtect guards it like every
POST: the token comes from GET /api/v1/csrf-token, in the X-CSRFToken header."""
from flask import current_app, request

from pantry import security
from pantry.api import bodies, shapes
from pantry.api.blueprint import bp, site_or_404
from pantry.api.caching import uncached_json
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.stock import ledger
from pantry.stock.errors import BadEntry


@bp.post("/sites/<slug>/movements")
@security.logs
def record_movement(slug):
    site = site_or_404(slug)
    sent = bodies.movement(bodies.json_object(request))
    entry = ledger.Entry(
        sent.kind, sent.key, site.id, sent.item, sent.quantity, best_before=sent.best_before, source="api",
    )
    now, most = utcnow(), current_app.config["MAX_LOG_QUANTITY"]  # a count too is one entry's worth
    try:
        admitted = ledger.admit(db.session, entry, most)  # before the write: a refusal never waits for the lock
        movement = commit_write(db.session, lambda: ledger.record_admitted(db.session, admitted, now))
    except BadEntry as refusal:  # the ledger's limits (key, how many, dates): on the field they name
        if refusal.field is None:
            raise
        raise bodies.Invalid.naming(refusal) from None
    return uncached_json({"movement": shapes.movement(movement)}, 201)
