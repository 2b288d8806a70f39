"""The API's needs: asks and promises as writes (the movement's CSRF rules, idempotency and rate
limit), and "Where can I find..." as a read. An answer never carries a typed name or an email:
an ask says only whether it counted for an item; a promise's link goes to its sender, once."""
from contextlib import contextmanager

from flask import current_app, request, url_for
from flask_babel import get_locale

from pantry import security
from pantry.api import bodies, shapes
from pantry.api.blueprint import bp, site_or_404
from pantry.api.caching import uncached_json
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.needs import asks, listing, promises, search
from pantry.needs.errors import BadKey
from pantry.sites import nearest


@bp.post("/sites/<slug>/asks")
@security.logs
def record_ask(slug):
    site = site_or_404(slug)
    sent = bodies.ask(bodies.json_object(request))
    now = utcnow()
    with _key_on_its_field():
        made = commit_write(db.session, lambda: asks.ask(db.session, site.id, sent.key, now,
                                                         item_id=sent.item, name=sent.name))
    return uncached_json({"ask": shapes.ask(made, site)}, 201)


@bp.post("/sites/<slug>/promises")
@security.logs
def record_promise(slug):
    site = site_or_404(slug)
    sent = bodies.promise(bodies.json_object(request))
    token, now = promises.manage_token(current_app.secret_key, sent.key), utcnow()
    with _key_on_its_field():
        made = commit_write(db.session, lambda: promises.promise(
            db.session, site.id, sent.item, sent.quantity, sent.day, sent.key, token, now,
            current_app.config["MAX_LOG_QUANTITY"], email=sent.email, language=str(get_locale())))
    need = next((one for one in listing.site_needs(db.session, site.id, now, current_app.config["ASK_WINDOW_DAYS"])
                 if one.item.id == made.item_id), None)
    link = current_app.config["BASE_URL"] + url_for("needs.promised", token=token)
    return uncached_json({"promise": shapes.promise(made, site, now), "need": shapes.need(need), "link": link}, 201)


@contextmanager
def _key_on_its_field():
    """The rule's refusal of a key's shape, answered like a body's bad field (as a movement's is)."""
    try:
        yield
    except BadKey as refusal:
        raise bodies.Invalid.naming(refusal) from None


FOUND = 20  # results of a search through the API (neighbour_schemas says "the first 20")


@bp.get("/find")
def find():
    """Sites that have a matching item now; never cached, since the address may hold a location."""
    query = search.parse(request.args)
    places = nearest.neighbourhoods(db.session)
    if query.neighbourhood and query.neighbourhood not in places:
        raise search.BadSearch(search.NO_SUCH_NEIGHBOURHOOD)
    found, total = search.find(db.session, query, str(get_locale()), FOUND) if query.text else ([], 0)
    return uncached_json({"query": query.text, "located": query.located, "neighbourhood": query.neighbourhood,
                          "total": total, "results": [shapes.found(one) for one in found]})
