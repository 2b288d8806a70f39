"""Reports leave nothing about the people who sent them on a public page (design rule 10), and
their notes and photos are seen only by coordinators. With the demo network loaded and reports
sent through the form with notes and photos, every public GET route is fetched with every
filling it can take; no body holds a note, the address of a photo, or a photo's bytes. The
same search finds all three on the coordinators' screen, so it can fail."""
import io
import re

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from pantry.reports.models import ReportPhoto
from pantry.sites.models import Site
from tests.conftest import PASSWORD, csrf_token
from tests.reports.conftest import jpeg_with_gps, png
from tests.security.test_privacy import SIGN_IN, public_pages, readings

NOTES = ["Spilt yoghurt behind the milk, bottom shelf", "Door seal torn on the left side"]
PHOTO_PATH = "/admin/reports/photos/"


def send_reports(client, session):
    """Two reports with notes and photos through the public form, at the first two demo sites."""
    sites = session.scalars(select(Site).order_by(Site.id).limit(2)).all()
    for site, note, photo in zip(sites, NOTES, (jpeg_with_gps((900, 600)), png((700, 500))), strict=True):
        page = client.get(f"/sites/{site.slug}/report").text
        boundary, body = encode_multipart({
            "csrf_token": csrf_token(page), "key": re.search(r'name="key" value="([^"]+)"', page).group(1),
            "kind": "dirty", "note": note, "photo": FileStorage(io.BytesIO(photo), "photo.jpg", "image/jpeg"),
        })
        answer = client.post(f"/sites/{site.slug}/report", data=body,
                             content_type=f"multipart/form-data; boundary={boundary}")
        assert answer.status_code == 303, answer.text
    session.rollback()
    return [photo.id for photo in session.scalars(select(ReportPhoto))]


def seen(answer, kept):
    """What of the reports' private parts the answer holds: a note, a photo's address or its bytes."""
    found = set()
    raw = answer.get_data()
    found |= {f"photo {number}'s bytes" for number, data in enumerate(kept) if data[:64] in raw}
    if answer.mimetype.startswith(("text/", "application/json", "application/javascript")):
        for form in readings(answer):
            found |= {f"the note {note!r}" for note in NOTES if note in form}
            if PHOTO_PATH in form:
                found.add("the address of a photo")
    return found


def test_no_public_page_shows_a_reports_note_or_photo(app, client, session, demo_network):
    photo_ids = send_reports(client, session)
    kept = [session.get(ReportPhoto, photo_id).data for photo_id in photo_ids]
    assert len(kept) == 2
    site_page = client.get(f"/sites/{session.scalars(select(Site).order_by(Site.id)).first().slug}").text
    assert "Reported dirty" in site_page  # the report itself is public: only its notes and photo are not
    problems, pages = [], public_pages(app, session)
    assert {"public.site", "public.home", "reports.new", "api.site_reports"} <= {page[0] for page in pages}
    for endpoint, path, _values in pages:
        answer = client.get(path, buffered=True)
        assert answer.status_code < 500, f"{path} answered {answer.status_code}"
        problems += [f"{path} ({endpoint}) shows {what}" for what in sorted(seen(answer, kept))]
    assert not problems, "reports' notes or photos on pages anyone can open:\n" + "\n".join(problems)


def test_the_search_finds_notes_and_photos_where_coordinators_see_them(app, client, session, demo_network,
                                                                         coordinator):
    photo_ids = send_reports(client, session)
    kept = [session.get(ReportPhoto, photo_id).data for photo_id in photo_ids]
    client.post(SIGN_IN, data={"csrf_token": csrf_token(client.get(SIGN_IN).text), "email": coordinator.email,
                               "password": PASSWORD})
    found = seen(client.get("/admin/reports", buffered=True), kept)
    for photo_id in photo_ids:
        found |= seen(client.get(f"{PHOTO_PATH}{photo_id}", buffered=True), kept)
    assert found == {f"the note {NOTES[0]!r}", f"the note {NOTES[1]!r}", "the address of a photo",
                     "photo 0's bytes", "photo 1's bytes"}
