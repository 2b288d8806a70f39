"""Coordinators see every open report with its notes and photos, close one or mark it not true;
the photo is served to them alone."""
import io
import re

from PIL import Image
from sqlalchemy import select

from pantry.database import utcnow
from pantry.journal import JournalEntry
from pantry.reports import photos
from pantry.reports.models import Report, ReportPhoto
from tests.conftest import NOW, csrf_token, key
from tests.coordinators.conftest import admin  # noqa: F401  (a fixture)
from tests.reports.conftest import jpeg_with_gps

LIMITS = photos.Limits(50_000_000, 1600, 400 * 1024)


def test_the_network_screen_shows_open_reports_with_notes_and_photos(admin, session, report, fridge):
    entry = report("dirty", note="Spilt milk", photo=photos.prepare(jpeg_with_gps(), LIMITS))
    report("dirty", now=NOW)
    page = admin.get("/admin/reports").text
    assert "Reported dirty" in page and "Corner Fridge" in page and "2 people" in page and "Spilt milk" in page
    photo_url = f"/admin/reports/photos/{entry.photo.id}"
    assert f'src="{photo_url}"' in page and 'alt="Photo sent with this report' in page
    served = admin.get(photo_url)
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert served.headers["Cache-Control"] == "no-store"
    assert len(Image.open(io.BytesIO(served.data)).getexif()) == 0


def test_the_home_counts_open_reports(admin, report):
    assert "0 open reports from neighbours" in admin.get("/admin/").text
    report("dirty")
    report("empty")
    assert "2 open reports from neighbours" in admin.get("/admin/").text


def test_a_coordinator_closes_one_with_a_reason(admin, session, report, fridge):
    entry = report("broken", now=utcnow())
    page = admin.get(f"/admin/sites/{fridge.slug}/reports").text
    answer = admin.post(f"/admin/reports/{entry.report_id}/close",
                        data={"csrf_token": csrf_token(page), "key": key(), "reason": "Door fixed", "back": fridge.slug})
    assert answer.status_code == 303 and answer.headers["Location"] == f"/admin/sites/{fridge.slug}/reports"
    after = admin.get(answer.headers["Location"]).text
    assert "Reported broken at Corner Fridge: Closed by a coordinator." in after
    assert "(ada@example.org): Door fixed" in after
    assert "Reported broken" not in admin.get(f"/sites/{fridge.slug}").text
    session.rollback()
    line = session.scalar(select(JournalEntry).where(JournalEntry.action == "report.closed"))
    assert (line.who, line.subject, line.after_values) == (
        "Ada", "Reported broken · Corner Fridge", {"closed_how": "coordinator", "closed_reason": "Door fixed"})


def test_not_true_hides_it_from_the_public(admin, session, report, fridge):
    entry = report("unwanted", now=utcnow())
    assert "Reported: something that should not be there" in admin.get(f"/sites/{fridge.slug}").text
    page = admin.get("/admin/reports").text
    answer = admin.post(f"/admin/reports/{entry.report_id}/not-true", data={"csrf_token": csrf_token(page), "key": key()})
    assert answer.status_code == 303
    assert "Marked not true by a coordinator" in admin.get(answer.headers["Location"]).text
    session.rollback()
    assert session.get(Report, entry.report_id).hidden
    assert "should not be there" not in admin.get(f"/sites/{fridge.slug}").text
    again = admin.post(f"/admin/reports/{entry.report_id}/close", data={"csrf_token": csrf_token(page), "key": key()})
    assert "This report was closed already." in admin.get(again.headers["Location"]).text


def test_closing_without_a_token_or_an_unknown_report(admin, report):
    entry = report("dirty")
    assert admin.post(f"/admin/reports/{entry.report_id}/close", data={"key": key()}).status_code == 400
    page = admin.get("/admin/reports").text
    answer = admin.post("/admin/reports/999999/close", data={"csrf_token": csrf_token(page), "key": key()})
    assert "There is no such report." in admin.get(answer.headers["Location"]).text


def test_photos_are_for_coordinators_only(client, session, report):
    entry = report("dirty", photo=photos.prepare(jpeg_with_gps(), LIMITS))
    answer = client.get(f"/admin/reports/photos/{entry.photo.id}")
    assert answer.status_code in (302, 401) and "image" not in answer.mimetype
    assert re.search(r"/admin/sign-in", answer.headers.get("Location", ""))
    assert session.scalar(select(ReportPhoto.id)) == entry.photo.id
