"""Which language and time zone a page is shown in, and the switch between languages.

The languages offered are English (the language of the source) and every language with a
compiled catalogue in pantry/translations, unless the LANGUAGES setting lists them itself.
A page is in the language of the `lang` cookie (set by the switch), else the browser's
Accept-Language, else the network's language (chosen at setup; else BABEL_DEFAULT_LOCALE)."""
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from flask import Blueprint, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import get_translations

from pantry.network import default_language, zone_name

bp = Blueprint("languages", __name__)
COOKIE = "lang"
COOKIE_DAYS = 365
SOURCE_LANGUAGE = "en"  # the language the code and templates are written in: it has no catalogue
TRANSLATIONS = Path(__file__).with_name("translations")


def catalogued(directory=TRANSLATIONS):
    """The languages with a compiled catalogue, such as ["es"]."""
    return sorted(path.parents[1].name for path in Path(directory).glob("*/LC_MESSAGES/messages.mo"))


def offered(configured, default):
    """The languages the switch offers, the default first: those configured, or else English
    and every catalogued language."""
    codes = configured if configured else [SOURCE_LANGUAGE, *catalogued()]
    return tuple(dict.fromkeys([default, *codes]))


def language_name(code):
    """A language's name in its own language, as the switch shows it: "English", "Español"."""
    try:
        name = Locale.parse(code).get_display_name(code)
    except (ValueError, UnknownLocaleError):
        name = None
    name = name or code
    return name[:1].upper() + name[1:]


LANGUAGE_NAMES = {code: language_name(code) for code in [SOURCE_LANGUAGE, *catalogued()]}


def names(codes):
    """{code: name} for the switch, in the order given."""
    return {code: LANGUAGE_NAMES.get(code) or language_name(code) for code in codes}


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return default_language()
    chosen = request.cookies.get(COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or default_language()


def select_timezone():
    return zone_name()


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
        response.set_cookie(COOKIE, code, max_age=COOKIE_DAYS * 24 * 3600, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


@bp.after_app_request
def _vary_by_language(response):
    """Pages and messages depend on the browser's languages and the `lang` cookie: say so to caches."""
    if request.endpoint != "static":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def request_translations():
    """Flask-Babel's translations for the request, looked up once per locale the request uses.
    Its own lookup finds the request's locale again for every string (some 90 on a site page, a
    tenth of its rendering). Kept against the locale object Flask-Babel holds for the request,
    which `force_locale` (a letter in its reader's language) and `refresh` replace."""
    state = g.get("_flask_babel") if g else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet (the first string of the request chooses it) or no request
        return get_translations()
    kept = g.get("_pantry_translations")
    if kept is None or kept[0] is not locale:
        kept = g._pantry_translations = (locale, get_translations())
    return kept[1]


def install_translations(environment):
    """The templates' gettext callables, as Flask-Babel installs them, on `request_translations`."""
    environment.install_gettext_callables(
        gettext=lambda text: request_translations().ugettext(text),
        ngettext=lambda text, plural, count: request_translations().ungettext(text, plural, count),
        pgettext=lambda context, text: request_translations().upgettext(context, text),
        npgettext=lambda context, text, plural, count: request_translations().unpgettext(context, text, plural, count),
        newstyle=True,
    )
