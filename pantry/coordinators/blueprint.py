"""The one blueprint every coordinator screen joins (mounted at /admin), and what those screens share."""
from flask import Blueprint, abort, flash
from flask_login import current_user

from pantry import journal
from pantry.extensions import db
from pantry.sites.lookup import by_slug
from pantry.stock.models import Movement

bp = Blueprint("coordinators", __name__, template_folder="templates")


@bp.after_request
def _kept_by_no_one(response):
    """Coordinator screens show volunteers' names and contacts: no browser history cache or shared
    proxy keeps them (a coordinator may sign in on a library computer)."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_request
def _journaled():
    """Nothing a coordinator screen changes commits without its journal line."""
    journal.require(db.session)


def site_or_404(slug):
    return by_slug(db.session, slug) or abort(404)


def who():
    """How the ledger names the signed-in coordinator, within the length it keeps."""
    return current_user.email[:Movement.recorded_by.type.length]


def refuse(error, form=None):
    """Put a rule's refusal where the person will see it: on its form field, or as a message."""
    db.session.rollback()
    field = getattr(error, "field", None)
    if form is not None and isinstance(field, str) and field in form:
        form[field].errors.append(error.message)
    else:
        flash(error.message, "error")
