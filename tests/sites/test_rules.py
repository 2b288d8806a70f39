"""Adding and changing sites, called directly: names, slugs, kinds, states and limits."""
import pytest
from sqlalchemy import func, select

from pantry.sites import rules
from pantry.sites.models import Site
from tests.conftest import NOW


def sites(session):
    return session.scalar(select(func.count()).select_from(Site))


def test_a_new_site_gets_a_slug_from_its_name(session):
    site = rules.create_site(session, NOW, "  Café on   5th St. ", address=" 12 5th St ", kind="freezer",
                             state="out_of_order", hours="8-21", notes="Key at the bakery")
    session.commit()
    assert (site.name, site.slug, site.address) == ("Café on 5th St.", "cafe-on-5th-st", "12 5th St")
    assert (site.kind, site.state, site.hours, site.notes, site.created_at) == (
        "freezer", "out_of_order", "8-21", "Key at the bakery", NOW)


def test_slugs_stay_unique(session, make_site):
    make_site("Corner Fridge", slug="corner-fridge")
    second = rules.create_site(session, NOW, "Corner-Fridge!")
    third = rules.create_site(session, NOW, "Corner fridge?")
    assert (second.slug, third.slug) == ("corner-fridge-2", "corner-fridge-3")
    assert rules.create_site(session, NOW, "冷蔵庫").slug == "site"
    assert len(rules.create_site(session, NOW, "x" * 120).slug) <= 60


def test_a_name_is_needed_and_unique(session, make_site):
    make_site("Corner Fridge")
    for name in ("", "   ", None, "x" * 121):
        with pytest.raises(rules.BadSiteName) as refused:
            rules.create_site(session, NOW, name)
        assert (refused.value.field, refused.value.status) == ("name", 422)
    with pytest.raises(rules.SiteNameTaken):
        rules.create_site(session, NOW, " corner  FRIDGE ")
    session.rollback()
    assert sites(session) == 1


@pytest.mark.parametrize("name", ["Nevera Ñuñoa", "Kühlschrank Öl"])
def test_a_name_taken_beyond_a_to_z_is_refused_too(session, name):
    """SQLite's lower() folds only A to Z: the exact name is asked for too, so it is refused by
    the rule, not by the slug's unique index as a 500."""
    rules.create_site(session, NOW, name)
    session.commit()
    with pytest.raises(rules.SiteNameTaken):
        rules.create_site(session, NOW, name)
    session.rollback()
    assert sites(session) == 1


@pytest.mark.parametrize(
    "details, field",
    [({"kind": "igloo"}, "kind"), ({"state": "gone"}, "state"), ({"kind": None}, "kind"),
     ({"address": "a" * 201}, "address"), ({"hours": "h" * 121}, "hours"), ({"notes": "n" * 2001}, "notes")],
)
def test_bad_details_are_refused_with_the_field_named(session, details, field):
    with pytest.raises(rules.SiteError) as refused:
        rules.create_site(session, NOW, "Corner Fridge", **details)
    assert refused.value.field == field
    session.rollback()
    assert sites(session) == 0


def test_an_update_keeps_the_slug(session, make_site):
    site = make_site("Corner Fridge")
    other = make_site("Library Pantry")
    rules.update_site(session, site, NOW, "Corner Fridge on Main", kind="fridge", state="closed")
    session.commit()
    assert (site.name, site.slug, site.state) == ("Corner Fridge on Main", "corner-fridge", "closed")
    rules.update_site(session, site, NOW, "corner fridge on main")  # its own name, differently cased
    with pytest.raises(rules.SiteNameTaken):
        rules.update_site(session, other, NOW, "Corner Fridge on Main")
    session.rollback()
    with pytest.raises(rules.BadSiteDetail):
        rules.update_site(session, site, NOW, "Corner Fridge", state="gone")
    session.rollback()
    assert session.get(Site, site.id).state == "closed"


@pytest.mark.parametrize("details", [{"name": "Corner\x00Fridge"}, {"address": "12\x00 5th St"},
                                     {"notes": "key\x07"}])
def test_control_characters_are_refused_but_notes_keep_their_lines(session, details):
    with pytest.raises(rules.SiteError):
        rules.create_site(session, NOW, **{"name": "Corner Fridge", **details})
    session.rollback()
    site = rules.create_site(session, NOW, "Corner Fridge", notes="Key at the bakery.\r\n\tAsk for Sam.")
    assert site.notes == "Key at the bakery.\r\n\tAsk for Sam."
