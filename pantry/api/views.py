"""The API's reads: the network's sites, a site's stock and needs, shifts that need people,
the items, a CSRF token for writers, and the OpenAPI description. Each read asks the same
functions the pages ask (pantry.stock.shelves, pantry.care.rules, pantry.shifts.listing)."""
from datetime import timedelta

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from pantry.api import impact, needs as needs_writes, openapi, reports, shapes, writes  # noqa: F401  (they join bp)
from pantry.api.blueprint import bp, site_or_404
from pantry.api.caching import cached_json, uncached_json
from pantry.care import rules as care
from pantry.clock import deployment_zone, local_day, local_today
from pantry.database import utcnow
from pantry.extensions import db
from pantry.needs import listing as needs_listing
from pantry.shifts import listing
from pantry.sites.models import Site
from pantry.stock import shelves
from pantry.stock.models import Item, Movement

__all__ = ["bp"]


@bp.get("/sites")
def sites():
    found = db.session.scalars(select(Site).order_by(Site.name)).all()
    shown, last_modified = _shown_sites(found, network=True)
    return cached_json({"sites": shown}, last_modified)


@bp.get("/sites/<slug>")
def site(slug):
    shown, last_modified = _shown_sites([site_or_404(slug)])
    return cached_json(shown[0], last_modified)


@bp.get("/sites/<slug>/stock")
def stock(slug):
    site = site_or_404(slug)
    shelf = shelves.shelves(db.session, [site.id])[site.id]
    today = local_today()
    lines = [line for _, _, group in shelf.inside() for line in group]
    payload = {"site": site.slug, "today": today.isoformat(), "items": [shapes.line(line, today) for line in lines]}
    return cached_json(payload, _ledger_moved_at([site.id]))


@bp.get("/sites/<slug>/needs")
def needs(slug):
    site = site_or_404(slug)
    found = needs_listing.site_needs(db.session, site.id, utcnow(), current_app.config["ASK_WINDOW_DAYS"])
    payload = {"site": site.slug, "items": [shapes.need(need) for need in found]}
    return cached_json(payload, _ledger_moved_at([site.id]))


@bp.get("/shifts")
def shifts():
    """Shifts that take a sign-up now, the next NETWORK_DAYS days, network-wide or at ?site=."""
    site_ids = [site_or_404(request.args["site"]).id] if "site" in request.args else None
    now = utcnow()
    until = now + timedelta(days=listing.NETWORK_DAYS)
    cutoff = timedelta(minutes=current_app.config["SIGN_UP_CUTOFF_MINUTES"])
    found = listing.open_for_sign_up(db.session, now, until, cutoff, site_ids)
    zone = deployment_zone()
    payload = {
        "days": listing.NETWORK_DAYS,
        "shifts": [shapes.shift(shift, local_day(shift.starts_at, zone)) for shift in found],
    }
    return cached_json(payload)  # no "now" in the body: the ETag holds until a shift or its places change


@bp.get("/items")
def items():
    """Every item, for the ids a movement names: by category, then name, as the scan page lists them."""
    found = db.session.scalars(select(Item).order_by(Item.category, Item.name)).all()
    return cached_json({"items": [shapes.item(item) for item in found]})


@bp.get("/csrf-token")
def csrf_token():
    """A token for the X-CSRFToken header of a write, bound to the session cookie set with it."""
    return uncached_json({"csrf_token": generate_csrf()})


@bp.get("/openapi.json")
def openapi_document():
    return cached_json(openapi.document())


def _shown_sites(sites, network=False):
    """Sites with their fullness and care (two queries for the shelves, two for care), and
    when their books last moved: the latest movement, cleaning or reading."""
    ids = [site.id for site in sites]
    summaries = shelves.summaries(db.session, ids)
    overdue_after = timedelta(hours=current_app.config["CLEANING_OVERDUE_HOURS"])
    cares = care.care_states(db.session, sites, utcnow(), overdue_after)
    limits = current_app.config["TEMPERATURE_LIMITS"]
    shown = [shapes.site(site, summaries[site.id], cares[site.id], limits) for site in sites]
    moments = [_ledger_moved_at(None if network else ids)]
    for state in cares.values():
        moments += [state.last_care_at, state.last_reading.taken_at if state.last_reading else None]
    return shown, max((moment for moment in moments if moment is not None), default=None)


def _ledger_moved_at(site_ids=None):
    """When the latest movement at these sites (or anywhere) was logged: one step back along an index."""
    query = select(Movement.created_at).order_by(Movement.id.desc()).limit(1)
    if site_ids is not None:
        query = query.where(Movement.site_id.in_(site_ids))
    return db.session.scalar(query)
