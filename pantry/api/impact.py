"""The impact report through the API: the same figures as the page and its CSV (pantry.impact)."""
from flask import current_app, request
from sqlalchemy import select

from pantry.api.blueprint import bp, site_or_404
from pantry.api.caching import cached_json
from pantry.clock import local_today
from pantry.extensions import db
from pantry.impact import ranges
from pantry.impact.figures import figures
from pantry.sites.models import Site


@bp.get("/impact")
def impact():
    """Figures per site and for the network over ?month= or ?from=&to= (this month so far by default)."""
    sites = [site_or_404(request.args["site"])] if "site" in request.args else (
        db.session.scalars(select(Site).order_by(Site.name)).all())
    within = ranges.asked(request.args, local_today(), current_app.config["IMPACT_MAX_DAYS"])
    per_site, total = figures(db.session, sites, within)
    return cached_json({
        "first_day": within.first.isoformat(),
        "last_day": within.last.isoformat(),
        "sites": [{"site": site.slug, "figures": shape(per_site[site.id])} for site in sites],
        "network": shape(total),
    })


def shape(one):
    return {
        "days": one.days, "taken": one.taken, "added": one.added, "discarded": dict(one.discarded),
        "sent": one.sent, "received": one.received, "corrected": one.corrected,
        "estimated_kg_taken": round(one.kilograms, 1), "taken_without_weight": one.taken_without_weight,
        "visits": one.visits, "days_with_a_visit": one.days_cared,
        "readings": one.readings, "readings_in_range": one.readings_in_range,
        "shifts_done": one.shifts_done, "volunteer_hours": round(one.volunteer_hours, 1),
        "asks": one.asks, "promises_kept": one.promises_kept, "brought_as_promised": one.brought_as_promised,
        "excursions": one.excursions, "excursions_putting_food_in_question": one.excursions_flagged,
        "batches_put_in_question": one.batches_flagged, "flags_cleared": one.flags_cleared,
    }
