"""The journeys people make, in a phone's Chromium, each with JavaScript on and off: a take,
an undo and a restock from a label; a shift sign-up with its calendar file, cancelled by the
private link; a cleaning visit with a warm reading; a coordinator making a site, an item and
their labels.

They follow what a person sees (roles, labels, visible text), not the markup, so they hold
whether a tap is a plain form post or the offline outbox's JSON (pantry.js)."""
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2
import pytest
from babel.dates import format_date
from icalendar import Calendar
from playwright.sync_api import expect

from pantry.clock import deployment_zone, local_today
from pantry.coordinators import invitations
from pantry.database import utcnow
from pantry.shifts import planning
from pantry.stock import ledger
from pantry.tags.rules import issue_tag
from tests.conftest import key

pytestmark = pytest.mark.once  # what it checks does not depend on the database

both = pytest.mark.parametrize("phone", [True, False], ids=["javascript", "no-javascript"], indirect=True)


def heading(page):
    return page.get_by_role("heading", level=1)


@both
def test_take_two_undo_and_restock_from_a_label(phone, session, make_site, make_item):
    fridge = make_site("Corner Fridge", address="12 Elm St")
    milk = make_item("Milk 1 L", "dairy", "carton")
    now = utcnow()
    ledger.restock(session, fridge.id, milk.id, 5, key(), now, best_before=local_today() + timedelta(days=7))
    label = issue_tag(session, fridge, "site", now)
    session.commit()
    main = phone.locator("main")

    phone.goto(f"/t/{label.code}")
    expect(heading(phone)).to_have_text("Corner Fridge")
    phone.get_by_role("link", name="Milk 1 L", exact=True).click()
    expect(heading(phone)).to_have_text("Milk 1 L")
    expect(main).to_contain_text("5 inside")

    phone.get_by_role("group", name="I took").get_by_role("button", name="2 Milk 1 L", exact=True).click()
    expect(main).to_contain_text("Logged: took 2 Milk 1 L")
    expect(main).to_contain_text("3 inside")
    phone.get_by_role("button", name="Undo Milk 1 L").click()
    expect(main).to_contain_text("Undone: Milk 1 L is back as it was.")
    expect(main).to_contain_text("5 inside")

    best_before = local_today() + timedelta(days=1)
    phone.get_by_label("How many", exact=True).fill("6")
    phone.get_by_label("Best before (optional)").fill(best_before.isoformat())
    phone.get_by_role("button", name="Log what I added").click()
    expect(main).to_contain_text("Logged: added 6 Milk 1 L")
    expect(main).to_contain_text("11 inside")

    phone.goto(f"/sites/{fridge.slug}")
    line = phone.get_by_role("listitem").filter(has_text="Milk 1 L")
    expect(line).to_contain_text("11")
    expect(line).to_contain_text(f"6 best before {format_date(best_before, 'EEE d MMM', locale='en')}")


@both
def test_sign_up_for_a_shift_take_the_calendar_and_cancel(phone, session, make_site):
    fridge = make_site("Corner Fridge", address="12 Elm St")
    day = local_today() + timedelta(days=3)
    shift = planning.add_shift(session, fridge, "cleaning", day, time(9), time(9, 30), 2, utcnow(), deployment_zone())
    session.commit()
    main = phone.locator("main")

    phone.goto("/shifts")
    card = phone.get_by_role("listitem").filter(has=phone.get_by_role("heading", name="Cleaning at Corner Fridge"))
    expect(card).to_contain_text("0 of 2 places taken")
    card.get_by_role("link", name=re.compile(r"^Sign up")).click()
    expect(heading(phone)).to_have_text("Cleaning at Corner Fridge")
    phone.get_by_label("Your name").fill("Ana Ruiz")
    phone.get_by_label("Email (optional)").fill("ana@example.org")
    phone.get_by_role("button", name="Sign up for this shift").click()
    expect(heading(phone)).to_have_text("You're signed up")
    expect(main).to_contain_text("Thank you, Ana. See you there.")
    expect(main).to_contain_text("1 of 2 places taken")

    with phone.expect_download() as download:
        phone.get_by_role("link", name="Add to my calendar (.ics)").click()
    events = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert len(events) == 1
    start = events[0]["DTSTART"]
    assert start.params["TZID"] == "America/New_York"
    assert start.dt == datetime.combine(day, time(9), tzinfo=deployment_zone())

    # The private link alone is enough: open it as a phone with no cookie from the sign-up.
    link = phone.get_by_role("link", name=re.compile(r"https?:.*sign-ups")).get_attribute("href")
    phone.context.clear_cookies()
    phone.goto(urlsplit(link).path)
    expect(heading(phone)).to_have_text("You're signed up")
    phone.get_by_role("button", name="Cancel my place").click()
    expect(heading(phone)).to_have_text("Your place is free again")

    phone.goto(f"/shifts/{shift.id}")
    expect(main).to_contain_text("0 of 2 places taken")
    expect(phone.get_by_role("button", name="Sign up for this shift")).to_be_visible()


@both
def test_a_cleaning_visit_with_a_warm_reading(phone, session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    milk = make_item("Milk 1 L", "dairy", "carton")
    now, today = utcnow(), local_today()
    ledger.restock(session, fridge.id, milk.id, 2, key(), now, best_before=today - timedelta(days=2))
    ledger.restock(session, fridge.id, milk.id, 3, key(), now, best_before=today + timedelta(days=7))
    label = issue_tag(session, fridge, "care", now)
    session.commit()
    main = phone.locator("main")

    phone.goto(f"/t/{label.code}")
    expect(heading(phone)).to_have_text("Cleaning checklist")
    past = phone.get_by_role("region", name="Past their best-before date")
    expect(past).to_contain_text("2 Milk 1 L")
    expect(past).to_contain_text("past its date")
    past.get_by_role("button", name=re.compile(r"^Removed")).click()
    expect(main).to_contain_text("Removed: 2 Milk 1 L. Thank you.")
    expect(past).to_contain_text("Nothing is logged as past its date here.")

    for done in ("Shelves wiped", "Door seal and floor clean", "Items past their best-before date removed"):
        phone.get_by_label(done).check()
    phone.get_by_label("Thermometer reading (°C, optional)").fill("7")
    phone.get_by_role("button", name="Send the checklist").click()
    expect(heading(phone)).to_have_text("Thank you for looking after Corner Fridge")
    expect(phone.get_by_role("alert")).to_contain_text("7 °C is too warm for a fridge (5 °C or less).")

    phone.get_by_role("link", name="See Corner Fridge's page").click()
    expect(heading(phone)).to_have_text("Corner Fridge")
    expect(phone.get_by_role("alert")).to_contain_text("Too warm: the last reading was 7 °C")
    care = phone.get_by_role("region", name="Cleaning and temperature")
    expect(care).to_contain_text(re.compile(r"Last reading\s*7 °C, .+ · too warm"))
    expect(phone.get_by_role("listitem").filter(has_text="Milk 1 L")).to_contain_text("3")


@both
def test_a_coordinator_makes_a_site_an_item_and_their_labels(phone, session):
    invitations.add_with_password(session, "ada@example.org", "Ada", "a long enough password", utcnow())
    session.commit()
    main = phone.locator("main")

    phone.goto("/admin/")
    expect(heading(phone)).to_have_text("Sign in for coordinators")
    phone.get_by_label("Email").fill("ada@example.org")
    phone.get_by_label("Password").fill("a long enough password")
    phone.get_by_role("button", name="Sign in").click()
    expect(heading(phone)).to_have_text("Your network")

    phone.get_by_role("link", name="Add a site").click()
    phone.get_by_label("Name", exact=True).fill("Library Fridge")
    phone.get_by_label("Address").fill("1 Main St")
    phone.get_by_label("Kind").select_option(label="Fridge")
    phone.get_by_role("button", name="Add the site").click()
    expect(main).to_contain_text("Added Library Fridge.")

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Items").click()
    phone.get_by_role("link", name="Add an item").click()
    phone.get_by_label("Name", exact=True).fill("Rice 1 kg")
    phone.get_by_label("Category").select_option(label="Dry goods")
    phone.get_by_label("Unit (optional)").fill("bag")
    phone.get_by_role("button", name="Add the item").click()
    expect(main).to_contain_text("Added Rice 1 kg.")

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Sites").click()
    phone.get_by_role("navigation", name="Library Fridge", exact=True).get_by_role("link", name="Labels").click()
    expect(heading(phone)).to_have_text("Labels at Library Fridge")
    expect(phone.get_by_role("radio", name="This site: every item")).to_be_checked()
    phone.get_by_role("button", name="Make the label").click()
    expect(main).to_contain_text("Opens Library Fridge: everything inside.")
    phone.get_by_role("link", name="All labels at Library Fridge").click()
    phone.get_by_role("radio", name="One item").check()
    phone.get_by_label("Item (for a one-item label)").select_option(label="Rice 1 kg")
    phone.get_by_role("button", name="Make the label").click()
    expect(main).to_contain_text("Opens Rice 1 kg at Library Fridge.")
    phone.get_by_role("link", name="All labels at Library Fridge").click()
    expect(main).to_contain_text("Opens the whole site")
    expect(main).to_contain_text("Opens Rice 1 kg")

    with phone.expect_download() as download:
        phone.get_by_role("link", name="PDF, A4").click()
    sheet = Path(download.value.path()).read_bytes()
    assert sheet.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(sheet)
    try:
        assert len(pdf) >= 1
    finally:
        pdf.close()
