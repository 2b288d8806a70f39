"""The network home and a site's page: what is inside, what is expiring, what it needs."""
from flask import Blueprint, current_app, render_template
from sqlalchemy import select

from pantry.clock import local_today
from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock import shelves

bp = Blueprint("public", __name__, template_folder="templates")
NEEDS_ON_HOME = 3


@bp.get("/")
def home():
    sites = db.session.scalars(select(Site).order_by(Site.name)).all()
    summaries = shelves.summaries(db.session, [site.id for site in sites])
    needs = {site.id: shelves.needs(db.session, site.id, limit=NEEDS_ON_HOME) for site in sites}
    return render_template("public/home.html", sites=sites, summaries=summaries, needs=needs)


@bp.get("/sites/<slug>")
def site(slug):
    site = db.one_or_404(select(Site).where(Site.slug == slug))
    today = local_today()
    return render_template(
        "public/site.html",
        site=site,
        today=today,
        soon_days=current_app.config["EXPIRING_SOON_DAYS"],
        groups=shelves.inside(db.session, site.id, today),
        needs=shelves.needs(db.session, site.id),
        summary=shelves.summaries(db.session, [site.id])[site.id],
    )
