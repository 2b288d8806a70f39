"""The network at a glance, a page of sites at a time (by name): what each took in and gave out
over the last 14 days, the items that ran out most often, how many days each was looked after,
the readings that were too warm, the places still open on the next 14 days of shifts, and what
could go in the van between them.

Every figure reads a window of days of the page's sites along a (site_id, time) index, so the
screen costs what a fortnight of one page holds, however old and however big the network is.
The measures, in words, are on the screen."""
from datetime import timedelta

from flask import current_app, render_template, request
from flask_login import login_required

from pantry import charts
from pantry.care import history as care_history
from pantry.clock import last_days
from pantry.coordinators.blueprint import bp
from pantry.coordinators.paging import requested
from pantry.database import utcnow
from pantry.extensions import db
from pantry.shifts.listing import places_ahead
from pantry.sites import by_name
from pantry.stock import history, rebalancing

DAYS = 14
SITES_SHOWN = 10  # sites to a page: ten charts and their figures
EMPTIES_SHOWN = 8


@bp.get("/dashboard")
@login_required
def dashboard():
    now = utcnow()
    days = last_days(now, DAYS)
    where, bad_page = requested(request.args)
    sites = by_name.sites_page(db.session, where, SITES_SHOWN)
    ids = [site.id for site in sites]
    page = render_template(
        "coordinators/dashboard.html",
        sites=sites,
        where=where,
        bad_page=bad_page,
        names={site.id: site.name for site in sites},
        days=days,
        **_flows(ids, days),
        empties=[(empty, charts.shares(("on", empty.days), whole=DAYS))
                 for empty in history.empty_days(db.session, ids, days)[:EMPTIES_SHOWN]],
        **_cleaning(ids, days),
        places=_places(ids, now),
        **_temperatures(sites, days),
        suggestions=rebalancing.suggestions(db.session, site_ids=ids),
    )
    return page, 400 if bad_page else 200


def _temperatures(sites, days):
    """The readings out of range at the sites with a limit, and each site's limit."""
    limits = current_app.config["TEMPERATURE_LIMITS"]
    return {
        "readings": care_history.out_of_range(db.session, [site.id for site in sites if site.kind in limits], days.start),
        "limits": {site.id: limits.get(site.kind) for site in sites},
    }


def _flows(ids, days):
    """Every site's takes and restocks, drawn on one scale so the sites compare at a glance."""
    flows = history.daily_flows(db.session, ids, days)
    top = charts.nice_top(max((flow.top for flow in flows.values()), default=0))
    drawings = {site_id: charts.flow(flow.added, flow.taken, top) for site_id, flow in flows.items() if flow.top}
    return {"flows": flows, "flow_drawings": drawings}


def _cleaning(ids, days):
    """The days with a care record at each site, as a strip of squares and as the days missed."""
    cared = care_history.cared_days(db.session, ids, days)
    strips = {site_id: charts.strip([day in found for day in range(len(days))]) for site_id, found in cared.items()}
    missed = {site_id: [day for number, day in enumerate(days.days) if number not in found]
              for site_id, found in cared.items()}
    return {"cared": cared, "strips": strips, "missed": missed}


def _places(ids, now):
    """Per site: the places on the next DAYS days of shifts, and the bar of those taken."""
    found = places_ahead(db.session, now, now + timedelta(days=DAYS), ids)
    return {site_id: (places, charts.shares(("on", places.taken), whole=places.places))
            for site_id, places in found.items()}
