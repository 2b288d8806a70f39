"""The service worker, the web app manifest and the outbox's fresh CSRF token."""
import hashlib
import json
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_locale, gettext as _
from flask_wtf.csrf import generate_csrf

from pantry.offline import assets

bp = Blueprint("offline", __name__)
bp.app_url_defaults(assets.add_version)
bp.after_app_request(assets.cache_versioned)

THEME = {"light": "#0b5d1e", "dark": "#7ddc94"}  # the top bar's colour, as in pantry.css
PAPER = "#ffffff"
# What a scan page needs to open without signal; the worker keeps these on install.
KEPT = ("pantry.css", "pantry.js", "icons/icon.svg", "icons/icon-192.png")
ICONS = (("icons/icon-192.png", 192, "any"), ("icons/icon-512.png", 512, "any"),
         ("icons/maskable-512.png", 512, "maskable"))


@bp.get("/sw.js")
def worker():
    """The worker lives at the root so its scope covers /t/; the files it keeps are named
    by version here, so a new CSS or script makes a new worker (and a new cache)."""
    kept = [url_for("static", filename=name) for name in KEPT]
    version = hashlib.sha256(" ".join([assets.version("sw.js") or "", *kept]).encode()).hexdigest()[:10]
    settings = {"assets": kept, "script": url_for("static", filename="pantry.js"), "version": version}
    source = Path(current_app.static_folder, "sw.js").read_text()
    body = f"const PANTRY = {json.dumps(settings)};\n{source}"
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """What a phone needs to put Pantry on its home screen, in the page's language."""
    name = _("Pantry")
    body = {
        "id": "/",
        "name": name,
        "short_name": name,
        "lang": str(get_locale()),
        "start_url": url_for("public.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": PAPER,
        "theme_color": THEME["light"],
        "icons": [
            {"src": url_for("static", filename=path), "sizes": f"{size}x{size}", "type": "image/png",
             "purpose": purpose}
            for path, size, purpose in ICONS
        ],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/t/token")
def token():
    """A fresh CSRF token for an outbox entry whose token expired while it waited."""
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


def plural_examples():
    """One number for each plural category of the page's language (CLDR: one, few, many,
    other...), so a template can spell a count-dependent text in every form the script may need."""
    rule = get_locale().plural_form
    found = {}
    for number in (*range(0, 112), 1_000_000):
        found.setdefault(rule(number), number)
    return sorted(found.items())


def theme_colors():
    return THEME
