"""The network-wide search page, "Where can I find...": a plain GET form; with JavaScript,
a rounded location is added to it (pantry/static/find.js). Nothing of the query is kept."""
from flask import current_app, render_template, request
from flask_babel import format_decimal, get_locale

from pantry.extensions import db
from pantry.needs import search
from pantry.needs.blueprint import bp
from pantry.needs.errors import NeedsError
from pantry.sites import nearest


@bp.get("/find")
def find():
    places = nearest.neighbourhoods(db.session)
    try:
        query = search.parse(request.args)
        if query.neighbourhood and query.neighbourhood not in places:
            raise search.BadSearch(search.NO_SUCH_NEIGHBOURHOOD)
    except NeedsError as refusal:
        return _page(search.Query(), places, ([], 0), refusal), refusal.status
    found = search.find(db.session, query, str(get_locale())) if query.text else ([], 0)
    return _page(query, places, found)


def _page(query, places, results, refusal=None):
    found, total = results
    response = current_app.make_response(render_template(
        "needs/find.html", query=query, places=places, found=found, total=total, refusal=refusal,
        geo_uri=search.geo_uri, map_link=search.map_link, shown=search.SHOWN,
    ))
    response.headers["Cache-Control"] = "no-store"  # a location in the address stays out of caches
    return response


def kilometres(km):
    return format_decimal(km, format="0.#")
