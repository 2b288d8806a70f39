"""Must show: the inspector's temperature log lists every reading, the excursion with its length and
what was done, and the days without a reading; rasterised with pypdfium2 and read. Coordinators only."""
from datetime import UTC, datetime, timedelta

import pypdfium2
import pytest
from sqlalchemy import select

from pantry.care import excursions, rules
from pantry.care.models import Flag
from pantry.stock import ledger
from tests.conftest import key

T0 = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)  # 10:00 in New York
LIMITS = {"fridge": 5.0, "freezer": -15.0}


@pytest.fixture
def warm_november(session, make_site, make_item):
    fridge = make_site("Corner Fridge", address="12 Elm St")
    milk, yogurt = make_item("Milk 1 L", "dairy", "carton"), make_item("Yogurt", "dairy", "cup")
    milk.keep_cold = yogurt.keep_cold = True
    ledger.restock(session, fridge.id, milk.id, 4, key(), T0 - timedelta(days=1))
    ledger.restock(session, fridge.id, yogurt.id, 2, key(), T0 - timedelta(days=1))
    for hours, celsius in [(0, 4.0), (0.5, 8.5), (2, 7.0), (3.5, 3.5)]:
        rules.record_care(session, fridge, [], celsius, "", key(), T0 + timedelta(hours=hours),
                          checklist=["shelves"], limits=LIMITS)
    session.commit()
    flags = {flag.batch.item_id: flag for flag in session.scalars(select(Flag))}
    batch = flags[milk.id].batch_id
    rules.discard_batch(session, fridge, batch, 4, key(), T0 + timedelta(hours=4), today=T0.date(), most=50,
                       reason="warm")
    excursions.clear(session, fridge.id, flags[yogurt.id].batch_id, "Probe reads 3 °C", key(),
                     T0 + timedelta(hours=5), "ada@example.org")
    session.commit()
    return fridge


def read_pdf(data):
    document = pypdfium2.PdfDocument(data)
    words = []
    for page in document:
        image = page.render(scale=1).to_pil().convert("L")
        assert image.getextrema()[0] < 100  # the page inks something
        words.append(page.get_textpage().get_text_range())
    return "\n".join(words)


def test_the_log_lists_readings_the_excursion_and_what_was_done(admin, warm_november):
    answer = admin.get(f"/admin/sites/{warm_november.slug}/temperature-log.pdf?month=2026-11&paper=letter")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    words = read_pdf(answer.data)
    assert "Temperature log: Corner Fridge" in words and "Limit: 5 °C or colder" in words
    assert "4 readings" in words
    for line in ["10 Nov 2026, 10:00 · 4 °C · in range", "10 Nov 2026, 10:30 · 8.5 °C · too warm",
                 "10 Nov 2026, 13:30 · 3.5 °C · in range"]:
        assert line in words
    assert "1 excursion" in words
    assert "From 10 Nov 2026, 10:30 for 3 h 00 min; warmest 8.5 °C" in words
    assert "2 batches of food kept cold put in question" in words
    assert "Removed as warm: 4 Milk 1 L, 10 Nov, 14:00" in words
    assert "Flag cleared by ada@example.org, 10 Nov, 15:00: Probe reads 3 °C" in words
    assert "29 days without a reading" in words and "1 Nov, 2 Nov" in words and "10 Nov" not in words.split(
        "days without a reading")[1]


def test_only_coordinators_read_the_log(client, warm_november):
    answer = client.get(f"/admin/sites/{warm_november.slug}/temperature-log.pdf?month=2026-11")
    assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"]


@pytest.mark.parametrize("asked, status", [("month=2026-13", 422), ("month=soon", 422), ("paper=a3", 404)])
def test_a_bad_month_or_paper_is_refused(admin, warm_november, asked, status):
    assert admin.get(f"/admin/sites/{warm_november.slug}/temperature-log.pdf?{asked}").status_code == status
