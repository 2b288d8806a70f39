"""The API's one blueprint (mounted at /api/v1) and what all its answers share.

Reads are open to every origin (a fridge map on another site may fetch them); the CSRF
token and the write are not, so a page elsewhere can neither read a token nor send one.
Errors are JSON (pantry.errors answers JSON under /api/), with two of them said here in
words for a program's author: a CSRF failure, and a body whose fields are wrong."""
from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from pantry.api import caching
from pantry.api.bodies import Invalid
from pantry.errors import error_response
from pantry.extensions import db
from pantry.sites.lookup import by_slug
from pantry.stock.errors import UnknownSite

bp = Blueprint("api", __name__)
PREFIX = "/api/v1"
SAME_ORIGIN_ONLY = {"api.csrf_token", "api.record_movement", "api.record_ask", "api.record_promise", "api.send_report"}
PREFLIGHT_SECONDS = 24 * 3600


@bp.before_request
def refuse_a_malformed_if_none_match():
    if request.method in ("GET", "HEAD") and request.endpoint not in SAME_ORIGIN_ONLY:
        caching.if_none_match()


@bp.after_app_request
def allow_cross_origin_reads(response):
    """Every origin may read (GET, HEAD and their preflight), and see the ETag."""
    if not request.path.startswith(PREFIX + "/") or request.endpoint in SAME_ORIGIN_ONLY:
        return response
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
    return response


@bp.errorhandler(CSRFError)
def csrf_failed(error):
    message = _(
        "The CSRF token is missing, expired or does not match this session. Get one from "
        "%(url)s and send it in the X-CSRFToken header, with the session cookie that came with it.",
        url=url_for("api.csrf_token"),
    )
    return error_response(400, "csrf_failed", message)


@bp.errorhandler(Invalid)
def invalid(error):
    db.session.rollback()
    return jsonify(code=error.code, message=str(error.message), fields=error.fields), error.status


def site_or_404(slug):
    """The site with this slug, or UnknownSite (404, code "unknown_site")."""
    site = by_slug(db.session, slug)
    if site is None:
        raise UnknownSite()
    return site
