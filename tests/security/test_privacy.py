"""Volunteers' contact details are seen only by coordinators (design rule 8). With the demo
network loaded, and a few volunteers who signed up through the form the way people really
type (a phone with its country code, an email typed into the name box), every public GET
route is fetched with every site, shift, label, care record and private link it can take
(pages, the JSON API, the calendar feeds, the posters, the static files), and no body holds
a volunteer's email or phone, their full name, the first name of one who chose not to show
it, or their private link.

A volunteer's own private page (/sign-ups/<token>, and its .ics) is theirs: whoever holds
the link is them or someone they gave it to, so it may show their own name, email and phone
(today it shows only their first name). It must never show anyone else's."""
import html
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pypdfium2
import pytest
from flask import current_app
from sqlalchemy import select

from pantry.clock import local_today
from pantry.database import utcnow
from pantry.needs.models import Promise
from pantry.needs.promises import manage_token as promise_token
from pantry.outbox.models import Follower
from pantry.shifts import listing
from pantry.shifts.models import SignUp
from pantry.shifts.signups import manage_token
from pantry.sites.models import Site
from pantry.stock.models import Item
from pantry.tags import posters
from tests.conftest import PASSWORD, csrf_token
from tests.network import LATER
from tests.security.addresses import (
    every_address,
    fillings,
    guarded_rules,
    public_rules,
)

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Digits however they are spaced: "555-0142", "(212) 555 0199", "+1 212.555.0199".
DIGIT_RUN = re.compile(r"\d(?:[\s().+-]{0,2}\d)+")
SHORTEST_PHONE = 7  # digits of a local number
HEX_RUN = re.compile(r"[0-9a-f]{40,}")  # where a private link's token would be
WORD = re.compile(r"\w+")
PRIVATE_LINKS = ("shifts.manage", "shifts.sign_up_calendar")
SIGN_IN = "/admin/sign-in"
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/manifest+json")

# How people really fill in the form: (name, email, phone, show my first name).
TYPED_AT_THE_FORM = [
    ("Zoë Quillfeather", "Zoe.Quill@Example.NET", "+1 (212) 555-0199", False),
    ("wren.private@example.com", "", "", True),  # an email typed into the name box
    ("Mo 917-555-0123", "", "", True),  # a phone typed after the name
]


@dataclass
class Secrets:
    """What must stay off a page, each mapped to how a failure names it, kept so that one pass
    over a body finds any of them: addresses, links and words by lookup, phones by their digits."""

    emails: dict = field(default_factory=dict)  # lower-case
    tokens: dict = field(default_factory=dict)
    hidden_names: dict = field(default_factory=dict)  # first names not to be shown, whole words
    full_names: dict = field(default_factory=dict)
    phones: dict = field(default_factory=dict)  # digits: all of them, and without a country code

    def add(self, other):
        for name in ("emails", "tokens", "hidden_names", "full_names", "phones"):
            getattr(self, name).update(getattr(other, name))
        return self

    def kinds(self):
        return {name for name in ("emails", "tokens", "hidden_names", "full_names", "phones") if getattr(self, name)}

    def seen_in(self, text):
        found = {self.emails[email.lower()] for email in EMAIL.findall(text) if email.lower() in self.emails}
        found |= {self.hidden_names[word] for word in WORD.findall(text) if word in self.hidden_names}
        found |= {what for name, what in self.full_names.items() if name in text}
        for run in HEX_RUN.findall(text):
            found |= {what for token, what in self.tokens.items() if token in run}
        for run in DIGIT_RUN.findall(text):
            digits = re.sub(r"\D", "", run)
            if len(digits) >= SHORTEST_PHONE:
                found |= {what for phone, what in self.phones.items() if phone in digits}
        return found


@dataclass
class Volunteer:
    """One sign-up: its private link, the person (their own pages may show their own details,
    on any of their sign-ups), their own emails, and what must stay off every other page."""

    token: str
    person: tuple
    own_emails: set
    secrets: Secrets


def phone_digits(phone):
    """The digits of a phone; with a country code, also the number without it (the last ten)
    and the local number (the last seven), as a page might show it."""
    digits = re.sub(r"\D", "", phone)
    return {shape for shape in (digits, digits[-10:], digits[-7:]) if len(shape) >= SHORTEST_PHONE}


def volunteers(app, session):
    places = session.scalars(select(SignUp).order_by(SignUp.id)).all()
    shown_first = {place.name.split()[0] for place in places if place.show_name}
    found = []
    for place in places:
        token = manage_token(app.secret_key, place.idempotency_key)
        secrets = Secrets(tokens={token: "a private link"})  # it cancels the place
        emails = [email.lower() for email in [place.email or "", *EMAIL.findall(place.name)] if email]
        secrets.emails = {email: f"the email {email}" for email in emails}
        for phone in [place.phone or "", *DIGIT_RUN.findall(place.name)]:
            secrets.phones.update({digits: f"the phone {phone}" for digits in phone_digits(phone)})
        words = place.name.split()
        if len(words) > 1:
            secrets.full_names[place.name] = f"the full name {place.name}"
        # A hidden first name that a shown volunteer shares cannot be told apart: not checked.
        if not place.show_name and words[0] not in shown_first:
            secrets.hidden_names[words[0]] = f"the hidden name {words[0]}"
        found.append(Volunteer(token, (place.name, place.email, place.phone), set(emails), secrets))
    return found


def pdf_readings(raw):
    """What a reader or a program gets out of a PDF: its text layer and its metadata. Never its
    raw bytes: compressed streams hold any short word by chance ("Bo" between two non-letters)."""
    document = pypdfium2.PdfDocument(raw)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
        return [text, "\n".join(str(value) for value in document.get_metadata_dict().values())]
    finally:
        document.close()


def poster_words(session, slug, paper):
    """Every word the poster inks (it is a picture: it has no text layer), as its layout placed them."""
    site = session.scalar(select(Site).where(Site.slug == slug))
    config = current_app.config
    made = posters.poster_for(session, site, config["BASE_URL"], config["POSTER_ACCEPTED"],
                              config["POSTER_NOT_ACCEPTED"], local_today())
    return "\n".join(posters.layout(made, paper).lines)


def readings(answer):
    """The ways a body can be read: as sent, with HTML entities and %-escapes undone, JSON
    without its \\u escapes, a calendar with its folded lines joined; a PDF by its text and
    metadata only."""
    raw = answer.get_data()
    if answer.mimetype == "application/pdf":
        return pdf_readings(raw)
    text = raw.decode("utf-8", errors="replace")
    forms = list(dict.fromkeys([text, html.unescape(text), unquote(text)]))
    if answer.is_json:
        forms.append(json.dumps(answer.get_json(), ensure_ascii=False))
    if answer.mimetype == "text/calendar":
        forms.append(re.sub(r"\r?\n[ \t]", "", text).replace("\\,", ",").replace("\\;", ";"))
    return forms


def leaks(answer, secrets, own_emails=(), inked=()):
    """What of `secrets` the answer shows (read as `readings` reads it, and in the words
    `inked` into a picture), and any email address but `own_emails` and the calendar's event
    UIDs (shift-<id>@<host>, addresses of nobody). Images (the static icons) are skipped:
    nothing a volunteer typed is drawn in them."""
    if not answer.mimetype.startswith(TEXT_TYPES) and answer.mimetype != "application/pdf":
        return []
    event_uid = re.compile(rf"shift-\d+@{re.escape(urlsplit(current_app.config['BASE_URL']).hostname)}")
    found = set()
    for form in [*readings(answer), *inked]:
        found |= secrets.seen_in(form)
        found |= {f"an email address {email}" for email in EMAIL.findall(form)
                  if email.lower() not in own_emails and not event_uid.fullmatch(email)}
    return sorted(found)


@pytest.fixture
def volunteers_at_the_form(client, session):
    """The people of TYPED_AT_THE_FORM, each signed up through the form for an open shift."""
    now = utcnow()
    shifts = listing.open_for_sign_up(session, now, now + timedelta(days=LATER + 7))
    assert len(shifts) >= len(TYPED_AT_THE_FORM)
    for shift, (name, email, phone, shown) in zip(shifts[:len(TYPED_AT_THE_FORM)], TYPED_AT_THE_FORM, strict=True):
        page = client.get(f"/shifts/{shift.id}").text
        form_key = re.search(r'name="key" value="([^"]+)"', page).group(1)
        data = {"csrf_token": csrf_token(page), "key": form_key, "name": name, "email": email, "phone": phone}
        if shown:
            data["show_name"] = "y"
        answer = client.post(f"/shifts/{shift.id}/sign-up", data=data)
        assert answer.status_code == 303, answer.text


# What donors and askers type: a promise's email, a typed name no page may show as typed.
DONOR_EMAIL = "Bea.Donor@Example.ORG"
TYPED_ASK = "Zyrtec for my son Ezequiel"


@pytest.fixture
def donors_at_the_form(client, session):
    """A neighbour asks for something typed, and a donor promises with an email, through the forms."""
    site = session.scalars(select(Site).order_by(Site.id)).first()
    item = session.scalars(select(Item).order_by(Item.id)).first()
    links = []
    for path, target, fields in (
        (f"/sites/{site.slug}/needs", f"/sites/{site.slug}/asks", {"name": TYPED_ASK}),
        (f"/sites/{site.slug}/promise", f"/sites/{site.slug}/promises",
         {"item": item.id, "quantity": 2, "day": local_today().isoformat(), "email": DONOR_EMAIL}),
    ):
        page = client.get(path).text
        form_key = re.search(r'name="key" value="([^"]+)"', page).group(1)
        answer = client.post(target, data={"csrf_token": csrf_token(page), "key": form_key, **fields})
        assert answer.status_code == 303, answer.text
        links.append(answer.headers["Location"])
    return links[1]


def donor_secrets(app, session):
    tokens = {promise_token(app.secret_key, key): "a promise's private link"
              for key in session.scalars(select(Promise.idempotency_key))}
    return Secrets(emails={DONOR_EMAIL.lower(): f"the email {DONOR_EMAIL}"}, tokens=tokens,
                   full_names={TYPED_ASK: "a typed ask"})


def test_no_public_page_or_api_answer_shows_what_donors_and_askers_typed(app, client, session, demo_network,
                                                                         donors_at_the_form):
    """Asks and promises: no email, private link or typed name anywhere public; a promise's own
    page shows its own link (it is the link), and nothing else of anyone."""
    secrets = donor_secrets(app, session)
    assert session.scalar(select(Promise.email)) == DONOR_EMAIL.lower()  # it was kept, to be looked for
    problems, opened = [], set()
    for endpoint, path, _values in public_pages(app, session):
        answer = client.get(path, buffered=True)
        assert answer.status_code < 500, f"{path} answered {answer.status_code}"
        if answer.status_code < 400:
            opened.add(endpoint)
        allowed = Secrets(**{**vars(secrets), "tokens": {}}) if endpoint == "needs.promised" else secrets
        problems += [f"{path} ({endpoint}) shows {what}" for what in leaks(answer, allowed)]
    assert {"needs.promised", "needs.needs_page", "needs.share", "api.needs", "public.site"} <= opened
    assert not problems, "what donors and askers typed, on pages anyone can open:\n" + "\n".join(problems)


def test_the_donor_search_can_fail(app, client, session, demo_network, donors_at_the_form):
    """The search above finds the donor's own link on their own page, and the typed ask where
    coordinators see it (the suggestions), so its silence elsewhere means something."""
    secrets = donor_secrets(app, session)
    assert "a promise's private link" in leaks(client.get(donors_at_the_form), secrets)


def public_pages(app, session):
    """Every public GET route with every consistent filling: [(endpoint, path, values)]."""
    found = fillings(app, session)
    return [(rule.endpoint, path, values)
            for rule in public_rules(app) if "GET" in rule.methods
            for path, values in every_address(rule, found)]


def test_no_public_page_shows_a_volunteers_contact_details(app, client, session, demo_network,
                                                           volunteers_at_the_form, donors_at_the_form):
    people = volunteers(app, session)
    everyone = Secrets()
    for volunteer in people:
        everyone.add(volunteer.secrets)
    assert everyone.kinds() == set(vars(everyone)), "the data has nothing of some kind to look for"
    following = session.scalars(select(Follower.email)).all()  # followers' addresses are seen by nobody
    assert following, "the demo has no followers to look for"
    everyone.emails.update({email.lower(): f"the follower's address {email}" for email in following})
    pages = public_pages(app, session)
    assert {"api.sites", "api.shifts", "shifts.feed", "public.poster", *PRIVATE_LINKS} <= {page[0] for page in pages}
    by_token = {volunteer.token: volunteer for volunteer in people}
    all_but = {}  # per person: everyone else's secrets, for that person's own pages
    problems, private_pages, opened = [], 0, set()
    for endpoint, path, values in pages:
        answer = client.get(path, buffered=True)
        assert answer.status_code < 500, f"{path} answered {answer.status_code}"
        if answer.status_code < 400:
            opened.add(endpoint)
        if endpoint in PRIVATE_LINKS:
            own = by_token[values["token"]]
            if own.person not in all_but:
                all_but[own.person] = Secrets()
                for other in people:
                    if other.person != own.person:
                        all_but[own.person].add(other.secrets)
            found = leaks(answer, all_but[own.person], own.own_emails)
            private_pages += 1
        elif endpoint == "public.poster" and answer.status_code == 200:
            found = leaks(answer, everyone, inked=[poster_words(session, values["slug"], "a4")])
        else:
            found = leaks(answer, everyone)
        problems += [f"{path} ({endpoint}) shows {what}" for what in found]
    assert private_pages == len(PRIVATE_LINKS) * len(people)
    # A route that only ever answered "not found" had nothing to show: it was not really looked at.
    assert opened == {page[0] for page in pages}, {page[0] for page in pages} - opened
    assert not problems, "volunteers' details on pages anyone can open:\n" + "\n".join(problems)


def test_the_search_finds_contact_details_where_coordinators_see_them(app, client, session, network,
                                                                      volunteers_at_the_form):
    """The search above can fail: on the coordinators' rosters and sign-up exports, where
    contact details belong, it finds every email and phone typed at the form."""
    answer = client.post(SIGN_IN, data={
        "csrf_token": csrf_token(client.get(SIGN_IN).text), "email": network.coordinator_email, "password": PASSWORD,
    })
    assert answer.status_code == 303
    everyone = Secrets()
    for volunteer in volunteers(app, session):
        everyone.add(volunteer.secrets)
    found = fillings(app, session)
    today = local_today()
    days = {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": (today + timedelta(days=20)).isoformat()}
    seen = set()
    for rule in guarded_rules(app):
        if rule.endpoint in ("coordinators.roster", "coordinators.export_sign_ups"):
            for path, _values in every_address(rule, found):
                seen.update(leaks(client.get(path, query_string=days, buffered=True), everyone))
    for _name, email, phone, _shown in TYPED_AT_THE_FORM:
        assert not email or f"the email {email.lower()}" in seen
        assert not phone or f"the phone {phone}" in seen
    assert {"the full name Mo 917-555-0123", "an email address wren.private@example.com"} <= seen
