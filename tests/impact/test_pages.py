"""The impact report as anyone sees it: a page with charts and their words, a CSV, a PDF to print;
bad ranges refused in words; kept rendered like a site's page, and fresh after a new entry."""
import csv
import io
from datetime import UTC, date, datetime

import pypdfium2
import pytest
from sqlalchemy import select

from pantry.care import excursions, rules
from pantry.care.models import Flag
from pantry.impact.figures import Range, figures
from pantry.stock import ledger
from tests.conftest import key

AT = datetime(2026, 11, 12, 15, 0, tzinfo=UTC)


@pytest.fixture
def network(session, make_site, make_item):
    fridge, shelf = make_site("Corner Fridge"), make_site("Library Shelf", kind="pantry")
    beans = make_item("Canned beans")
    beans.typical_grams = 425
    ledger.restock(session, fridge.id, beans.id, 10, key(), AT)
    ledger.take(session, fridge.id, beans.id, 4, key(), AT)
    ledger.discard(session, fridge.id, beans.id, 1, key(), AT, reason="damaged")
    ledger.transfer(session, fridge.id, shelf.id, beans.id, 2, key(), AT)
    session.commit()
    return fridge, shelf, beans


def test_the_page_says_the_figures_in_words_beside_its_charts(client, network):
    page = client.get("/impact?month=2026-11")
    assert page.status_code == 200
    text = page.text
    assert "What the network achieves" in text and "1 Nov 2026 to 30 Nov 2026" in text
    assert "Items taken: 4 (food that reached people)" in text
    assert "Estimated weight taken: 1.7 kg" in text and "0 items taken had no typical weight" in text
    assert "Items discarded: 1 (past its date 0, warm 0, damaged 1, reason not said 0)" in text
    assert "Sent to other sites: 2 · received: 0" in text
    assert text.count('<svg class="chart bar"') >= 3 and 'aria-hidden="true"' in text
    site = client.get(f"/sites/{network[0].slug}/impact?from=2026-11-01&to=2026-11-12")
    assert site.status_code == 200 and "What Corner Fridge achieves" in site.text
    assert "Library Shelf" not in site.text.split("<main", 1)[1]


def test_the_csv_holds_the_figures_of_each_site_and_the_network(client, session, network):
    fridge, shelf, _ = network
    answer = client.get("/impact.csv?from=2026-11-01&to=2026-11-30")
    assert answer.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(answer.text)))
    assert [line["site"] for line in lines] == ["Corner Fridge", "Library Shelf", "network"]
    found, total = figures(session, [fridge, shelf], Range(date(2026, 11, 1), date(2026, 11, 30)))
    assert (lines[0]["taken"], lines[0]["discarded_damaged"], lines[0]["sent"]) == ("4", "1", "2")
    assert (lines[1]["received"], lines[2]["estimated_kg_taken"], lines[2]["days"]) == ("2", "1.7", "60")
    assert int(lines[2]["added"]) == total.added == found[fridge.id].added


@pytest.mark.parametrize("paper, size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_the_pdf_prints_on_either_paper_and_reads_as_the_page_does(client, network, paper, size):
    answer = client.get(f"/impact.pdf?month=2026-11&paper={paper}")
    assert answer.mimetype == "application/pdf"
    document = pypdfium2.PdfDocument(answer.data)
    page = document[0]
    assert tuple(round(side) for side in page.get_size()) == size
    image = page.render(scale=1).to_pil().convert("L")
    assert image.getextrema()[0] < 100  # it inks something
    words = page.get_textpage().get_text_range()
    assert "Impact report: The whole network" in words and "Items taken: 4" in words
    assert "Corner Fridge" in words and "Library Shelf" in words


@pytest.mark.parametrize("asked, words", [
    ("from=2026-11-30&to=2026-11-01", "The end date is before the start date."),
    ("from=2025-01-01&to=2026-11-30", "Choose at most 400 days at a time."),
    ("month=2026-13", "a month like 2026-11"),
    ("from=yesterday&to=2026-11-30", "dates like 2026-11-01"),
    ("from=0001-01-01&to=0001-01-02", "dates like 2026-11-01"),
])
def test_a_bad_range_is_refused_in_words(client, network, asked, words):
    for path in ("/impact", "/impact.csv", "/impact.pdf", f"/sites/{network[0].slug}/impact"):
        answer = client.get(f"{path}?{asked}")
        assert answer.status_code == 422 and words in answer.text, path


def test_unknown_sites_and_papers_are_not_found(client, network):
    assert client.get("/sites/no-such-site/impact").status_code == 404
    assert client.get("/sites/NOT A SLUG/impact.csv").status_code == 404
    assert client.get("/impact.pdf?paper=a3").status_code == 404


def test_the_page_is_kept_rendered_but_shows_a_new_take_at_once(app, client, session, network):
    fridge, _, beans = network
    app.config["PAGE_CACHE_SECONDS"] = 30
    assert "Items taken: 4 " in client.get("/impact?month=2026-11").text
    ledger.take(session, fridge.id, beans.id, 1, key(), AT)
    session.commit()
    assert "Items taken: 5 " in client.get("/impact?month=2026-11").text


def test_the_api_answers_the_same_figures(client, network):
    answer = client.get("/api/v1/impact?from=2026-11-01&to=2026-11-30").json
    assert answer["network"]["taken"] == 4 and answer["network"]["discarded"]["damaged"] == 1
    assert [(line["site"], line["figures"]["received"]) for line in answer["sites"]] == [
        ("corner-fridge", 0), ("library-shelf", 2)]
    refused = client.get("/api/v1/impact?month=2026-00")
    assert refused.status_code == 422 and refused.json["code"] == "bad_range"


def test_food_put_in_question_and_the_flags_cleared_are_counted(app, client, session, network, make_item):
    """Issue 17 point 2, "all in the impact report": a warm fridge's batches put in question, and
    of them those a coordinator cleared with a reason, counted by the excursions of the range; the
    page kept rendered shows a clearing at once."""
    fridge, shelf, _ = network
    milk = make_item("Milk 1 L", "dairy", "carton")
    milk.keep_cold = True
    ledger.restock(session, fridge.id, milk.id, 4, key(), AT)
    # Warm, with no reading before: for how long is not known, so the milk is in question at once.
    rules.record_care(session, fridge, [], 9.0, "", key(), AT.replace(hour=17), checklist=["shelves"],
                      limits={"fridge": 5.0, "freezer": -15.0})
    session.commit()
    november = Range(date(2026, 11, 1), date(2026, 11, 30))
    found, total = figures(session, [fridge, shelf], november)
    assert (found[fridge.id].batches_flagged, found[fridge.id].flags_cleared, total.batches_flagged) == (1, 0, 1)
    app.config["PAGE_CACHE_SECONDS"] = 30
    assert "Batches put in question: 1 · cleared by a coordinator, with a reason: 0" in client.get("/impact?month=2026-11").text
    excursions.clear(session, fridge.id, session.scalar(select(Flag.batch_id)), "Probe reads 3 °C", key(),
                     AT.replace(hour=19), "Ada")
    session.commit()
    assert figures(session, [fridge], november)[0][fridge.id].flags_cleared == 1
    assert figures(session, [fridge], Range(date(2026, 12, 1), date(2026, 12, 1)))[0][fridge.id].batches_flagged == 0
    assert "Batches put in question: 1 · cleared by a coordinator, with a reason: 1" in client.get("/impact?month=2026-11").text
    lines = list(csv.DictReader(io.StringIO(client.get("/impact.csv?month=2026-11").text)))
    assert (lines[0]["batches_put_in_question"], lines[0]["flags_cleared"]) == ("1", "1")
