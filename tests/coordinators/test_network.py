"""The screens for sites, items and targets: good input saves and redirects, bad input gets 422 and writes nothing."""
import pytest
from sqlalchemy import select

from pantry.sites.models import Site
from pantry.stock.models import Item, Stock
from tests.books import count
from tests.conftest import csrf_token
from tests.coordinators.conftest import post_form

SITE = {"name": "Corner Fridge", "address": "12 5th St", "kind": "fridge", "state": "open",
        "hours": "Every day", "notes": ""}
ITEM = {"name": "Canned beans", "category": "canned", "unit": "can"}




def test_adding_a_site(admin, session):
    answer = post_form(admin, "/admin/sites/new", **SITE)
    assert answer.status_code == 303
    site = session.scalar(select(Site))
    assert (site.name, site.slug, site.hours) == ("Corner Fridge", "corner-fridge", "Every day")
    home = admin.get(answer.headers["Location"]).text
    assert "Added Corner Fridge." in home
    assert "/admin/sites/corner-fridge/targets" in home
    assert "Corner Fridge" in admin.get("/admin/sites").text


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Give the site a name."),
        ({"name": "   "}, "Give the site a name."),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"name": "corner FRIDGE"}, "Another site already has this name."),
        ({"state": "gone"}, "Not a valid choice."),
        ({"kind": "igloo"}, "Not a valid choice."),
        ({"address": "a" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_a_bad_site_is_refused_and_nothing_is_written(admin, session, make_site, changes, message):
    make_site("Corner Fridge")
    answer = post_form(admin, "/admin/sites/new", **{**SITE, "name": "Library Pantry", **changes})
    assert answer.status_code == 422
    assert message in answer.text
    assert "nothing was saved yet" in answer.text
    assert count(session, Site) == 1


def test_editing_a_site_keeps_its_slug(admin, session, make_site):
    site = make_site("Corner Fridge")
    page = admin.get("/admin/sites/corner-fridge/edit")
    assert 'value="Corner Fridge"' in page.text
    answer = admin.post("/admin/sites/corner-fridge/edit", data={
        **SITE, "csrf_token": csrf_token(page.text), "name": "Corner Fridge on Main", "state": "out_of_order"})
    assert answer.status_code == 303
    session.expire_all()
    site = session.get(Site, site.id)
    assert (site.name, site.slug, site.state) == ("Corner Fridge on Main", "corner-fridge", "out_of_order")
    assert admin.get("/admin/sites/nowhere/edit").status_code == 404


def test_editing_a_site_onto_another_name_is_refused(admin, session, make_site):
    make_site("Corner Fridge")
    make_site("Library Pantry")
    answer = post_form(admin, "/admin/sites/library-pantry/edit", **{**SITE, "name": "Corner Fridge"})
    assert answer.status_code == 422
    assert "Another site already has this name." in answer.text
    session.expire_all()
    assert session.scalar(select(Site.name).where(Site.slug == "library-pantry")) == "Library Pantry"


def test_adding_and_editing_an_item(admin, session):
    answer = post_form(admin, "/admin/items/new", **ITEM)
    assert answer.status_code == 303
    assert "Added Canned beans." in admin.get(answer.headers["Location"]).text
    item = session.scalar(select(Item))
    answer = post_form(admin, f"/admin/items/{item.id}/edit", name="Beans, canned", category="canned", unit="tin")
    assert answer.status_code == 303
    session.expire_all()
    assert (session.get(Item, item.id).name, session.get(Item, item.id).unit) == ("Beans, canned", "tin")
    assert admin.get("/admin/items/999999/edit").status_code == 404


def test_an_item_kept_cold_with_a_typical_weight(admin, session):
    assert post_form(admin, "/admin/items/new", **{**ITEM, "keep_cold": "y", "typical_grams": "425"}).status_code == 303
    item = session.scalar(select(Item))
    assert (item.keep_cold, item.typical_grams) == (True, 425)
    assert post_form(admin, f"/admin/items/{item.id}/edit", **ITEM, typical_grams="").status_code == 303
    session.expire_all()
    assert (session.get(Item, item.id).keep_cold, session.get(Item, item.id).typical_grams) == (False, None)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Give the item a name."),
        ({"name": "x" * 81}, "Field cannot be longer than 80 characters."),
        ({"name": "CANNED beans"}, "There is already an item with this name."),
        ({"category": "weapons"}, "Not a valid choice."),
        ({"unit": "u" * 41}, "Field cannot be longer than 40 characters."),
        ({"typical_grams": "-5"}, "A typical weight is a whole number of grams from 1 to 50000, or empty."),
        ({"typical_grams": "60000"}, "A typical weight is a whole number of grams from 1 to 50000, or empty."),
        ({"typical_grams": "heavy"}, "Not a valid integer value."),
    ],
)
def test_a_bad_item_is_refused_and_nothing_is_written(admin, session, make_item, changes, message):
    make_item("Canned beans")
    answer = post_form(admin, "/admin/items/new", **{**ITEM, "name": "Rice", **changes})
    assert answer.status_code == 422
    assert message in answer.text
    assert count(session, Item) == 1


def test_setting_targets_for_a_site(admin, session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    beans, milk, bread = make_item("Canned beans"), make_item("Milk 1 L", "dairy"), make_item("Bread", "bakery")
    page = admin.get("/admin/sites/corner-fridge/targets")
    assert page.status_code == 200
    assert f'name="item_{beans.id}"' in page.text and "Dairy and eggs" in page.text
    answer = admin.post("/admin/sites/corner-fridge/targets", data={
        "csrf_token": csrf_token(page.text), f"item_{beans.id}": "12", f"item_{milk.id}": "6", f"item_{bread.id}": ""})
    assert answer.status_code == 303
    assert "Saved: 2 targets changed at Corner Fridge." in admin.get(answer.headers["Location"]).text
    session.expire_all()
    targets = dict(session.execute(select(Stock.item_id, Stock.target).where(Stock.site_id == fridge.id)).all())
    assert targets == {beans.id: 12, milk.id: 6}
    again = admin.get("/admin/sites/corner-fridge/targets").text
    assert f'name="item_{beans.id}" type="number" value="12"' in again

    cleared = post_form(admin, "/admin/sites/corner-fridge/targets", **{f"item_{milk.id}": ""})
    assert cleared.status_code == 303
    session.expire_all()
    targets = dict(session.execute(select(Stock.item_id, Stock.target).where(Stock.site_id == fridge.id)).all())
    assert targets == {beans.id: 12, milk.id: None}  # a box that was not sent is left as it was


@pytest.mark.parametrize("value, message", [("-1", "Enter a whole number from 0 to 9999."),
                                            ("10000", "Enter a whole number from 0 to 9999."),
                                            ("lots", "Not a valid integer value."),
                                            ("2.5", "Not a valid integer value.")])
def test_bad_targets_are_refused_and_nothing_is_written(admin, session, make_site, make_item, value, message):
    make_site("Corner Fridge")
    beans, milk = make_item("Canned beans"), make_item("Milk 1 L", "dairy")
    boxes = {f"item_{beans.id}": "5", f"item_{milk.id}": value}
    answer = post_form(admin, "/admin/sites/corner-fridge/targets", **boxes)
    assert answer.status_code == 422
    assert message in answer.text
    assert count(session, Stock) == 0


@pytest.mark.parametrize("path, data", [
    ("/admin/sites/new", {**SITE, "name": "Corner\x00Fridge"}),
    ("/admin/sites/new", {**SITE, "hours": "8\x1b[0m"}),
    ("/admin/items/new", {**ITEM, "unit": "can\x00"}),
])
def test_invisible_control_characters_are_refused(admin, session, path, data):
    answer = post_form(admin, path, **data)
    assert answer.status_code == 422
    assert "Remove the unusual invisible characters" in answer.text
    assert count(session, Site) == count(session, Item) == 0


def test_a_site_or_label_address_that_cannot_exist_is_404(admin):
    for path in ("/admin/sites/corner%00fridge/edit", "/admin/sites/Corner Fridge/ledger",
                 "/admin/tags/ABC%00DEF", "/admin/tags/" + "A" * 40):
        assert admin.get(path).status_code == 404, path
