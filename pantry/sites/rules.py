"""Adding a site to the network and changing it: its name, address, kind, state, hours and notes.

A site's slug is made from its name when the site is added and then kept, so the links
people have shared and bookmarked keep working when a site is renamed."""
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from pantry.refusals import Refusal
from pantry.sites.models import SITE_KINDS, SITE_STATES, Site
from pantry.text import has_control_characters

NAME_MAX = 120
ADDRESS_MAX = 200
HOURS_MAX = 120
NOTES_MAX = 2000
SLUG_MAX = 60
SLUG_STEM_MAX = 50  # leaves room for "-2", "-3", ...
SLUG_PATTERN = re.compile(r"^[a-z0-9-]{1,60}$")
UNUSUAL_CHARACTERS = _l("Remove the unusual invisible characters (perhaps pasted along with the text).")


class SiteError(Refusal):
    """A site that cannot be saved. `field` names the form field the message belongs to."""

    code = "bad_site"
    status = 422
    message = _l("That site could not be saved.")
    field = None

    def __init__(self, message=None, field=None):
        super().__init__(message)
        if field is not None:
            self.field = field


class BadSiteName(SiteError):
    code = "bad_site_name"
    field = "name"
    message = _l("Give the site a name of up to %(most)d characters, without unusual invisible characters.",
                 most=NAME_MAX)


class SiteNameTaken(SiteError):
    code = "site_name_taken"
    field = "name"
    message = _l("Another site already has this name. Add the street or the building to tell them apart.")


class BadSiteDetail(SiteError):
    code = "bad_site_detail"


def create_site(session, now, name, address="", kind="fridge", state="open", hours="", notes=""):
    details = _checked(session, None, name, address, kind, state, hours, notes)
    site = Site(slug=_free_slug(session, details["name"]), created_at=now, **details)
    session.add(site)
    session.flush()
    return site


def update_site(session, site, now, name, address="", kind="fridge", state="open", hours="", notes=""):
    """Change a site's details. Its slug stays as it was (see the module's docstring)."""
    details = _checked(session, site, name, address, kind, state, hours, notes)
    for attribute, value in details.items():
        setattr(site, attribute, value)
    session.flush()
    return site


def slug_for(name):
    """'Café on 5th St.' -> 'cafe-on-5th-st'; a name with no Latin letters or digits -> 'site'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:SLUG_STEM_MAX].rstrip("-") or "site"


def _free_slug(session, name):
    stem = slug_for(name)
    taken = set(session.scalars(select(Site.slug).where(Site.slug.like(f"{stem}%"))))
    slug, number = stem, 1
    while slug in taken:
        number += 1
        slug = f"{stem}-{number}"
    return slug


def _checked(session, site, name, address, kind, state, hours, notes):
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX or has_control_characters(name):
        raise BadSiteName()
    same_name = select(Site.id).where(or_(Site.name == name, func.lower(Site.name) == name.lower()))  # as items do
    if site is not None:
        same_name = same_name.where(Site.id != site.id)
    if session.scalar(same_name.limit(1)) is not None:
        raise SiteNameTaken()
    if kind not in SITE_KINDS:
        raise BadSiteDetail(_l("Choose fridge, freezer or pantry shelf."), "kind")
    if state not in SITE_STATES:
        raise BadSiteDetail(_l("Choose open, closed or out of order."), "state")
    address, hours, notes = ((value or "").strip() for value in (address, hours, notes))
    limits = (("address", address, ADDRESS_MAX), ("hours", hours, HOURS_MAX), ("notes", notes, NOTES_MAX))
    for field, value, most in limits:
        if len(value) > most:
            raise BadSiteDetail(_l("Use at most %(most)d characters.", most=most), field)
        if has_control_characters(value, allowed="\t\n\r" if field == "notes" else ""):
            raise BadSiteDetail(UNUSUAL_CHARACTERS, field)
    return {"name": name, "address": address, "kind": kind, "state": state, "hours": hours, "notes": notes}
