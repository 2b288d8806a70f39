"""Every failure answers with a page in plain words (or JSON for JSON callers), never a stack trace."""
from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from pantry.database import end_transaction
from pantry.extensions import db
from pantry.refusals import Refusal
from pantry.security import retry_after_seconds

RETRY_AFTER_SECONDS = 2
JSON_PATHS = "/api/"  # everything under it answers in JSON, whatever the caller accepts


def wants_json():
    return (
        request.path.startswith(JSON_PATHS)
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def error_response(status, code, message, headers=None):
    end_transaction(db.session)
    if wants_json():
        response = jsonify(code=code, message=str(message))
    else:
        response = render_template("errors.html", status=status, message=message)
    return response, status, headers or {}


def register(app):
    """One handler for each kind of failure; the order does not matter (Flask picks the closest class)."""
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(Refusal, refused)
    app.register_error_handler(DataError, data_refused)
    app.register_error_handler(OperationalError, database_busy)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, internal_error)


def csrf_failed(error):
    message = _(
        "This page was open for a long time, so for your safety we did not save that. "
        "Go back, reload the page and try again."
    )
    return error_response(400, "csrf_failed", message)


def refused(error):
    return error_response(error.status, error.code, error.message)


def data_refused(error):
    # The database refused a value the forms let through (a NUL byte, say).
    return error_response(400, "bad_value", _("Something in what was sent is not allowed. Nothing was saved."))


def database_busy(error):
    current_app.logger.warning("database busy or unreachable: %s", error.orig)
    message = _("We are very busy right now. Nothing was saved: please try again in a moment.")
    return error_response(503, "busy", message, {"Retry-After": str(RETRY_AFTER_SECONDS)})


def http_error(error):
    messages = {
        400: _("That could not be read. Go back, reload the page and try again."),
        404: _("We couldn't find that page."),
        405: _("That doesn't work here."),
        413: _("That was too much to send at once."),
        429: _(
            "A lot has been sent from this connection just now. Nothing was saved: "
            "please wait a minute and try again."
        ),
    }
    message = messages.get(error.code, error.description)
    headers = {}
    if getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 429:
        headers["Retry-After"] = str(retry_after_seconds())
    return error_response(error.code, error.name.lower().replace(" ", "_"), message, headers)


def internal_error(error):
    message = _("Something went wrong on our side. Nothing was saved; please try again.")
    return error_response(500, "internal_error", message)
