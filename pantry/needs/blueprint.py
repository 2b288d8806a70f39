"""The one blueprint the needs pages join (views.py, finding.py, sharing.py), and what they share."""
from flask import Blueprint, current_app
from sqlalchemy import select

from pantry.extensions import db
from pantry.sites.models import Site
from pantry.sites.rules import SLUG_PATTERN
from pantry.stock.errors import UnknownSite

bp = Blueprint("needs", __name__, template_folder="templates")


def site_or_404(slug):
    if not SLUG_PATTERN.match(slug):
        raise UnknownSite()
    site = db.session.scalar(select(Site).where(Site.slug == slug))
    if site is None:
        raise UnknownSite()
    return site


def window_days():
    return current_app.config["ASK_WINDOW_DAYS"]
