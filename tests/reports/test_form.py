"""A neighbour reports from the scan page or the site's page: a plain multipart form, no sign-in,
"Reported dirty · ... · 3 people" on the pages, and every bad input a message with nothing written."""
import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from pantry.database import utcnow
from pantry.reports.models import Report, ReportEntry, ReportPhoto
from pantry.tags.rules import issue_tag
from tests.conftest import csrf_token, key
from tests.reports.conftest import jpeg_with_gps


def open_form(client, site):
    page = client.get(f"/sites/{site.slug}/report")
    assert page.status_code == 200
    return page.text


def send(client, site, page=None, photo=None, **fields):
    page = page or open_form(client, site)
    data = {"csrf_token": csrf_token(page), "key": re.search(r'name="key" value="([^"]+)"', page).group(1), **fields}
    if photo is not None:
        data["photo"] = FileStorage(io.BytesIO(photo), "IMG_0001.jpg", "image/jpeg")
    return post_multipart(client, f"/sites/{site.slug}/report", data)


def post_multipart(client, path, data):
    """A multipart body made here, in memory: the test client would spool a large one to a file
    of its own and leave it open when the server (rightly) never reads a body it refuses."""
    boundary, body = encode_multipart(data)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def counts(session):
    session.rollback()
    return tuple(session.scalar(select(func.count()).select_from(table)) for table in (Report, ReportEntry, ReportPhoto))


def test_the_form_is_a_plain_multipart_form_with_the_camera(client, fridge):
    page = open_form(client, fridge)
    assert 'enctype="multipart/form-data"' in page and 'method="post"' in page
    assert 'type="file"' in page and 'accept="image/*"' in page and 'capture="environment"' in page
    for label in ("Empty", "Full (no room for more)", "Dirty", "Not cold", "Broken (door, light, power)",
                  "Something that should not be there", "Other"):
        assert f"> {label}</label>" in page
    assert "Only the coordinators see it, never the public." in page


def test_a_report_with_a_photo_shows_on_the_site_page_and_a_second_merges(client, session, fridge):
    answer = send(client, fridge, kind="dirty", note="Spilt milk on the bottom shelf", photo=jpeg_with_gps())
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/sites/{fridge.slug}#reports"
    shown = client.get(answer.headers["Location"]).text
    assert "Thank you. Reported dirty: you are the first to say so." in shown
    assert re.search(r"<strong>Reported dirty</strong> · .* ago · 1 person", shown)
    assert "Spilt milk" not in shown and "/admin/reports/photos" not in shown  # notes and photos: coordinators only
    assert send(client, fridge, kind="dirty").status_code == 303
    shown = client.get(f"/sites/{fridge.slug}").text
    assert re.search(r"<strong>Reported dirty</strong> · .* ago · 2 people", shown)
    assert counts(session) == (1, 2, 1)


def test_the_scan_page_and_the_home_page(client, session, fridge):
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    scan = client.get(f"/t/{tag.code}").text
    assert f'href="/sites/{fridge.slug}/report"' in scan and "Something wrong? Tell us" in scan
    send(client, fridge, kind="empty")
    home = client.get("/").text
    assert re.search(r"<strong>Reported empty</strong> · .* ago · 1 person", home)


def test_a_replayed_form_applies_once(client, session, fridge):
    page = open_form(client, fridge)
    assert send(client, fridge, page, kind="broken").status_code == 303
    assert send(client, fridge, page, kind="broken").status_code == 303
    assert counts(session) == (1, 1, 0)
    refused = send(client, fridge, page, kind="empty")
    assert refused.status_code == 422
    assert "This report was already sent with different details." in refused.text
    assert counts(session) == (1, 1, 0)


@pytest.mark.parametrize("fields, status, message", [
    ({"kind": "filthy"}, 422, "Choose what is wrong from the list."),
    ({}, 422, "Choose what is wrong from the list."),
    ({"kind": "other", "note": "x" * 281}, 422, "Keep the note to 280 characters or fewer."),
    ({"kind": "other", "note": "text me 555 123 4567"}, 422, "Please leave out phone numbers and email addresses"),
    ({"kind": "other", "note": "ana@example.org left it"}, 422, "Please leave out phone numbers and email addresses"),
    ({"kind": "dirty", "key": "no"}, 422, "Reload the page and try again."),
])
def test_bad_input_is_refused_in_words_with_nothing_written(client, session, fridge, fields, status, message):
    answer = send(client, fridge, **fields)
    assert answer.status_code == status
    assert message in answer.text
    assert counts(session) == (0, 0, 0)


@pytest.mark.parametrize("photo", [b"%PDF-1.4 not a photo", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                                   jpeg_with_gps((800, 600))[:3000]])
def test_a_file_that_is_not_a_photo_is_refused(client, session, fridge, photo):
    answer = send(client, fridge, kind="dirty", photo=photo)
    assert answer.status_code == 422
    assert "That file is not a photo we can read." in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert counts(session) == (0, 0, 0)


def test_an_upload_over_10_mb_gets_a_413_page_in_words(client, session, fridge):
    answer = send(client, fridge, kind="dirty", photo=b"\xff\xd8" + b"\0" * (10 * 1024 * 1024))
    assert answer.status_code == 413
    assert "That photo is over 10 MB, so nothing was sent." in answer.text
    assert counts(session) == (0, 0, 0)


def test_a_photo_of_a_few_megabytes_is_taken(client, session, fridge):
    """Above the 256 kB every other form may send: the report's own limit is the one that counts."""
    import os

    from PIL import Image
    noise = Image.frombytes("RGB", (1400, 1000), os.urandom(1400 * 1000 * 3))  # the hardest to compress
    written = io.BytesIO()
    noise.save(written, "PNG")
    assert len(written.getvalue()) > 2 * 1024 * 1024
    assert send(client, fridge, kind="dirty", photo=written.getvalue()).status_code == 303
    session.rollback()
    kept = session.scalar(select(ReportPhoto))
    assert len(kept.data) <= 400 * 1024 and max(kept.width, kept.height) < 1400  # shrunk until it fit


def test_other_forms_still_stop_at_their_own_limit(client, fridge):
    answer = client.post("/t/AAAAAAAA/log", data=b"note=" + b"x" * (300 * 1024),
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 413


def test_a_missing_csrf_token_is_refused(client, session, fridge):
    answer = client.post(f"/sites/{fridge.slug}/report", data={"kind": "dirty", "key": key()})
    assert answer.status_code == 400
    assert counts(session) == (0, 0, 0)


def test_an_unknown_site_is_404(client):
    assert client.get("/sites/nowhere/report").status_code == 404
    assert client.get("/sites/NOT%20A%20SLUG/report").status_code == 404


def test_the_form_in_spanish(client, fridge):
    page = client.get(f"/sites/{fridge.slug}/report", headers={"Accept-Language": "es"}).text
    assert "¿Algo va mal?" in page and "> Sucio</label>" in page


def test_the_phones_outbox_hears_a_refusal_in_json_naming_the_field(client, session, fridge):
    """A report kept on a phone without signal is sent later by pantry.js, asking for JSON: a
    refusal must say so in JSON (an HTML page would read as a server failure, retried for ever)."""
    page = open_form(client, fridge)
    data = {"csrf_token": csrf_token(page), "key": key(), "kind": "other", "note": "call 555 123 4567"}
    boundary, body = encode_multipart(data)
    answer = client.post(f"/sites/{fridge.slug}/report", data=body, headers={"Accept": "application/json"},
                         content_type=f"multipart/form-data; boundary={boundary}")
    assert answer.status_code == 422 and answer.json["code"] == "invalid"
    assert list(answer.json["fields"]) == ["note"] and "phone numbers" in answer.json["fields"]["note"][0]
    assert counts(session) == (0, 0, 0)
    data["note"] = "Door will not close"
    boundary, body = encode_multipart({**data, "kind": "broken"})
    sent = client.post(f"/sites/{fridge.slug}/report", data=body, headers={"Accept": "application/json"},
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert sent.status_code == 201 and sent.json["report"]["kind"] == "broken"
