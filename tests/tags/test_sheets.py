"""Label sheets as a phone sees them: print, cut, scan each label, land on its page, log a take."""
import re
from datetime import date
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp

from pantry.database import utcnow
from pantry.stock import ledger
from pantry.tags import sheets
from pantry.tags.rules import issue_tag
from tests.conftest import csrf_token, key

BASE_URL = "https://pantry.example"
RASTER_DPI = 200
POINTS = {"a4": (595, 842), "letter": (612, 792)}


@pytest.fixture
def tags(session, make_site, make_item):
    """30 labels, so two pages: for each of two sites, its own tag, its care tag and 13 items."""
    items = [make_item(f"Item {number}", "canned", "can") for number in range(13)]
    issued = []
    for site in (make_site("Corner Fridge"), make_site("Nevera Ñandú", kind="freezer")):
        issued.append(issue_tag(session, site, "site", utcnow()))
        issued.append(issue_tag(session, site, "care", utcnow()))
        issued += [issue_tag(session, site, "item", utcnow(), item=item) for item in items]
    session.commit()
    return issued


def pages(pdf):
    return list(pypdfium2.PdfDocument(pdf))


def decode_labels(pdf, paper):
    """Every label's QR code read on its own, cut from pages rasterised as a printer would."""
    found = []
    for page in pages(pdf):
        image = page.render(scale=RASTER_DPI / 72, grayscale=True).to_pil()
        for box in sheets.cells(paper, dpi=RASTER_DPI):
            label = image.crop(box)
            codes = zxingcpp.read_barcodes(label)
            assert len(codes) <= 1, "two codes in one label"
            for code in codes:
                assert code.ec_level in ("M", "Q", "H")
                assert quiet_zone_is_clear(label, code)
                found.append(code.text)
    return found


def quiet_zone_is_clear(label, code):
    """Nothing is printed within 4 modules of the code's edge."""
    xs, ys = [point.x for point in _corners(code)], [point.y for point in _corners(code)]
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    module = (right - left) / (17 + 4 * int(code.extra["Version"]))
    band = round(4 * module) - 1
    around = label.crop((left - band, top - band, right + band, bottom + band))
    around.paste(255, (band - 1, band - 1, around.width - band + 1, around.height - band + 1))
    return around.getextrema()[0] > 200


def _corners(code):
    position = code.position
    return position.top_left, position.top_right, position.bottom_right, position.bottom_left


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_label_scans_to_its_tag(app, tags, paper):
    pdf = sheets.label_sheet(sheets.labels_for(tags, BASE_URL), paper)
    assert len(pages(pdf)) == 2
    assert decode_labels(pdf, paper) == [f"{BASE_URL}/t/{tag.code}" for tag in tags]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pages_are_the_papers_true_size(paper):
    label = sheets.Label(f"{BASE_URL}/t/K7Q2M9XH", "K7Q2M9XH", "Corner Fridge", "Cleaning checklist")
    for count, expected_pages in [(0, 1), (1, 1), (24, 1), (25, 2)]:
        found = pages(sheets.label_sheet([label] * count, paper))
        assert len(found) == expected_pages
        for page in found:
            width, height = page.get_size()
            assert abs(width - POINTS[paper][0]) <= 1 and abs(height - POINTS[paper][1]) <= 1


def test_an_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="Unknown paper"):
        sheets.label_sheet([], "a3")


def test_captions_say_what_each_label_does(app, tags):
    labels = sheets.labels_for(tags, BASE_URL + "/")
    fridge_label, care_label, item_label = labels[:3]
    assert fridge_label.caption == "This fridge: see what's inside, log what you take or add"
    assert care_label.caption == "Cleaning checklist"
    assert item_label.caption == "Item 0: log what you take or add"
    assert labels[15].caption == "This freezer: see what's inside, log what you take or add"
    assert labels[15].site_name == "Nevera Ñandú"
    assert item_label.url == f"{BASE_URL}/t/{tags[2].code}" and item_label.code == tags[2].code


def test_a_printed_label_leads_to_a_logged_take(app, client, session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    milk = make_item("Milk 1 L", "dairy", "carton")
    ledger.restock(session, fridge.id, milk.id, 6, key(), utcnow(), best_before=date(2027, 3, 1))
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()

    [url] = decode_labels(sheets.label_sheet(sheets.labels_for([tag], BASE_URL)), "a4")
    assert url.startswith(BASE_URL)
    scan_page = client.get(urlsplit(url).path)
    assert scan_page.status_code == 200

    form = took_one_form(scan_page.text, "Milk 1 L")
    assert form["csrf_token"] == csrf_token(scan_page.text)
    answer = client.post(form.pop("action"), data=form)
    assert answer.status_code == 303
    assert '<span class="qty">5</span>' in client.get(f"/sites/{fridge.slug}").text


def took_one_form(page, item_name):
    """The fields the page's "Took 1" button for `item_name` would send, and where."""
    for form in re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S):
        action, body = form
        if "Took 1<span" in body and f"> {item_name}</span>" in body:
            fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', body))
            fields.update(re.findall(r'<button type="submit" name="(\w+)" value="([^"]*)">', body))
            assert fields["kind"] == "take" and fields["quantity"] == "1"
            return {"action": action, **fields}
    raise AssertionError(f"no Took 1 button for {item_name}")
