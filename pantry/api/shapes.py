"""How each thing looks in the API's JSON: codes rather than words in a language (the same
body for every reader, so one ETag), times in UTC, and never anything about a volunteer
but how many places are taken."""
from datetime import UTC

from flask import current_app, url_for

from pantry.care.rules import takes_readings
from pantry.clock import local_today
from pantry.needs.search import geo_uri, map_link


def moment(value):
    """A UTC time as RFC 3339 to the second: '2026-11-20T15:00:00Z'."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(value):
    return value.isoformat() if value is not None else None


def link(endpoint, **values):
    """An absolute address on the deployment's own BASE_URL, as the printed labels use."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def item(item):
    return {"id": item.id, "name": item.name, "category": item.category, "unit": item.unit}


def site(site, summary, care, limits):
    """A site as a fridge map shows it. `summary` is its shelves' summary, `care` its CareState;
    the last reading is left out for a site that takes none (a pantry shelf), as on its page."""
    limit = limits.get(site.kind)
    reading = care.last_reading if takes_readings(site, limits) else None
    return {
        "slug": site.slug,
        "name": site.name,
        "address": site.address,
        "hours": site.hours,
        "kind": site.kind,
        "state": site.state,
        "fullness_percent": summary.fullness,
        "last_restocked_at": moment(summary.last_restocked_at),
        "items_count_looks_off": summary.count_looks_off,
        "last_cleaned_at": moment(care.last_care_at),
        "cleaning_overdue": care.cleaning_overdue,
        "temperature_limit_celsius": limit,
        "last_reading": None if reading is None else {
            "celsius": reading.celsius,
            "taken_at": moment(reading.taken_at),
            "in_range": reading.in_range,
        },
        "links": {
            "self": link("api.site", slug=site.slug),
            "stock": link("api.stock", slug=site.slug),
            "needs": link("api.needs", slug=site.slug),
            "shifts": link("api.shifts", site=site.slug),
            "page": link("public.site", slug=site.slug),
            "calendar": link("shifts.feed", slug=site.slug),
        },
    }


def line(line, today):
    """One item inside a site (a pantry.stock.shelves.Line), with its live batches."""
    past = {batch.id for batch in line.past(today)}
    return {
        "item": item(line.item),
        "quantity": line.quantity,
        "target": line.stock.target,
        "count_looks_off": line.stock.count_looks_off,
        "past_date": bool(past),
        "batches": [
            {"best_before": day(batch.best_before), "quantity": batch.quantity, "past_date": batch.id in past}
            for batch in line.batches
        ],
    }


def need(need):
    """A need (pantry.needs.listing.Need): the shelf, the asks counted, and what is promised."""
    if need is None:
        return None
    return {
        "item": item(need.item), "quantity": need.quantity, "target": need.target, "shortfall": need.shortfall,
        "asked": need.asks,
        "promised": need.promised,
        "promised_by_day": [{"day": day(when), "quantity": count} for when, count in sorted(need.promised_by_day.items())],
        "still_needed": need.still_needed,
        "more_than_needed": need.more_than_needed,
    }


def ask(ask, site):
    """An ask as its sender sees it: whether it counted for an item, never what was typed."""
    return {"site": site.slug, "item": item(ask.item) if ask.item else None, "suggested": ask.suggestion_id is not None,
            "created_at": moment(ask.created_at)}


def promise(promise, site, now):
    return {"site": site.slug, "item": item(promise.item), "quantity": promise.quantity, "day": day(promise.day),
            "brought": promise.brought, "state": promise.state(local_today(now))}


def found(one):
    """A site that has a searched item now (pantry.needs.search.Found)."""
    site = one.site
    located = site.latitude is not None
    return {
        "site": {"slug": site.slug, "name": site.name, "state": site.state, "address": site.address,
                 "neighbourhood": site.neighbourhood, "latitude": site.latitude, "longitude": site.longitude},
        "item": item(one.item), "name": one.name, "quantity": one.quantity, "soonest_best_before": day(one.soonest),
        "km": None if one.km is None else round(one.km, 1),
        "links": {"page": link("public.site", slug=site.slug), "geo": geo_uri(site) if located else None,
                  "map": map_link(site) if located else None},
    }


def shift(shift, local_day):
    """A shift and how full it is: counts only, never who signed up."""
    return {
        "id": shift.id,
        "site": {"slug": shift.site.slug, "name": shift.site.name},
        "kind": shift.kind,
        "day": day(local_day),
        "starts_at": moment(shift.starts_at),
        "ends_at": moment(shift.ends_at),
        "capacity": shift.capacity,
        "taken": shift.taken,
        "open_places": shift.open_places,
        "links": {"page": link("shifts.shift", shift_id=shift.id)},
    }


def movement(movement):
    """A line of the ledger as its sender sees it (no note, no coordinator's name)."""
    return {
        "id": movement.id,
        "site": movement.site.slug,
        "item": item(movement.item),
        "kind": movement.kind,
        "quantity": movement.quantity,
        "delta": movement.delta,
        "best_before": day(movement.best_before),
        "source": movement.source,
        "created_at": moment(movement.created_at),
    }
