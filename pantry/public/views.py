"""The network home and a site's page: what is inside, what is expiring, what it needs,
and how the site is cared for (the last cleaning and reading, the next shift)."""
from datetime import timedelta
from functools import cache

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import bindparam, func, select

from pantry import charts, formats
from pantry.care import excursions, history as care_history, rules as care
from pantry.care.models import CareRecord, Reading
from pantry.clock import last_days, local_today
from pantry.database import utcnow
from pantry.extensions import db
from pantry.needs import listing as needs_listing
from pantry.needs.models import Ask, Promise
from pantry.pages import rendered_pages
from pantry.public import nearby
from pantry.refusals import Refusal
from pantry.reports import listing as reports
from pantry.shifts.listing import next_shift
from pantry.shifts.words import shift_time
from pantry.sites import nearest
from pantry.sites.models import Site
from pantry.stock import history, shelves
from pantry.stock.models import Movement
from pantry.tags import posters
from pantry.tags.models import Tag

bp = Blueprint("public", __name__, template_folder="templates")
NEEDS_ON_HOME = 3

# What the page cache's version sees: the latest movement, reading, care record and report. A new
# take, reading or cleaning shows at once (in the charts too); what it does not see (sign-ups
# changing "2 of 3 places taken", a shift added, "cleaning overdue" coming due as time passes,
# the charts' 14 days moving on at midnight) shows within PAGE_CACHE_SECONDS (30 s).


@bp.get("/")
def home():
    """A page of the network's sites (pantry.public.nearby). Only the plain pages (a neighbourhood,
    a page number) are kept rendered; a search by name and a point are rendered each time, and a
    point is never kept, not even in a cache."""
    try:
        choice = nearby.parse(request.args)
        if not nearby.may_keep(request.args, choice):
            return _answer(choice, _home(choice))
        latest = db.session.execute(select(
            select(func.max(Movement.id)).scalar_subquery(),
            select(func.max(Reading.id)).scalar_subquery(),
            select(func.max(CareRecord.id)).scalar_subquery(),
            select(func.max(Ask.id)).scalar_subquery(),
            select(func.max(Promise.changed_at)).scalar_subquery(),
        )).one()
        return rendered_pages().page((*latest, *reports.version(db.session)), lambda: _home(choice))
    except Refusal as refusal:
        return _answer(nearby.Choice(), _home(nearby.Choice(), refusal)), refusal.status


def _answer(choice, page):
    response = current_app.make_response(page)
    if choice.located:
        response.headers["Cache-Control"] = "no-store"  # a point in the address stays out of caches
    return response


def _home(choice, refusal=None):
    shown = nearby.sites_page(db.session, choice, max(1, int(current_app.config["HOME_PAGE_SITES"])))
    ids = [site.id for site in shown.sites]
    window = current_app.config["ASK_WINDOW_DAYS"]
    return render_template(
        "public/home.html", shown=shown, choice=choice, refusal=refusal, sites=shown.sites,
        summaries=shelves.summaries(db.session, ids),
        needs=needs_listing.needs(db.session, ids, utcnow(), window, limit=NEEDS_ON_HOME),
        cares=_care_states(shown.sites), places=nearest.neighbourhoods(db.session), reports=_open_reports(ids),
    )


@bp.get("/sites/<slug>")
def site(slug):
    """One query says whether the page kept is still the page: the site's latest movement, reading,
    care record, open flags, ask, promise change and report entry, and its open reports."""
    found = db.session.execute(_site_version(), {"slug": slug}).first()
    if found is None:
        abort(404)
    return rendered_pages().page(tuple(found), lambda: _site(found.id))


@cache
def _site_version():
    """The query of `site`, made once (eight subqueries take longer to make than to answer)."""
    latest_movement = select(func.max(Movement.id)).where(Movement.site_id == Site.id).scalar_subquery()
    return (
        select(Site.id, latest_movement, care.latest_reading_id(Site.id), care.latest_care_id(Site.id),
               excursions.open_flags(Site.id), *needs_listing.version_columns(Site.id),
               *reports.version_columns(Site.id))
        .where(Site.slug == bindparam("slug"))
    )


def _site(site_id):
    site = db.session.get(Site, site_id)
    shelf = shelves.shelves(db.session, [site.id])[site.id]
    now = utcnow()
    days = last_days(now)
    flow = history.daily_flows(db.session, [site.id], days)[site.id]
    window = current_app.config["ASK_WINDOW_DAYS"]
    return render_template(
        "public/site.html",
        site=site,
        today=local_today(),
        soon_days=current_app.config["EXPIRING_SOON_DAYS"],
        groups=shelf.inside(),
        needs=needs_listing.site_needs(db.session, site.id, now, window, shelf=shelf),
        day_names=formats.day_names(days.days),
        ask_week=current_app.config["ASK_WINDOW_DAYS"] == 7,
        ask_days=current_app.config["ASK_WINDOW_DAYS"],
        summary=shelf.summary(),
        care=_care_states([site])[site.id],
        questioned=excursions.questioned(db.session, site.id),
        reports=_open_reports([site.id])[site.id],
        takes_readings=care.takes_readings(site, current_app.config["TEMPERATURE_LIMITS"]),
        shift=next_shift(db.session, site.id, now),
        shift_time=shift_time,
        days=days,
        flow=flow,
        flow_drawing=charts.flow(flow.added, flow.taken) if flow.top else None,
        **_temperatures(site, days),
    )


def _temperatures(site, days):
    """The site's readings of `days` and their line, for a site with a temperature limit."""
    config = current_app.config
    limit = config["TEMPERATURE_LIMITS"].get(site.kind)
    if limit is None:
        return {"readings": None, "temperature_drawing": None}
    readings = care_history.readings_since(db.session, site.id, days.start)
    unit = config["TEMPERATURE_UNIT"]
    points = [(reading.taken_at, care.to_unit(reading.celsius, unit), not reading.in_range) for reading in readings]
    chart = charts.line(points, days.start, days.end, len(days), care.to_unit(limit, unit)) if readings else None
    return {"readings": readings, "temperature_drawing": chart}


@bp.get("/sites/<slug>/poster.pdf")
def poster(slug):
    """The "what we need" poster, for anyone to print: it shows nothing the site's page does not."""
    paper = request.args.get("paper", "a4")
    if paper not in posters.PAPERS:
        raise posters.UnknownPaper()
    site_tag = (
        select(func.max(Tag.id))
        .where(Tag.site_id == Site.id, Tag.purpose == "site", Tag.revoked_at.is_(None)).scalar_subquery()
    )
    latest_movement = select(func.max(Movement.id)).where(Movement.site_id == Site.id).scalar_subquery()
    found = db.session.execute(select(Site.id, latest_movement, site_tag).where(Site.slug == slug)).first()
    if found is None:
        abort(404)
    pdf = rendered_pages().page(tuple(found), lambda: _poster(found.id, paper))
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="needs-{slug}-{paper}.pdf"'
    return response


def _poster(site_id, paper):
    site, config = db.session.get(Site, site_id), current_app.config
    made = posters.poster_for(db.session, site, config["BASE_URL"], config["POSTER_ACCEPTED"],
                              config["POSTER_NOT_ACCEPTED"], local_today())
    return posters.poster_pdf(made, paper)


def _care_states(sites):
    overdue_after = timedelta(hours=current_app.config["CLEANING_OVERDUE_HOURS"])
    return care.care_states(db.session, sites, utcnow(), overdue_after)


def _open_reports(site_ids):
    return reports.open_reports(db.session, site_ids, utcnow(), reports.Ages.from_config(current_app.config))
