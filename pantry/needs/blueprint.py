"""The one blueprint the needs pages join (views.py, finding.py, sharing.py), and what they share."""
from flask import Blueprint, current_app

from pantry.extensions import db
from pantry.sites.lookup import by_slug
from pantry.stock.errors import UnknownSite

bp = Blueprint("needs", __name__, template_folder="templates")


def site_or_404(slug):
    site = by_slug(db.session, slug)
    if site is None:
        raise UnknownSite()
    return site


def window_days():
    return current_app.config["ASK_WINDOW_DAYS"]
