"""A neighbour reports a dirty fridge from the label, in a phone's Chromium, with JavaScript on
and off: a photo chosen from a file, "Reported dirty" on the site's page, a second report that
merges, a cleaning check that closes it, and the photo on the coordinators' screen alone. Each
new page and state has no axe violations."""
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from pantry.coordinators import invitations
from pantry.database import utcnow
from pantry.reports.models import Report, ReportPhoto
from pantry.tags.rules import issue_tag
from tests.browser.checks import axe_violations, page_checks
from tests.reports.conftest import jpeg_with_gps

pytestmark = pytest.mark.once  # what it checks does not depend on the database

both = pytest.mark.parametrize("phone", [True, False], ids=["javascript", "no-javascript"], indirect=True)


def heading(page):
    return page.get_by_role("heading", level=1)


def clean(page, axe_source, javascript=True):
    """No axe violations and the project's own checks. They run in the page, so only where it
    runs scripts: with scripts off, the same server-rendered page was checked in the other variant."""
    if not javascript:
        return
    problems = axe_violations(page, axe_source) + page_checks(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def report_dirty(phone, code, photo=None):
    phone.goto(f"/t/{code}")
    phone.get_by_role("link", name="Something wrong? Tell us").click()
    expect(heading(phone)).to_have_text("Something wrong?")
    phone.get_by_role("group", name="What is wrong?").get_by_label("Dirty", exact=True).check()
    if photo is not None:
        phone.get_by_label("A photo (optional)").set_input_files(
            {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo})
    phone.get_by_role("button", name="Send the report").click()


@both
def test_report_dirty_with_a_photo_merge_and_a_cleaning_closes_it(phone, session, make_site, axe_source, request):
    javascript = request.node.callspec.params["phone"]
    fridge = make_site("Corner Fridge", address="12 Elm St")
    site_label, care_label = (issue_tag(session, fridge, purpose, utcnow()) for purpose in ("site", "care"))
    invitations.add_with_password(session, "ada@example.org", "Ada", "a long enough password", utcnow())
    session.commit()
    main = phone.locator("main")

    phone.goto(f"/t/{site_label.code}")
    phone.get_by_role("link", name="Something wrong? Tell us").click()
    clean(phone, axe_source, javascript)
    report_dirty(phone, site_label.code, jpeg_with_gps((2400, 1600)))
    expect(heading(phone)).to_have_text("Corner Fridge")
    expect(main).to_contain_text("Thank you. Reported dirty: you are the first to say so.")
    expect(main).to_contain_text(re.compile(r"Reported dirty · .+ ago · 1 person"))
    expect(phone.locator("main img")).to_have_count(0)  # the photo is the coordinators' alone
    clean(phone, axe_source, javascript)

    report_dirty(phone, site_label.code)
    expect(main).to_contain_text(re.compile(r"Reported dirty · .+ ago · 2 people"))
    phone.goto("/")
    expect(main).to_contain_text(re.compile(r"Reported dirty · .+ ago · 2 people"))
    clean(phone, axe_source, javascript)

    phone.goto("/admin/reports")
    phone.get_by_label("Email").fill("ada@example.org")
    phone.get_by_label("Password").fill("a long enough password")
    phone.get_by_role("button", name="Sign in").click()
    expect(heading(phone)).to_have_text("Open reports")
    photo = phone.get_by_role("img", name=re.compile(r"^Photo sent with this report"))
    expect(photo).to_have_count(1)
    served = phone.request.get(photo.get_attribute("src"))  # with this phone's sign-in cookie
    assert served.ok and served.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(served.body())).size == (1600, 1067)
    clean(phone, axe_source, javascript)

    phone.goto(f"/t/{care_label.code}")
    phone.get_by_label("Shelves wiped").check()
    phone.get_by_role("button", name="Send the checklist").click()
    phone.goto(f"/sites/{fridge.slug}")
    expect(main).not_to_contain_text("Reported dirty")
    expect(main).to_contain_text("Something wrong? Tell us")


@pytest.mark.parametrize("phone", [True], indirect=True)
def test_a_refused_report_says_why_and_stays_accessible(phone, session, make_site, axe_source):
    fridge = make_site("Corner Fridge")
    session.commit()
    phone.goto(f"/sites/{fridge.slug}/report")
    phone.get_by_label("Other", exact=True).check()
    phone.get_by_label("A short note (optional)").fill("Bag of rubbish on the top shelf")
    phone.get_by_label("A photo (optional)").set_input_files(
        {"name": "not-a-photo.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.4 nope"})
    phone.get_by_role("button", name="Send the report").click()
    expect(phone.get_by_role("alert")).to_contain_text("That file is not a photo we can read.")
    clean(phone, axe_source)
    phone.get_by_label("A short note (optional)").fill("ring 555 123 4567")
    phone.get_by_role("button", name="Send the report").click()
    expect(phone.get_by_role("alert")).to_contain_text("Please leave out phone numbers and email addresses")
    clean(phone, axe_source)


def noisy_photo(size=(2400, 1600)):
    """A camera's photo: detail everywhere, so it is megabytes as a JPEG (a flat colour is not)."""
    picture = Image.merge("RGB", [Image.effect_noise(size, 60) for _ in range(3)])
    written = io.BytesIO()
    picture.save(written, "JPEG", quality=95)
    return written.getvalue()


def reports_of(session):
    session.rollback()  # the server wrote from another connection
    return [(found.kind, found.people) for found in session.scalars(select(Report).order_by(Report.id))]


@pytest.mark.parametrize("phone", [True], indirect=True)
def test_the_phone_shrinks_the_photo_before_sending_it(phone, session, make_site):
    """Issue 13 point 4: with JavaScript, a camera's photo goes at most 1600 px, re-drawn as a
    JPEG (so a fraction of its bytes, and no EXIF), on a weak signal."""
    fridge = make_site("Corner Fridge")
    site_label = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    original = noisy_photo()
    phone.goto(f"/t/{site_label.code}")
    phone.locator("html[data-outbox=ready]").wait_for(state="attached")
    with phone.expect_request(lambda request: request.method == "POST" and request.url.endswith("/report")) as sent:
        report_dirty(phone, site_label.code, original)
    length = int(sent.value.all_headers()["content-length"])
    assert length < len(original) / 3, (length, len(original))
    expect(phone.locator("main")).to_contain_text("Thank you. Reported dirty: you are the first to say so.")
    assert reports_of(session) == [("dirty", 1)]


@pytest.mark.parametrize("phone", [True], indirect=True)
def test_a_report_without_signal_waits_on_the_phone_with_its_photo(phone, session, make_site):
    """Issue 13 point 4: the offline outbox keeps a report with its photo until it is sent."""
    fridge = make_site("Corner Fridge")
    session.commit()
    phone.goto(f"/sites/{fridge.slug}/report")
    phone.locator("html[data-outbox=ready]").wait_for(state="attached")
    phone.context.set_offline(True)
    phone.get_by_label("Not cold", exact=True).check()
    phone.get_by_label("A photo (optional)").set_input_files(
        {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps((2000, 1500))})
    phone.get_by_role("button", name="Send the report").click()
    expect(phone.locator("main .messages")).to_contain_text("Saved on this phone: 1 entry waiting to send")
    assert reports_of(session) == []

    phone.context.set_offline(False)  # the browser says "online": the outbox is sent
    expect(phone.locator("main .messages")).to_contain_text("Thank you. Reported not cold: you are the first to say so.")
    assert phone.evaluate("() => Outbox.count()") == 0
    assert reports_of(session) == [("not_cold", 1)]
    photo = session.scalars(select(ReportPhoto)).one()
    assert max(photo.width, photo.height) <= 1600
