"""The "what we need" poster: printed, its QR code scans to the site's live tag, it lists the
needs the emptiest first with how many are wanted, and what the sites take and do not take."""
import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import func, select

from pantry.clock import local_today
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow
from pantry.stock import ledger
from pantry.tags import posters
from pantry.tags.models import Tag
from pantry.tags.rules import issue_tag, revoke_tag
from tests.conftest import PASSWORD, cheap_hash, key
from tests.coordinators.conftest import sign_in
from tests.tags.test_sheets import BASE_URL, POINTS, RASTER_DPI

ACCEPTED = ("Sealed and labelled food", "Whole fruit and vegetables", "Bread and baked goods",
            "Prepared food labelled with the date it was made", "Drinks in sealed bottles")
NOT_ACCEPTED = ("Raw meat or fish", "Alcohol", "Opened or half-eaten food", "Homemade food without a date label",
                "Expired food", "Medicine")


@pytest.fixture
def fridge(session, make_site, make_item):
    """Milk at 1 of 10, bread at 0 of 4, beans above target."""
    fridge = make_site("Corner Fridge", address="12 Elm St")
    for name, have, target in (("Milk 1 L", 1, 10), ("Bread loaf", 0, 4), ("Canned beans", 9, 6)):
        item = make_item(name)
        if have:
            ledger.restock(session, fridge.id, item.id, have, key(), utcnow())
        ledger.lock_stock(session, fridge.id, item.id).target = target
    session.commit()
    return fridge


def make(app, session, site, **config):
    config = {**app.config, **config}
    return posters.poster_for(session, site, BASE_URL, config["POSTER_ACCEPTED"], config["POSTER_NOT_ACCEPTED"],
                              local_today())


def scan(pdf):
    """The page size in points and every QR code on the page, read from a print at 200 dpi."""
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=RASTER_DPI / 72, grayscale=True).to_pil()
    return tuple(round(side) for side in page.get_size()), [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_poster_scans_to_the_sites_live_tag(app, session, fridge, paper):
    old = issue_tag(session, fridge, "site", utcnow())
    revoke_tag(session, old, utcnow())
    tag = issue_tag(session, fridge, "site", utcnow())
    issue_tag(session, fridge, "care", utcnow())
    session.commit()
    size, codes = scan(posters.poster_pdf(make(app, session, fridge), paper))
    assert abs(size[0] - POINTS[paper][0]) <= 1 and abs(size[1] - POINTS[paper][1]) <= 1
    assert codes == [f"{BASE_URL}/t/{tag.code}"]
    assert tag.code in posters.layout(make(app, session, fridge), paper).lines


def test_the_needs_come_emptiest_first_with_how_many_are_wanted(app, session, fridge):
    lines = posters.layout(make(app, session, fridge), "a4").lines
    assert lines[:3] == ["COMMUNITY FRIDGE", "Corner Fridge", "12 Elm St"]
    needs = lines[lines.index("What we need"):]
    assert needs[2:6] == ["Bread loaf", "4 wanted", "Milk 1 L", "9 wanted"]
    assert "Canned beans" not in lines


def test_the_foods_taken_and_not_taken_are_settings(app, session, fridge):
    lines = posters.layout(make(app, session, fridge), "letter").lines
    assert "Please bring" in lines and "Please do not bring" in lines
    assert all(food in lines for food in ACCEPTED[:3] + NOT_ACCEPTED)
    assert "Prepared food labelled with the date it" in lines and "was made" in lines  # wrapped
    custom = posters.layout(make(app, session, fridge, POSTER_ACCEPTED=["Soup in jars"], POSTER_NOT_ACCEPTED=[]),
                            "a4").lines
    assert "Soup in jars" in custom and "Alcohol" not in custom


def test_without_a_site_tag_the_poster_has_no_code_and_makes_none(app, session, fridge):
    issue_tag(session, fridge, "care", utcnow())
    session.commit()
    tags = session.scalar(select(func.count()).select_from(Tag))
    poster = make(app, session, fridge)
    assert poster.label is None
    lines = posters.layout(poster, "a4").lines
    assert "See what it has now at:" in lines and f"{BASE_URL}/sites/corner-fridge" in lines
    assert scan(posters.poster_pdf(poster, "a4"))[1] == []
    assert session.scalar(select(func.count()).select_from(Tag)) == tags


def test_a_long_needs_list_ends_with_how_many_more(app, session, make_site, make_item):
    shelf = make_site("Library Shelf", kind="pantry")
    for number in range(40):
        item = make_item(f"Item {number:02d}")
        ledger.lock_stock(session, shelf.id, item.id).target = 40 - number
    session.commit()
    lines = posters.layout(make(app, session, shelf), "letter").lines
    shown = [line for line in lines if line.startswith("Item ")]
    assert 5 <= len(shown) < 40
    assert f"and {40 - len(shown)} more items: see the site's page" in lines
    assert shown[0] == "Item 00" and lines[lines.index("Item 00") + 1] == "40 wanted"


def test_nothing_needed_says_so(app, session, make_site):
    lines = posters.layout(make(app, session, make_site("Quiet Fridge")), "a4").lines
    assert any("nothing in particular" in line for line in lines)


def test_anyone_can_print_the_poster(app, client, fridge, session):
    issue_tag(session, fridge, "site", utcnow())
    session.commit()
    answer = client.get(f"/sites/{fridge.slug}/poster.pdf?paper=letter")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"] == 'inline; filename="needs-corner-fridge-letter.pdf"'
    assert scan(answer.data)[0] == POINTS["letter"]
    assert scan(client.get(f"/sites/{fridge.slug}/poster.pdf").data)[0] == POINTS["a4"]
    assert client.get(f"/sites/{fridge.slug}/poster.pdf?paper=a3").status_code == 404
    assert client.get("/sites/nowhere/poster.pdf").status_code == 404
    page = client.get(f"/sites/{fridge.slug}").text
    assert f'href="/sites/{fridge.slug}/poster.pdf?paper=a4"' in page


def test_the_labels_screen_offers_the_poster(app, client, session, fridge):
    cheap = cheap_hash(PASSWORD)
    session.add(Coordinator(email="ada@example.org", name="Ada", password_hash=cheap))
    session.commit()
    assert sign_in(client, "ada@example.org", PASSWORD).status_code == 303
    page = client.get(f"/admin/sites/{fridge.slug}/tags").text
    assert "Print the needs poster:" in page
    assert f'href="/sites/{fridge.slug}/poster.pdf?paper=letter"' in page
    assert "prints its address instead of a QR code" in page

