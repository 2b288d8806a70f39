"""Every name a template can use that its view does not pass: registered here, in one place,
by `register(app)` (called from create_app). Each helper lives with the area whose words it
speaks; a blueprint's own `context_processor` adds names for that blueprint's pages only."""
import uuid

from flask import current_app, request
from flask_babel import get_locale

from pantry import emails, formats
from pantry.care.degrees import temperature, temperature_limit
from pantry.clock import local_today
from pantry.coordinators.reports import open_report_count
from pantry.languages import install_translations, names
from pantry.needs.finding import kilometres
from pantry.needs.views import promise_day
from pantry.network import zone_name
from pantry.offline.views import plural_examples, theme_colors
from pantry.public.feeds import atom_time
from pantry.tags.views import logged_message

FILTERS = {
    "when": formats.when,
    "day": formats.day,
    "long_day": formats.long_day,
    "datetime": formats.short_moment,
    "mailto": emails.mailto,  # None (no link) for what is not exactly one address
    "temperature": temperature,
    "atom_time": atom_time,
}


def new_key():
    """A fresh idempotency key for a form that writes (design rule 5)."""
    return uuid.uuid4().hex


GLOBALS = {
    "new_key": new_key,
    "temperature_limit": temperature_limit,
    "open_report_count": open_report_count,
    "kilometres": kilometres,
    "promise_day": promise_day,
    "plural_examples": plural_examples,
    "theme_colors": theme_colors,
    "logged_message": logged_message,
    "zone_name": zone_name,  # the network's time zone, as its first coordinator chose it (or TIMEZONE)
}


def page_language():
    return {
        "locale": str(get_locale()),
        "language_names": names(current_app.config["LANGUAGES"]),
        "here": request.full_path.rstrip("?") if request else "/",
        "today": local_today(),
    }


def register(app):
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)
    app.context_processor(page_language)
    install_translations(app.jinja_env)
