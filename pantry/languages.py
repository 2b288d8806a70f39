"""Which language and time zone a page is shown in, and the switch between languages."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, has_request_context, redirect, request, url_for

bp = Blueprint("languages", __name__)
COOKIE = "lang"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["TIMEZONE"]


def safe_next(target, fallback="public.home"):
    """A same-site path to go back to, never another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for(fallback)


@bp.get("/language/<code>")
def switch(code):
    response = redirect(safe_next(request.args.get("next")), 303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
