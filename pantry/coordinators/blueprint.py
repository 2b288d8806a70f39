"""The one blueprint every coordinator screen joins (mounted at /admin), and what those screens share."""
from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pantry import journal
from pantry.coordinators import sessions
from pantry.database import commit_write, utcnow
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


# What a coordinator without two-step sign-in may still open when the network requires it.
BEFORE_TWO_STEP = {"coordinators.two_step_page", "coordinators.sign_out", "coordinators.sign_in",
                   "coordinators.sign_in_code", "coordinators.welcome", "coordinators.set_up"}


@bp.before_request
def _journaled():
    """Nothing a coordinator screen changes commits without its journal line."""
    journal.require(db.session)


@bp.before_request
def _two_step_first():
    """With REQUIRE_TWO_STEP, a coordinator who has not set it up is sent to do so before anything else."""
    if current_app.config["REQUIRE_TWO_STEP"] and request.endpoint not in BEFORE_TWO_STEP \
            and current_user.is_authenticated and not current_user.totp_secret:
        return redirect(url_for("coordinators.two_step_page"), 303)
    return None


@bp.after_request
def _seen(response):
    """The session's last seen, written at most every few minutes, after the answer is made."""
    row = g.get("signed_in_row")
    now = utcnow()
    if row is not None and sessions.stale(row, now):
        row_id = row.id
        db.session.rollback()  # whatever the view left unsaved stays unsaved
        try:
            commit_write(db.session, lambda: sessions.seen(db.session, row_id, now))
        except Exception:  # a busy database never costs the coordinator their answer
            db.session.rollback()
            current_app.logger.exception("could not write when a session was last seen")
    return response


def site_or_404(slug):
    return by_slug(db.session, slug) or abort(404)


def site_named(field):
    """Whether a filter's site box is empty or holds a site's slug; if not, the box says so."""
    if not field.data or by_slug(db.session, field.data.strip()) is not None:
        field.data = (field.data or "").strip()
        return True
    field.errors = [*field.errors, _("There is no site with that name in its web address.")]
    return False


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
