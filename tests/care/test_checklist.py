"""A volunteer at the fridge: scan the cleaning label, remove what is past its date, tick the
checklist, enter the thermometer reading, and see the site page say what it means."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from pantry.care import rules
from pantry.care.models import CareRecord, Reading
from pantry.database import utcnow
from pantry.shifts.models import Shift
from pantry.signals import too_warm
from pantry.sites.models import Site
from pantry.stock.models import Batch, Movement, Stock
from pantry.tags.rules import issue_tag, revoke_tag
from tests.care.conftest import counts, hidden, open_checklist, send_checklist, shift_soon
from tests.conftest import csrf_token, key

CHECKLIST = ["shelves", "seal_and_floor", "past_date_removed"]
LIMITS = {"fridge": 5.0, "freezer": -15.0}


def test_the_cleaning_label_opens_the_checklist(client, care_tag, milk):
    scanned = client.get(f"/t/{care_tag.code}")
    assert scanned.status_code == 303
    assert scanned.headers["Location"] == f"/care/{care_tag.code}"
    page = client.get(scanned.headers["Location"])
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.text
    assert "Corner Fridge" in text
    for label in ("Shelves wiped", "Door seal and floor clean", "Items past their best-before date removed"):
        assert label in text
    assert 'type="checkbox" name="ticked" value="shelves"' in text
    assert "Thermometer reading (°C, optional)" in text and 'inputmode="decimal"' in text
    assert '<label for="reading">' in text and '<label for="note">' in text
    assert text.count(">Removed<") == 1  # only the batch past its date, not the good one
    assert hidden(text, "quantity") == ["2"]


def test_a_batch_past_its_date_is_removed_in_one_tap(client, session, care_tag, fridge, milk):
    page = open_checklist(client, care_tag)
    data = {"csrf_token": csrf_token(page), "key": hidden(page, "key")[0],
            "batch": hidden(page, "batch")[0], "quantity": hidden(page, "quantity")[0]}
    answer = client.post(f"/care/{care_tag.code}/discard", data=data)
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/care/{care_tag.code}"
    after = client.get(answer.headers["Location"]).text
    assert "Removed: 2 Milk 1 L" in after
    assert ">Removed<" not in after and "Nothing is logged as past its date here." in after

    assert client.post(f"/care/{care_tag.code}/discard", data=data).status_code == 303  # sent twice
    session.rollback()
    discards = session.scalars(select(Movement).where(Movement.kind == "discard")).all()
    assert [(m.delta, m.source) for m in discards] == [(-2, "care")]
    stock = session.scalar(select(Stock).where(Stock.site_id == fridge.id, Stock.item_id == milk.id))
    assert stock.quantity == 3


def test_a_warm_reading_is_recorded_and_shown_until_one_is_back_in_range(app, client, session, care_tag, fridge, token):
    sent = []
    with too_warm.connected_to(lambda sender, reading: sent.append((sender, reading.celsius)), sender=app):
        data = {"csrf_token": token, "key": key(), "ticked": CHECKLIST, "reading": "7", "note": "Door was ajar"}
        answer = client.post(f"/care/{care_tag.code}", data=data)
        assert answer.status_code == 303
        thanks = client.get(answer.headers["Location"])
        assert thanks.status_code == 200
        assert "7 °C is too warm for a fridge (5 °C or less)." in thanks.text
        assert "Check the fridge before taking dairy or meals." in thanks.text
        assert "Thermometer: 7 °C" in thanks.text and "Note: Door was ajar" in thanks.text
        assert "Done: Shelves wiped" in thanks.text

        again = client.post(f"/care/{care_tag.code}", data=data)  # the same form sent twice
        assert again.headers["Location"] == answer.headers["Location"]
        assert sent == [(app, 7.0)]
        assert counts(session) == (1, 1)

        site_page = client.get(f"/sites/{fridge.slug}").text
        warning = site_page.split('class="note warning"')[1]
        assert "Check the fridge before taking dairy or meals." in warning
        assert "Too warm: the last reading was 7 °C" in warning and "A fridge should be 5 °C or less." in warning
        assert '<span class="badge past">Too warm</span>' in client.get("/").text

        cool = send_checklist(client, care_tag, token, reading="4")
        assert cool.status_code == 303
        assert "too warm" not in client.get(cool.headers["Location"]).text
        assert sent == [(app, 7.0)]
    site_page = client.get(f"/sites/{fridge.slug}").text
    assert "Check the fridge before taking dairy" not in site_page
    assert "4 °C" in site_page and "in range" in site_page
    assert "Too warm" not in client.get("/").text


def test_a_warm_site_mails_its_coordinators_once_an_hour(app, client, session, care_tag, fridge, token):
    """The label is anonymous and allows 30 checklists a minute: one alert a site per WARM_ALERT_MINUTES."""
    sent = []
    with too_warm.connected_to(lambda sender, reading: sent.append(reading.celsius), sender=app):
        for reading in ("7", "8", "9"):
            assert send_checklist(client, care_tag, token, reading=reading).status_code == 303
        assert sent == [7.0] and counts(session) == (3, 3)
        session.get(Site, fridge.id).warm_alert_sent_at = utcnow() - timedelta(minutes=61)
        session.commit()
        assert send_checklist(client, care_tag, token, reading="7.5").status_code == 303
        assert sent == [7.0, 7.5]


def test_a_comma_and_fahrenheit_are_understood(app, client, session, care_tag, fridge, token):
    assert send_checklist(client, care_tag, token, reading="3,5").status_code == 303
    app.config["TEMPERATURE_UNIT"] = "F"
    page = open_checklist(client, care_tag)
    assert "Thermometer reading (°F, optional)" in page
    answer = send_checklist(client, care_tag, token, reading="44,6")
    thanks = client.get(answer.headers["Location"]).text
    assert "44.6 °F is too warm for a fridge (41 °F or less)." in thanks
    session.rollback()
    assert [r.celsius for r in session.scalars(select(Reading).order_by(Reading.id))] == [3.5, 7.0]
    assert "44.6 °F" in client.get(f"/sites/{fridge.slug}").text


def test_a_freezer_warns_above_minus_fifteen(client, session, make_site):
    freezer = make_site("Church Freezer", kind="freezer")
    tag = issue_tag(session, freezer, "care", utcnow())
    session.commit()
    token = csrf_token(open_checklist(client, tag))
    thanks = client.get(send_checklist(client, tag, token, reading="-10").headers["Location"]).text
    assert "-10 °C is too warm for a freezer (-15 °C or less)." in thanks
    assert "A freezer should be -15 °C or less." in client.get(f"/sites/{freezer.slug}").text
    thanks = client.get(send_checklist(client, tag, token, reading="-18").headers["Location"]).text
    assert "too warm" not in thanks


def test_the_visit_counts_for_the_shift_near_now(client, session, care_tag, fridge, token):
    shift = shift_soon(session, fridge)
    answer = send_checklist(client, care_tag, token, reading="4")
    assert "Counted for the shift: Cleaning" in client.get(answer.headers["Location"]).text
    session.rollback()
    record = session.scalar(select(CareRecord))
    assert record.shift_id == shift.id
    assert session.get(Shift, shift.id).done_at == record.created_at


def test_a_pantry_shelf_has_no_thermometer(client, session, make_site):
    shelf = make_site("Library Pantry", kind="pantry")
    tag = issue_tag(session, shelf, "care", utcnow())
    session.commit()
    page = open_checklist(client, tag)
    assert "Thermometer" not in page
    answer = send_checklist(client, tag, csrf_token(page), reading="30")
    assert answer.status_code == 303
    assert counts(session) == (1, 0)
    site_page = client.get(f"/sites/{shelf.slug}").text
    assert "Last cleaning" in site_page and "Last reading" not in site_page and "°C" not in site_page


def test_cleaning_overdue_after_26_hours_without_a_record(client, session, care_tag, fridge, token):
    assert "Cleaning overdue" not in client.get(f"/sites/{fridge.slug}").text  # a new fridge
    rules.record_care(session, fridge, ["shelves"], 4.0, "", key(), utcnow() - timedelta(hours=27),
                      checklist=CHECKLIST, limits=LIMITS)
    session.commit()
    page = client.get(f"/sites/{fridge.slug}").text
    assert "Cleaning overdue" in page and "no cleaning recorded in the last 26 hours" in page
    assert '<span class="badge soon">Cleaning overdue</span>' in client.get("/").text
    assert send_checklist(client, care_tag, token).status_code == 303
    assert "Cleaning overdue" not in client.get(f"/sites/{fridge.slug}").text
    assert "Cleaning overdue" not in client.get("/").text


def test_a_closed_site_is_not_flagged_overdue(client, session, make_site):
    closed = make_site("Old Fridge", state="closed")
    rules.record_care(session, closed, [], None, "", key(), utcnow() - timedelta(hours=30),
                      checklist=CHECKLIST, limits=LIMITS)
    session.commit()
    assert "Cleaning overdue" not in client.get(f"/sites/{closed.slug}").text
    assert "Cleaning overdue" not in client.get("/").text


@pytest.mark.parametrize("fields, message", [
    ({"reading": "abc"}, "Enter the thermometer reading as a number"),
    ({"reading": "nan"}, "Enter the thermometer reading as a number"),
    ({"reading": "inf"}, "Enter the thermometer reading as a number"),
    ({"reading": "41"}, "That reading is outside -40 to 40 °C."),
    ({"reading": "-41"}, "That reading is outside -40 to 40 °C."),
    ({"reading": "1" * 21}, "Field cannot be longer than 20 characters."),
    ({"ticked": ["shelves", "polish_the_moon"]}, "That is not on this checklist."),
    ({"note": "x" * 501}, "Keep the note under 500 characters."),
    ({"key": "x"}, "Reload the page and try again."),
    ({"key": ""}, "This field is required."),
])
def test_bad_input_gets_a_clear_message_and_writes_nothing(client, session, care_tag, fridge, token, fields, message):
    answer = send_checklist(client, care_tag, token, **fields)
    assert answer.status_code == 422
    assert message in answer.text
    assert "nothing was saved yet" in answer.text
    assert counts(session) == (0, 0)


def test_a_reading_out_of_range_in_fahrenheit_says_so_in_fahrenheit(app, client, session, care_tag, token):
    app.config["TEMPERATURE_UNIT"] = "F"
    answer = send_checklist(client, care_tag, token, reading="120")
    assert answer.status_code == 422
    assert "That reading is outside -40 to 104 °F." in answer.text
    assert counts(session) == (0, 0)


def test_the_same_key_with_other_details_is_refused(client, session, care_tag, token):
    same = key()
    assert send_checklist(client, care_tag, token, key=same, reading="4").status_code == 303
    refused = send_checklist(client, care_tag, token, key=same, reading="6")
    assert refused.status_code == 422
    assert "already sent with different details" in refused.text
    assert counts(session) == (1, 1)


def test_a_missing_csrf_token_is_refused(client, session, care_tag, milk):
    page = open_checklist(client, care_tag)
    answer = client.post(f"/care/{care_tag.code}", data={"key": key(), "ticked": ["shelves"], "reading": "4"})
    assert answer.status_code == 400 and "reload the page" in answer.text
    discard = {"key": key(), "batch": hidden(page, "batch")[0], "quantity": "2"}
    assert client.post(f"/care/{care_tag.code}/discard", data=discard).status_code == 400
    assert counts(session) == (0, 0)
    assert session.scalar(select(Movement).where(Movement.kind == "discard")) is None


@pytest.mark.parametrize("fields, status", [
    ({"batch": "milk"}, 422),
    ({"quantity": "0"}, 422),
    ({"quantity": "99999999999999999999"}, 422),
    ({"key": "x"}, 422),
    ({"batch": "999999"}, 404),
])
def test_a_bad_discard_writes_nothing(client, session, care_tag, milk, fields, status):
    page = open_checklist(client, care_tag)
    data = {"csrf_token": csrf_token(page), "key": key(), "batch": hidden(page, "batch")[0], "quantity": "2", **fields}
    answer = client.post(f"/care/{care_tag.code}/discard", data=data)
    assert answer.status_code == status
    session.rollback()
    assert session.scalar(select(Movement).where(Movement.kind == "discard")) is None


def test_a_batch_of_another_site_cannot_be_discarded_here(client, session, make_site, milk, fridge):
    other = make_site("Other Fridge")
    tag = issue_tag(session, other, "care", utcnow())
    session.commit()
    batch_id = session.scalar(select(Batch.id).where(Batch.site_id == fridge.id).limit(1))
    token = csrf_token(open_checklist(client, tag))
    answer = client.post(f"/care/{tag.code}/discard",
                         data={"csrf_token": token, "key": key(), "batch": batch_id, "quantity": 2})
    assert answer.status_code == 404
    assert "no such batch at this site" in answer.text


def test_only_a_live_cleaning_label_opens_a_checklist(client, session, fridge, care_tag):
    assert client.get("/care/ZZZZZZZZ").status_code == 404
    assert "We don't know this label" in client.get("/care/ZZZZZZZZ").text
    assert client.get("/care/not-a-code").status_code == 404
    site_tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    assert client.get(f"/care/{site_tag.code}").status_code == 404
    revoke_tag(session, care_tag, utcnow())
    session.commit()
    gone = client.get(f"/care/{care_tag.code}")
    assert gone.status_code == 410 and "no longer used" in gone.text


def test_the_thank_you_page_is_only_for_its_sender(client, session, care_tag, make_site, token):
    answer = send_checklist(client, care_tag, token)
    assert client.get(answer.headers["Location"]).status_code == 200
    assert client.get(f"/care/{care_tag.code}/done/{key()}").status_code == 404
    other = make_site("Other Fridge")
    other_tag = issue_tag(session, other, "care", utcnow())
    session.commit()
    record_key = answer.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/care/{other_tag.code}/done/{record_key}").status_code == 404
