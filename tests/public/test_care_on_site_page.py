"""What a site's page and the home page say about care: warnings in words, the last cleaning
and reading, the next shift and whether it has people; and that they show at once."""
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template_string
from flask_babel import refresh

from pantry.care import rules
from pantry.database import utcnow
from pantry.shifts import planning, signups
from tests.conftest import key

CHECKLIST = ["shelves", "seal_and_floor", "past_date_removed"]
LIMITS = {"fridge": 5.0, "freezer": -15.0}


def care(session, site, celsius=None, now=None):
    record = rules.record_care(session, site, ["shelves"], celsius, "", key(), now or utcnow(),
                               checklist=CHECKLIST, limits=LIMITS)
    session.commit()
    return record


def next_week_shift(session, site, capacity=3):
    zone = ZoneInfo("America/New_York")
    day = utcnow().astimezone(zone).date() + timedelta(days=7)
    shift = planning.add_shift(session, site, "cleaning", day, time(9), time(9, 30), capacity, utcnow(), zone)
    session.commit()
    return shift


def sign_up(session, shift, name):
    signups.sign_up(session, shift.id, name, None, "", True, key(), key(), utcnow())
    session.commit()


def care_section(client, site):
    page = client.get(f"/sites/{site.slug}").text
    return page.split('id="care-title"')[1].split("</section>")[0]


def test_a_fridge_with_no_care_yet(client, fridge):
    section = care_section(client, fridge)
    assert "Last cleaning" in section and "never" in section
    assert "Last reading" in section and "none yet" in section
    assert "None planned yet." in section
    assert f'href="/sites/{fridge.slug}/shifts"' in section


def test_the_last_cleaning_and_reading(client, session, fridge):
    care(session, fridge, 3.5, now=utcnow() - timedelta(hours=3))
    section = care_section(client, fridge)
    assert "3 hours ago" in section
    assert "3.5 °C, 3 hours ago · in range" in section
    care(session, fridge, None)  # cleaned again, no thermometer this time
    section = care_section(client, fridge)
    assert "seconds ago" in section.split("Last reading")[0]
    assert "3.5 °C, 3 hours ago" in section


def test_the_next_shift_and_whether_it_has_people(client, session, fridge):
    shift = next_week_shift(session, fridge)
    section = care_section(client, fridge)
    assert f'href="/shifts/{shift.id}"' in section
    assert "Cleaning: " in section and "9:00" in section
    assert "Needs people" in section and "0 of 3 places taken" in section
    sign_up(session, shift, "Ana Ruiz")
    sign_up(session, shift, "Bo")
    section = care_section(client, fridge)
    assert "2 of 3 places taken" in section and "Needs people" not in section
    assert "Ana" not in section  # names are for the shift's own page
    assert client.get(f"/shifts/{shift.id}").status_code == 200
    assert client.get(f"/sites/{fridge.slug}/shifts").status_code == 200


def test_a_pantry_shelf_shows_no_temperature(client, session, make_site):
    shelf = make_site("Library Pantry", kind="pantry")
    care(session, shelf, 25.0)
    page = client.get(f"/sites/{shelf.slug}").text
    section = page.split('id="care-title"')[1].split("</section>")[0]
    assert ">Cleaning<" in page and "Last cleaning" in section
    assert "Last reading" not in section and "°C" not in page and "Check the fridge" not in page


def test_the_warning_is_in_words_with_the_reading_and_when(client, session, fridge, make_site):
    care(session, fridge, 7.2, now=utcnow() - timedelta(hours=2))
    page = client.get(f"/sites/{fridge.slug}").text
    warning = page.split('class="note warning"')[1].split("</div>")[0]
    assert "Check the fridge before taking dairy or meals." in warning
    assert "Too warm: the last reading was 7.2 °C, 2 hours ago. A fridge should be 5 °C or less." in warning
    assert page.index("Check the fridge") < page.index('id="inside"')  # near the top
    home = client.get("/").text
    assert '<span class="badge past">Too warm</span>' in home


def test_a_new_reading_or_cleaning_shows_at_once_with_the_page_cache_on(app, client, session, fridge):
    app.config["PAGE_CACHE_SECONDS"] = 30
    assert "Check the fridge" not in client.get(f"/sites/{fridge.slug}").text
    assert "Too warm" not in client.get("/").text
    care(session, fridge, 8.0)
    assert "Check the fridge" in client.get(f"/sites/{fridge.slug}").text
    assert "Too warm" in client.get("/").text
    care(session, fridge, 4.0)
    assert "Check the fridge" not in client.get(f"/sites/{fridge.slug}").text
    assert "Too warm" not in client.get("/").text

    care(session, fridge, None, now=utcnow() - timedelta(hours=30))  # entered late: not the latest visit
    assert "Cleaning overdue" not in client.get(f"/sites/{fridge.slug}").text


def test_sign_ups_show_within_the_cache_bound(app, client, session, fridge):
    app.config["PAGE_CACHE_SECONDS"] = 30
    shift = next_week_shift(session, fridge, capacity=2)
    assert "Needs people" in care_section(client, fridge)
    sign_up(session, shift, "Ana")
    assert "Needs people" in care_section(client, fridge)  # kept for up to 30 seconds
    app.config["PAGE_CACHE_SECONDS"] = 0
    assert "1 of 2 places taken" in care_section(client, fridge)


def test_the_home_page_flags_overdue_cleaning_in_words(client, session, fridge, make_site):
    cared = make_site("Church Fridge")
    care(session, fridge, 4.0, now=utcnow() - timedelta(hours=27))
    care(session, cared, 4.0)
    home = client.get("/").text
    overdue = home.split("Corner Fridge")[1].split("</li>")[0]
    fine = home.split("Church Fridge")[1].split("</li>")[0]
    assert '<span class="badge soon">Cleaning overdue</span>' in overdue
    assert "Cleaning overdue" not in fine and "Too warm" not in fine


def test_the_temperature_filter_follows_the_deployment_unit(app):
    with app.test_request_context():
        assert render_template_string("{{ 4.0|temperature }} {{ -18.25|temperature }} {{ 3.55|temperature }}") == \
            "4 °C -18.3 °C 3.6 °C"
        app.config["TEMPERATURE_UNIT"] = "F"
        assert render_template_string("{{ 5.0|temperature }} {{ -40|temperature }} {{ 4.44|temperature }}") == \
            "41 °F -40 °F 40 °F"
    with app.test_request_context(headers={"Accept-Language": "es"}):
        refresh()  # the language is kept per app context, and this test shares one
        app.config["TEMPERATURE_UNIT"] = "C"
        assert render_template_string("{{ 3.5|temperature }}") == "3,5 °C"
