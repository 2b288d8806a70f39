"""The network home and a site's page: what is inside, what is expiring, what it needs."""
from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import func, select

from pantry.clock import local_today
from pantry.extensions import db
from pantry.public.pages import rendered_pages
from pantry.sites.models import Site
from pantry.stock import shelves
from pantry.stock.models import Movement

bp = Blueprint("public", __name__, template_folder="templates")
NEEDS_ON_HOME = 3


@bp.get("/")
def home():
    latest = db.session.scalar(select(func.max(Movement.id)))
    return rendered_pages().page(latest, _home)


def _home():
    sites = db.session.scalars(select(Site).order_by(Site.name)).all()
    found = shelves.shelves(db.session, [site.id for site in sites], with_batches=False)
    summaries = {site_id: shelf.summary() for site_id, shelf in found.items()}
    needs = {site_id: shelf.needs(limit=NEEDS_ON_HOME) for site_id, shelf in found.items()}
    return render_template("public/home.html", sites=sites, summaries=summaries, needs=needs)


@bp.get("/sites/<slug>")
def site(slug):
    latest = select(func.max(Movement.id)).where(Movement.site_id == Site.id).scalar_subquery()
    found = db.session.execute(select(Site.id, latest).where(Site.slug == slug)).first()
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
    )
