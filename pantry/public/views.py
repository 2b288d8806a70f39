"""The network home and a site's page: what is inside, what is expiring, what it needs,
and how the site is cared for (the last cleaning and reading, the next shift)."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, render_template
from flask_babel import format_datetime, format_time
from sqlalchemy import func, select

from pantry.care import rules as care
from pantry.care.models import CareRecord, Reading
from pantry.clock import local_today
from pantry.database import utcnow
from pantry.extensions import db
from pantry.public.pages import rendered_pages
from pantry.shifts.listing import next_shift
from pantry.sites.models import Site
from pantry.stock import shelves
from pantry.stock.models import Movement

bp = Blueprint("public", __name__, template_folder="templates")
NEEDS_ON_HOME = 3

# What the page cache's version sees: the latest movement, reading and care record. A new
# take, reading or cleaning shows at once; what it does not see (sign-ups changing "2 of 3
# places taken", a shift added, "cleaning overdue" coming due as time passes) shows within
# PAGE_CACHE_SECONDS (30 s), which is fine for those.


@bp.get("/")
def home():
    latest = db.session.execute(select(
        select(func.max(Movement.id)).scalar_subquery(),
        select(func.max(Reading.id)).scalar_subquery(),
        select(func.max(CareRecord.id)).scalar_subquery(),
    )).one()
    return rendered_pages().page(tuple(latest), _home)


def _home():
    sites = db.session.scalars(select(Site).order_by(Site.name)).all()
    found = shelves.shelves(db.session, [site.id for site in sites], with_batches=False)
    summaries = {site_id: shelf.summary() for site_id, shelf in found.items()}
    needs = {site_id: shelf.needs(limit=NEEDS_ON_HOME) for site_id, shelf in found.items()}
    return render_template(
        "public/home.html", sites=sites, summaries=summaries, needs=needs, cares=_care_states(sites),
    )


@bp.get("/sites/<slug>")
def site(slug):
    latest_movement = select(func.max(Movement.id)).where(Movement.site_id == Site.id).scalar_subquery()
    found = db.session.execute(
        select(Site.id, latest_movement, care.latest_reading_id(Site.id), care.latest_care_id(Site.id))
        .where(Site.slug == slug)
    ).first()
    if found is None:
        abort(404)
    return rendered_pages().page(tuple(found), lambda: _site(found.id))


def _site(site_id):
    site = db.session.get(Site, site_id)
    shelf = shelves.shelves(db.session, [site.id])[site.id]
    return render_template(
        "public/site.html",
        site=site,
        today=local_today(),
        soon_days=current_app.config["EXPIRING_SOON_DAYS"],
        groups=shelf.inside(),
        needs=shelf.needs(),
        summary=shelf.summary(),
        care=_care_states([site])[site.id],
        takes_readings=care.takes_readings(site, current_app.config["TEMPERATURE_LIMITS"]),
        shift=next_shift(db.session, site.id, utcnow()),
        shift_time=shift_time,
    )


def _care_states(sites):
    overdue_after = timedelta(hours=current_app.config["CLEANING_OVERDUE_HOURS"])
    return care.care_states(db.session, sites, utcnow(), overdue_after)


def shift_time(shift):
    """'Mon 23 Nov, 9:00 AM' in the deployment's time zone and the page's language."""
    return f"{format_datetime(shift.starts_at, 'EEE d MMM')}, {format_time(shift.starts_at, 'short')}"
