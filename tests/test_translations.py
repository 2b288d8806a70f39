"""Every language is complete, and a Spanish-speaking phone sees Spanish without asking.

The messages are extracted afresh from the code and the templates (with babel.cfg and the
Makefile's keywords), so a new string without a translation fails here before anyone sees
English in the middle of a Spanish page. Then: the compiled catalogues match their .po files,
translations keep their placeholders, and pages, dates, numbers and mails come in the
person's language."""
import ast
import functools
import io
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from babel import dates as babel_dates
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.util import pathmatch

from pantry import create_app, languages
from pantry.care import rules as care_rules
from pantry.clock import deployment_zone, local_today
from pantry.database import utcnow
from pantry.extensions import db
from pantry.shifts import planning
from pantry.shifts.models import Shift, SignUp
from pantry.stock import ledger
from pantry.tags.rules import issue_tag
from tests.conftest import csrf_token, key, settings
from tests.mailbox import body, mailbox  # noqa: F401  (the fixture)

pytestmark = pytest.mark.once  # what it checks does not depend on the database

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pantry"
TRANSLATIONS = PACKAGE / "translations"
CATALOGUES = sorted(path.parents[1].name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
SPANISH_PHONE = "es-MX,es;q=0.9"
# A %-placeholder as Python formats it: %(name)s, %d, %+d, %.1f, and the escaped %%.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrs%])")
GETTEXT_FUNCTIONS = {"gettext", "ngettext", "pgettext", "npgettext",
                     "lazy_gettext", "lazy_ngettext", "lazy_pgettext", "lazy_npgettext"}


# What is extracted, the way `make translations` does it

def makefile_keywords():
    """The Makefile's BABEL_KEYWORDS (-k _l -k lazy_gettext ...), on top of Babel's defaults."""
    found = re.search(r"^BABEL_KEYWORDS\s*:?=\s*(.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, "the Makefile lost its BABEL_KEYWORDS line"
    return {**DEFAULT_KEYWORDS, **parse_keywords(re.findall(r"-k\s+(\S+)", found.group(1)))}


def mapping():
    with open(ROOT / "babel.cfg") as handle:
        return parse_mapping_cfg(handle, str(ROOT / "babel.cfg"))


@functools.cache
def extracted():
    """{(context, msgid or (singular, plural)): ["pantry/...:line", ...]} from the source as it is now."""
    method_map, options_map = mapping()
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PACKAGE), method_map, options_map, keywords=makefile_keywords(), comment_tags=("Translators:",),
    ):
        found.setdefault((context, message), []).append(f"pantry/{filename}:{lineno}")
    assert len(found) > 300, "extraction found almost nothing: is babel.cfg right?"
    return found


def catalogue(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def test_spanish_is_there_and_offered_by_default():
    assert "es" in CATALOGUES
    assert languages.catalogued() == CATALOGUES, "every .po must be compiled (make translations)"
    assert languages.offered(None, "en") == ("en", *CATALOGUES)
    assert languages.LANGUAGE_NAMES["es"] == "Español" and languages.LANGUAGE_NAMES["en"] == "English"


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_string_in_the_code_and_templates_is_translated(language):
    """Public and coordinator templates, forms, errors, rules, mails, CLI output: all of it."""
    translations = catalogue(language)
    forms = translations.num_plurals
    missing = []
    for (context, msgid), where in extracted().items():
        message = translations.get(msgid, context=context)
        strings = message.string if message else None
        if isinstance(msgid, tuple):
            complete = isinstance(strings, (tuple, list)) and len(strings) == forms and all(strings)
        else:
            complete = bool(strings)
        if not complete or message.fuzzy:
            missing.append(f"{where[0]}: {msgid!r}" + (" (fuzzy)" if message and message.fuzzy else ""))
    assert not missing, (
        f"{len(missing)} strings have no {language} translation; run `make translations` and translate them "
        f"in pantry/translations/{language}/LC_MESSAGES/messages.po:\n" + "\n".join(sorted(missing)))


def test_the_template_catalogue_is_up_to_date():
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        template = read_po(handle)
    committed = {(message.context, message.id) for message in template if message.id}
    assert committed == set(extracted()), "messages.pot is stale: run `make translations`"


def test_every_template_and_module_is_extracted():
    """A template outside a templates/ folder, say, would never reach the translators."""
    method_map, _options = mapping()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".html") or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        methods = [method for pattern, method in method_map if pathmatch(pattern, relative)]
        expected = "python" if path.suffix == ".py" else "jinja2"
        assert methods[:1] == [expected], f"babel.cfg does not extract pantry/{relative}"


def test_every_gettext_alias_in_the_code_is_a_keyword():
    """`from flask_babel import lazy_gettext as _l` only reaches the catalogue when `_l` is a keyword."""
    keywords = makefile_keywords()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                for name in node.names:
                    if name.name in GETTEXT_FUNCTIONS:
                        alias = name.asname or name.name
                        assert alias in keywords, f"{path.relative_to(ROOT)}: {alias} is not a keyword in the Makefile"


# The files on disk agree with each other

@pytest.mark.parametrize("language", CATALOGUES)
def test_the_compiled_catalogue_matches_its_po_file(language):
    """The committed .mo is what `pybabel compile` makes of the .po now (compiled here the same way)."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        committed = read_mo(handle)
    fresh = io.BytesIO()
    write_mo(fresh, catalogue(language))  # what pybabel compile does: fuzzy entries left out
    fresh.seek(0)
    assert messages_of(committed) == messages_of(read_mo(fresh)), (
        f"messages.mo is older than messages.po: run `make translations` ({language})")
    assert committed.plural_forms == catalogue(language).plural_forms


def messages_of(compiled):
    # read_mo hands contexts back as bytes
    return {(m.context.decode() if isinstance(m.context, bytes) else m.context, as_tuple(m.id)): as_tuple(m.string)
            for m in compiled if m.id}


@pytest.mark.parametrize("language", CATALOGUES)
def test_translations_keep_their_placeholders(language):
    translations = catalogue(language)
    if language == "es":
        assert translations.plural_forms == "nplurals=2; plural=(n != 1);"
    problems = [f"{message.id!r}: {error}" for message, errors in translations.check() for error in errors]
    for message in translations:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        wanted = sorted(set().union(*(placeholders(text) for text in ids)))
        for text in filter(None, strings):  # a missing translation is the completeness test's to report
            if sorted(set(placeholders(text))) != wanted:
                problems.append(f"{message.id!r}: {text!r} has {sorted(set(placeholders(text)))}, wants {wanted}")
            if "%" in PLACEHOLDER.sub("", text):
                problems.append(f"{message.id!r}: a lone % in {text!r} (write %%)")
    assert not problems, "\n".join(problems)


def as_tuple(string):
    return tuple(string) if isinstance(string, (tuple, list)) else string


def placeholders(text):
    return [(name, kind) for name, kind in PLACEHOLDER.findall(text)]


# Which language a page is in

@pytest.fixture
def spanish(app):
    """A phone whose browser asks for Mexican Spanish first."""
    phone = app.test_client()
    phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH_PHONE
    return phone


@pytest.fixture
def milk(session, fridge, make_item):
    """2 cartons best before Saturday 21 November 2026, 4 good for a week."""
    milk = make_item("Milk 1 L", "dairy", "carton")
    ledger.restock(session, fridge.id, milk.id, 2, key(), utcnow(), best_before=date(2026, 11, 21))
    ledger.restock(session, fridge.id, milk.id, 4, key(), utcnow(), best_before=local_today() + timedelta(days=7))
    session.commit()
    return milk


def shift_on(session, site, days, starts, ends, kind="cleaning", capacity=3):
    day = local_today() + timedelta(days=days)
    shift = planning.add_shift(session, site, kind, day, starts, ends, capacity, utcnow(), deployment_zone())
    session.commit()
    return shift


def followed(phone, answer):
    assert answer.status_code == 303, answer.text
    return phone.get(answer.headers["Location"])


def spanish_day(moment, pattern):
    return babel_dates.format_datetime(moment, pattern, tzinfo=deployment_zone(), locale="es")


def test_a_spanish_phone_sees_the_home_page_in_spanish(spanish, fridge, milk):
    page = spanish.get("/")
    assert page.status_code == 200
    text = page.text
    assert '<html lang="es">' in text
    assert "Refrigeradores comunitarios" in text and "Toma lo que necesites, deja lo que puedas." in text
    assert "Community fridges" not in text and "Volunteer" not in text
    assert "Reabastecido: hace " in text  # "3 minutes ago", in Spanish
    assert 'aria-current="true" lang="es">Español<' in text and 'hreflang="en">English</a>' in text
    assert "Accept-Language" in page.headers["Vary"]


def test_a_spanish_phone_scanning_a_label_sees_spanish_dates(spanish, session, fridge, milk):
    tag = issue_tag(session, fridge, "item", utcnow(), item=milk)
    session.commit()
    text = spanish.get(f"/t/{tag.code}").text
    assert "Tomé" in text and "Anotar lo que tomé" in text and "Dejé" in text
    assert "2: consumir antes del sáb 21 nov" in text and "Sat 21 Nov" not in text
    assert "Consumir antes de (opcional)" in text

    site_tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    text = spanish.get(f"/t/{site_tag.code}").text
    assert "¿Tomaste algo? Tócalo" in text and "Tomé 1" in text and "6 adentro" in text


def test_logging_and_refusals_answer_in_spanish(spanish, session, fridge, milk):
    tag = issue_tag(session, fridge, "item", utcnow(), item=milk)
    session.commit()
    page = spanish.get(f"/t/{tag.code}").text
    data = {"csrf_token": csrf_token(page), "key": key(), "item": milk.id, "kind": "take", "back_item": milk.id}
    refused = spanish.post(f"/t/{tag.code}/log", data={**data, "quantity": "0"})
    assert refused.status_code == 422 and "Escribe un número entero de 1 a 50." in refused.text
    logged = followed(spanish, spanish.post(f"/t/{tag.code}/log", data={**data, "quantity": "2"}))
    assert "Anotado: tomaste 2 Milk 1 L" in logged.text and "Deshacer" in logged.text
    missing = spanish.get("/t/NOSUCHCODE")
    assert missing.status_code == 404 and "No reconocemos este código." in missing.text
    assert "No encontramos esa página." in spanish.get("/no/such/page").text


def test_a_spanish_phone_sees_shifts_with_spanish_days_and_24_hour_times(spanish, session, fridge):
    tomorrow = shift_on(session, fridge, 1, time(18), time(18, 30))
    later = shift_on(session, fridge, 3, time(9), time(9, 30), kind="restock")
    text = spanish.get("/shifts").text
    assert "Turnos que necesitan gente" in text
    assert "<h2>Mañana</h2>" in text
    long_day = spanish_day(later.starts_at, "EEEE d 'de' MMMM")  # "lunes 23 de noviembre"
    assert f"<h2>{long_day}</h2>" in text
    assert "de 18:00 a 18:30" in text and "de 9:00 a 9:30" in text
    assert "Limpieza en Corner Fridge" in text and "Reabastecimiento en Corner Fridge" in text
    assert "0 de 3 lugares ocupados" in text and "Anotarme" in text
    assert not re.search(r"\b[AP]M\b|[ap]\.\s?m\.", text), "12-hour times on a Spanish page"

    site = spanish.get(f"/sites/{fridge.slug}").text  # the next shift, on the site's own page
    assert f"{spanish_day(tomorrow.starts_at, 'EEE d MMM')}, 18:00" in site
    assert "Próximo turno" in site


def test_the_care_checklist_and_readings_are_in_spanish(spanish, session, fridge, milk, app):
    tag = issue_tag(session, fridge, "care", utcnow())
    session.commit()
    text = spanish.get(f"/care/{tag.code}").text
    assert "Lista de limpieza" in text
    # The checklist's labels are lazy strings in the settings: rendered in the page's language.
    for label in ("Estantes limpios", "Sello de la puerta y piso limpios", "Se retiró lo que ya pasó su fecha"):
        assert label in text
    assert "Shelves wiped" not in text
    assert "Lectura del termómetro (°C, opcional)" in text and "por ejemplo 4 o 3,5" in text

    config = app.config
    care_rules.record_care(session, fridge, ["shelves"], 3.5, "", key(), utcnow(),
                           checklist=list(config["CARE_CHECKLIST"]), limits=config["TEMPERATURE_LIMITS"])
    session.commit()
    site = spanish.get(f"/sites/{fridge.slug}").text
    assert "3,5 °C" in site and "3.5 °C" not in site
    assert "en rango" in site and "Última limpieza" in site

    warm = spanish.post(f"/care/{tag.code}", data={"csrf_token": csrf_token(text), "key": key(),
                                                   "ticked": ["shelves"], "reading": "7,5", "note": ""})
    warm = followed(spanish, warm).text
    assert "7,5 °C es una temperatura alta para un refrigerador (debe estar a 5 °C o menos)." in warm
    assert "Hecho: Estantes limpios" in warm and "Sin marcar:" in warm


def test_the_switch_to_english_is_remembered(spanish, fridge):
    assert "Refrigeradores comunitarios" in spanish.get("/").text
    switched = spanish.get("/language/en", query_string={"next": f"/sites/{fridge.slug}"})
    assert switched.status_code == 303 and switched.headers["Location"] == f"/sites/{fridge.slug}"
    cookie = switched.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "Max-Age=31536000" in cookie and "HttpOnly" in cookie
    assert "Inside now" in spanish.get(f"/sites/{fridge.slug}").text
    home = spanish.get("/").text
    assert "Community fridges" in home and '<html lang="en">' in home
    assert 'hreflang="es">Español</a>' in home

    spanish.get("/language/es")
    assert "Refrigeradores comunitarios" in spanish.get("/").text
    spanish.get("/language/xx")  # not offered: the choice stays as it was
    assert "Refrigeradores comunitarios" in spanish.get("/").text
    assert spanish.get("/language/en", query_string={"next": "https://elsewhere.example/"}).headers[
        "Location"] == "/"


def test_a_browser_in_a_language_not_offered_gets_english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "tlh,x-none;q=0.8"
    assert '<html lang="en">' in client.get("/").text


def test_languages_can_be_listed_in_the_settings(database_url, schema):
    only_english = create_app(settings(database_url, LANGUAGES=["en"]))
    assert only_english.config["LANGUAGES"] == ("en",)
    phone = only_english.test_client()
    phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH_PHONE
    page = phone.get("/").text
    assert '<html lang="en">' in page and "Español" not in page
    with only_english.app_context():
        db.engine.dispose()  # its own pool: closed here, not by the garbage collector
    assert create_app(settings(database_url)).config["LANGUAGES"] == ("en", *CATALOGUES)


def test_a_new_catalogue_is_offered_with_its_own_name(tmp_path):
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / "messages.mo").write_bytes(b"")
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)  # begun, not compiled: not offered yet
    assert languages.catalogued(tmp_path) == ["fr"]
    assert languages.names(["en", "fr", "pt_BR"]) == {"en": "English", "fr": "Français",
                                                      "pt_BR": "Português (Brasil)"}


# Mails in the volunteer's own language

def test_a_volunteer_who_signed_up_in_spanish_gets_the_reminder_in_spanish(
        spanish, client, runner, session, fridge, mailbox):
    starts = (utcnow() + timedelta(hours=20)).replace(second=0, microsecond=0)
    shift = Shift(site=fridge, kind="cleaning", day=starts.astimezone(deployment_zone()).date(), starts_at=starts,
                  ends_at=starts + timedelta(minutes=30), capacity=3, taken=0, updated_at=utcnow())
    session.add(shift)
    session.commit()
    for phone, name, email in ((spanish, "Eva Soto", "eva@example.org"), (client, "Ana Ruiz", "ana@example.org")):
        page = phone.get(f"/shifts/{shift.id}").text
        form_key = re.search(r'name="key" value="([0-9a-f]{32})"', page).group(1)
        answer = phone.post(f"/shifts/{shift.id}/sign-up", data={
            "csrf_token": csrf_token(page), "key": form_key, "name": name, "email": email})
        assert answer.status_code == 303
    confirmed = spanish.get(answer.headers["Location"].replace("https://pantry.example", ""))
    session.rollback()
    assert {place.email: place.language for place in session.query(SignUp)} == {
        "eva@example.org": "es", "ana@example.org": "en"}

    result = runner.invoke(args=["pantry", "send-reminders"])
    assert result.exit_code == 0, result.output
    [eva] = mailbox.to("eva@example.org")
    when = spanish_day(shift.starts_at, "EEE d MMM, HH:mm")
    assert eva["Subject"] == f"Recordatorio: Limpieza en Corner Fridge, {when}–{spanish_day(shift.ends_at, 'HH:mm')}"
    text = body(eva).replace("\r\n", "\n")
    assert text.startswith("Hola, Eva:\n\nGracias por anotarte.")
    assert "Dónde: 12 Elm St" in text and "Limpia los estantes" in text
    assert "¿Al final no puedes venir?" in text and "Where:" not in text
    # The English volunteer's mail, sent by the same run, stays English.
    [ana] = mailbox.to("ana@example.org")
    assert ana["Subject"].startswith("Reminder: Cleaning at Corner Fridge, ") and "Hello Ana," in body(ana)
    assert confirmed.status_code == 200


def test_force_locale_switches_the_catalogue_outside_a_request(app, session, fridge):
    """What the outbox's worker relies on: no request, yet the mail is in the volunteer's language."""
    from flask_babel import force_locale, gettext
    from sqlalchemy import select

    from pantry.outbox import delivery, queue
    from pantry.outbox.models import Message

    starts = datetime.combine(local_today() + timedelta(days=1), time(18), tzinfo=deployment_zone())
    shift = Shift(site=fridge, kind="restock", day=starts.date(), starts_at=starts, ends_at=starts + timedelta(hours=1),
                  capacity=2, taken=1, updated_at=utcnow())
    place = SignUp(shift=shift, name="Eva Soto", email="eva@example.org", language="es", token_hash=key(),
                   idempotency_key=key())
    session.add_all([shift, place])
    session.commit()
    with force_locale("es"):
        assert gettext("Cleaning") == "Limpieza"
    assert gettext("Cleaning") == "Cleaning"  # and back again afterwards
    queue.post(session, f"sign-up:{place.id}", "reminder:test", "reminder", utcnow())
    message = delivery.write(session, session.scalar(select(Message)), app.config)
    assert message["Subject"].startswith("Recordatorio: Reabastecimiento en Corner Fridge, ")
    assert "18:00–19:00" in message["Subject"]
    assert "Trae lo que más le hace falta al sitio" in message.get_body(("plain",)).get_content()


def test_a_template_follows_force_locale_inside_a_request(app):
    """The templates look the catalogue up once per locale a request uses (languages.request_translations):
    a letter in another language inside a request is in that language, and the page after it in its own."""
    from flask import render_template_string
    from flask_babel import force_locale, refresh

    say = "{{ _('Cleaning') }}"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(say) == "Cleaning"
        with force_locale("es"):
            assert render_template_string(say) == "Limpieza"
        assert render_template_string(say) == "Cleaning"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert render_template_string(say) == "Limpieza"
        refresh()
        assert render_template_string(say) == "Limpieza"
