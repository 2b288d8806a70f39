"""A volunteer on a phone: find a shift, sign up with a name, get the .ics and the private
link, cancel with it; and everything a bad form or a wrong link gets, with nothing written."""
import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from pantry.database import utcnow
from pantry.shifts import planning, signups, views
from pantry.shifts.models import Shift, SignUp
from tests.conftest import csrf_token, key
from tests.mailbox import body, mailbox  # noqa: F401  (the fixture)
from tests.moments import zone

ZONE = ZoneInfo(zone())  # the tests' deployment zone (tests.conftest.settings)
BASE = "https://pantry.example"


@pytest.fixture
def pantry_shelf(make_site):
    return make_site("Library Shelf", kind="pantry")


def add(session, site, days, start=time(9), end=time(9, 30), capacity=3, kind="cleaning", now=None):
    """A shift `days` local days from today, placed with the real clock (the pages use it)."""
    now = now or utcnow()
    day = utcnow().astimezone(ZONE).date() + timedelta(days=days)
    shift = planning.add_shift(session, site, kind, day, start, end, capacity, now, ZONE)
    session.commit()
    return shift


def move(session, shift, starts_in):
    """Make the shift start `starts_in` from now (for the closing and too-late cases)."""
    shift.starts_at = utcnow() + starts_in
    shift.ends_at = shift.starts_at + timedelta(minutes=30)
    session.commit()


def take(session, shift, name="Bo", email=None, now=None):
    token = key()
    signups.sign_up(session, shift.id, name, email, None, True, key(), token, now or utcnow())
    session.commit()
    return token


def written(session, shift):
    session.rollback()
    places = session.scalar(select(func.count()).select_from(SignUp).where(SignUp.shift_id == shift.id))
    return places, session.get(Shift, shift.id).taken


def sign_up(client, shift, **fields):
    page = client.get(f"/shifts/{shift.id}")
    assert page.status_code == 200
    form_key = re.search(r'name="key" value="([0-9a-f]{32})"', page.text).group(1)
    data = {"csrf_token": csrf_token(page.text), "key": form_key, "name": "Ana Ruiz", **fields}
    return client.post(f"/shifts/{shift.id}/sign-up", data={k: v for k, v in data.items() if v is not None})


def browser_token(client, session, site):
    """This browser's CSRF token, from a page with a form (a closed shift's page has none)."""
    return csrf_token(client.get(f"/shifts/{add(session, site, 6).id}").text)


def shift_links(html):
    return [int(found) for found in re.findall(r'href="/shifts/(\d+)"', html)]


def events(raw):
    calendar = Calendar.from_ical(raw)
    return calendar, list(calendar.walk("VEVENT"))


# Finding shifts

@pytest.mark.clock
def test_the_network_list_has_shifts_needing_people_soonest_then_emptiest(client, session, fridge, pantry_shelf):
    later = add(session, fridge, 2)
    half_full = add(session, fridge, 1, capacity=2)
    take(session, half_full, "Bo")
    empty = add(session, pantry_shelf, 1, capacity=2, kind="restock")
    full = add(session, fridge, 1, time(10), time(11), capacity=1)
    take(session, full, "Cy")
    cancelled = add(session, fridge, 3)
    planning.cancel_shift(session, cancelled, utcnow())
    too_far = add(session, fridge, 20)
    session.commit()

    page = client.get("/shifts")
    assert page.status_code == 200
    assert shift_links(page.text) == [empty.id, half_full.id, later.id]
    assert full.id not in shift_links(page.text) and too_far.id not in shift_links(page.text)
    assert cancelled.id not in shift_links(page.text)
    assert "<h2>Tomorrow</h2>" in page.text
    assert "Restock run at Library Shelf" in page.text
    assert "1 of 2 places taken" in page.text and "0 of 3 places taken" in page.text
    assert "9:00\u202fAM to 9:30\u202fAM" in page.text or "9:00 AM to 9:30 AM" in page.text
    assert "Coming: Bo" in page.text


def test_the_network_list_is_paged_with_plain_links_both_ways(client, session, fridge, pantry_shelf):
    """A page of SHIFTS_SHOWN open shifts, soonest first; "Later shifts" goes on from the last one
    shown, "Sooner shifts" and "First page" come back; a made-up page link is the first page, 400."""
    shown = views.SHIFTS_SHOWN
    shifts = [add(session, (fridge, pantry_shelf)[number % 2], 1 + number // 6, time(8 + number % 6), time(8 + number % 6, 30))
              for number in range(shown + 3)]
    first = client.get("/shifts")
    assert shift_links(first.text) == [shift.id for shift in shifts[:shown]]
    later = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    assert 'rel="prev"' not in first.text and "First page" not in first.text
    second = client.get(later)
    assert second.status_code == 200 and shift_links(second.text) == [shift.id for shift in shifts[shown:]]
    assert 'rel="next"' not in second.text and 'href="/shifts">First page<' in second.text
    sooner = re.search(r'rel="prev" href="([^"]+)"', second.text).group(1).replace("&amp;", "&")
    assert shift_links(client.get(sooner).text) == [shift.id for shift in shifts[:shown]]
    spanish = client.get(later, headers={"Accept-Language": "es"}).text
    assert "Turnos más próximos" in spanish and "Primera página" in spanish
    for bad in ("older=x", "older=1&newer=2", "newer=99999999999999999999"):
        answer = client.get("/shifts?" + bad)
        assert answer.status_code == 400 and "That page link is not right" in answer.text, bad
        assert shift_links(answer.text) == [shift.id for shift in shifts[:shown]]


def test_the_network_list_narrows_to_a_neighbourhood_and_its_pages_keep_it(client, session, make_site):
    harlem = make_site("Harlem Fridge", neighbourhood="Harlem")
    inwood = make_site("Inwood Fridge", neighbourhood="Inwood")
    here = [add(session, harlem, 1 + number // 6, time(8 + number % 6), time(8 + number % 6, 30))
            for number in range(views.SHIFTS_SHOWN + 1)]
    there = add(session, inwood, 1)
    everywhere = client.get("/shifts").text
    assert '<option value="">Anywhere</option>' in everywhere and "<option>Harlem</option>" in everywhere
    assert there.id in shift_links(everywhere)
    page = client.get("/shifts?near=Harlem")
    assert page.status_code == 200 and "<option selected>Harlem</option>" in page.text
    assert shift_links(page.text) == [shift.id for shift in here[:views.SHIFTS_SHOWN]]
    later = re.search(r'rel="next" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert "near=Harlem" in later and shift_links(client.get(later).text) == [here[-1].id]
    assert "No shift in Inwood needs people" not in client.get("/shifts?near=Inwood").text
    planning.cancel_shift(session, there, utcnow())
    session.commit()
    assert "No shift in Inwood needs people in the next two weeks." in client.get("/shifts?near=Inwood").text
    for place in ("Atlantis", "Harlem\x00", "harlem"):
        unknown = client.get("/shifts", query_string={"near": place})
        assert unknown.status_code == 400 and "No site is in that neighbourhood" in unknown.text, place
        assert shift_links(unknown.text) == [shift.id for shift in here[:views.SHIFTS_SHOWN]]


def test_past_the_last_open_shift_the_list_says_so(client, session, fridge):
    last = add(session, fridge, 1)
    page = client.get(f"/shifts?older={last.id}")
    assert page.status_code == 200 and shift_links(page.text) == []
    assert "No more shifts need people in the next two weeks." in page.text and 'href="/shifts">First page<' in page.text


def test_a_site_lists_its_coming_shifts_and_its_calendar_feed(client, session, fridge, pantry_shelf):
    full = add(session, fridge, 1, capacity=1)
    take(session, full, "Cy")
    later = add(session, fridge, 20)
    elsewhere = add(session, pantry_shelf, 1)

    page = client.get("/sites/corner-fridge/shifts")
    assert page.status_code == 200
    assert shift_links(page.text) == [full.id, later.id]
    assert elsewhere.id not in shift_links(page.text)
    assert "1 of 1 place taken" in page.text and "Full" in page.text
    assert 'href="webcal://pantry.example/sites/corner-fridge/shifts.ics"' in page.text
    assert 'href="https://pantry.example/sites/corner-fridge/shifts.ics"' in page.text
    assert client.get("/sites/nowhere/shifts").status_code == 404


@pytest.mark.clock
def test_the_site_feed_shows_upcoming_and_recently_cancelled_shifts(client, session, fridge):
    kept = add(session, fridge, 1)
    called_off = add(session, fridge, 2)
    planning.cancel_shift(session, called_off, utcnow())
    long_ago = add(session, fridge, 3)
    planning.cancel_shift(session, long_ago, utcnow() - timedelta(days=20))
    session.commit()

    feed = client.get("/sites/corner-fridge/shifts.ics")
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, found = events(feed.data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone()]
    by_uid = {str(event["UID"]): event for event in found}
    assert set(by_uid) == {f"shift-{kept.id}@pantry.example", f"shift-{called_off.id}@pantry.example"}
    assert str(by_uid[f"shift-{called_off.id}@pantry.example"]["STATUS"]) == "CANCELLED"
    confirmed = by_uid[f"shift-{kept.id}@pantry.example"]
    assert str(confirmed["STATUS"]) == "CONFIRMED"
    assert confirmed["DTSTART"].params["TZID"] == zone()
    assert "0 of 3 places taken" in str(confirmed["DESCRIPTION"])


def test_public_pages_never_show_an_email_a_phone_or_a_last_name(client, session, fridge):
    shift = add(session, fridge, 1)
    assert sign_up(client, shift, email="ana@example.org", phone="555-0100", show_name="y").status_code == 303
    signups.sign_up(session, shift.id, "bo@example.org", None, None, True, key(), key(), utcnow())
    signups.sign_up(session, shift.id, "<b>Cy</b> Lee", None, "555-0199", True, key(), key(), utcnow())
    session.commit()
    hidden = add(session, fridge, 2)
    signups.sign_up(session, hidden.id, "Dee Dee", "dee@example.org", None, False, key(), key(), utcnow())
    session.commit()

    for path in ("/shifts", "/sites/corner-fridge/shifts", f"/shifts/{shift.id}", f"/shifts/{hidden.id}",
                 "/sites/corner-fridge/shifts.ics"):
        page = client.get(path).text
        assert "example.org" not in page and "555-01" not in page, path
        assert "Ruiz" not in page and "Lee" not in page and "Dee" not in page, path
        assert "<b>Cy" not in page, path
    assert "Coming: Ana and &lt;b&gt;Cy&lt;/b&gt;" in client.get(f"/shifts/{shift.id}").text


# Signing up

def test_signing_up_gives_a_confirmation_with_the_private_link(client, session, fridge):
    shift = add(session, fridge, 1)
    answer = sign_up(client, shift, email="Ana@Example.org", phone="555 0100", show_name="y")
    assert answer.status_code == 303
    token = re.fullmatch(r"/sign-ups/([0-9a-f]{40})", answer.headers["Location"]).group(1)

    page = client.get(answer.headers["Location"])
    assert page.status_code == 200
    assert "You&#39;re signed up" in page.text or "You're signed up" in page.text
    assert f'href="{BASE}/sign-ups/{token}"' in page.text
    assert f"{BASE}/sign-ups/{token}" in page.text.replace("<wbr>", "")  # shown in full, not only linked
    assert "only way to see or cancel your place" in page.text
    assert f'href="/sign-ups/{token}/shift.ics"' in page.text and "Cancel my place" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Robots-Tag"] == "noindex"

    session.rollback()
    place = session.scalar(select(SignUp))
    assert (place.name, place.email, place.phone, place.show_name) == ("Ana Ruiz", "ana@example.org", "555 0100", True)
    assert place.language == "en" and place.token_hash == signups.hash_token(token)
    assert written(session, shift) == (1, 1)


def test_the_same_form_sent_twice_answers_the_same_confirmation(client, session, fridge):
    shift = add(session, fridge, 1)
    page = client.get(f"/shifts/{shift.id}").text
    form_key = re.search(r'name="key" value="([0-9a-f]{32})"', page).group(1)
    data = {"csrf_token": csrf_token(page), "key": form_key, "name": "Ana", "email": "ana@example.org"}
    first = client.post(f"/shifts/{shift.id}/sign-up", data=data)
    again = client.post(f"/shifts/{shift.id}/sign-up", data=data)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert written(session, shift) == (1, 1)


def test_the_page_language_is_kept_for_the_mails(client, session, fridge):
    shift = add(session, fridge, 1)
    take(session, shift, "Bo")
    client.set_cookie("lang", "es")
    answer = sign_up(client, shift, show_name="y")
    assert answer.status_code == 303
    session.rollback()
    assert session.scalar(select(SignUp.language).where(SignUp.name == "Ana Ruiz")) == "es"
    assert client.get(answer.headers["Location"]).status_code == 200
    assert "Bo y Ana" in client.get("/shifts").text  # names listed in the page's language


@pytest.mark.clock
def test_the_calendar_file_has_the_shift_in_the_deployment_zone(client, session, fridge):
    shift = add(session, fridge, 1)
    location = sign_up(client, shift).headers["Location"]
    download = client.get(f"{location}/shift.ics")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    calendar, (event,) = events(download.data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [zone()]
    assert event["DTSTART"].params["TZID"] == zone()
    assert event.decoded("DTSTART") == shift.starts_at and event.decoded("DTSTART").hour == 9
    assert str(event["UID"]) == f"shift-{shift.id}@pantry.example"
    assert f"{BASE}{location}" in str(event["DESCRIPTION"])
    _, (again,) = events(client.get(f"{location}/shift.ics").data)
    assert str(again["UID"]) == str(event["UID"])


# Cancelling with the private link

def test_the_manage_link_cancels_and_frees_the_place(client, session, fridge):
    shift = add(session, fridge, 1, capacity=1)
    location = sign_up(client, shift, show_name="y").headers["Location"]
    page = client.get(location).text
    answer = client.post(f"{location}/cancel", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 303 and answer.headers["Location"] == location
    after = client.get(location).text
    assert "Your place is free again" in after and "Cancel my place" not in after
    assert written(session, shift) == (1, 0)
    assert session.scalar(select(SignUp.cancelled_at)) is not None
    assert "0 of 1 place taken" in client.get("/shifts").text
    assert "Ana" not in client.get(f"/shifts/{shift.id}").text


@pytest.mark.clock
def test_too_late_to_cancel_online_says_to_tell_a_coordinator(client, session, fridge):
    shift = add(session, fridge, 1)
    move(session, shift, timedelta(hours=1))
    token = take(session, shift)
    page = client.get(f"/sign-ups/{token}")
    assert page.status_code == 200
    assert "too late to cancel online" in page.text and "Cancel my place" not in page.text
    # A manage page opened earlier still has the button: pressing it now is refused.
    answer = client.post(f"/sign-ups/{token}/cancel", data={"csrf_token": browser_token(client, session, fridge)})
    assert answer.status_code == 409
    assert "too late to cancel online" in answer.text
    assert written(session, shift) == (1, 1)


@pytest.mark.clock
def test_a_wrong_link_is_404_and_a_shift_over_is_410(client, session, fridge):
    wrong = client.get("/sign-ups/0123456789abcdef0123456789abcdef01234567")
    assert wrong.status_code == 404
    assert "This link is not valid" in wrong.text and wrong.headers["Cache-Control"] == "no-store"
    assert client.get("/sign-ups/nope/shift.ics").status_code == 404

    then = utcnow() - timedelta(days=3)
    past = add(session, fridge, -1, now=then)
    token = take(session, past, now=then)
    over = client.get(f"/sign-ups/{token}")
    assert over.status_code == 410 and "This shift is over" in over.text
    assert client.get(f"/sign-ups/{token}/shift.ics").status_code == 410
    browser = browser_token(client, session, fridge)
    answer = client.post(f"/sign-ups/{token}/cancel", data={"csrf_token": browser})
    assert answer.status_code == 410
    assert client.post("/sign-ups/nope/cancel", data={"csrf_token": browser}).status_code == 404
    assert written(session, past) == (1, 1)


# What bad input gets: a message, the right status, nothing written

@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": ""}, "Type your name"),
        ({"name": "   "}, "Type your name"),
        ({"name": "A" * 81}, "at most 80 characters"),
        ({"name": "Ana\nRuiz"}, "without line breaks or invisible control characters"),
        ({"name": "Ana\x00"}, "without line breaks or invisible control characters"),
        ({"name": "\u202eAna"}, "without line breaks or invisible control characters"),
        ({"email": "not-an-email"}, "does not look like an email address"),
        ({"email": "ana@example"}, "does not look like an email address"),
        ({"email": "a" * 250 + "@example.org"}, "email address is too long"),
        ({"phone": "call me"}, "does not look like a phone number"),
        ({"phone": "5" * 41}, "at most 40 characters"),
        ({"key": ""}, "Reload the page"),
    ],
)
def test_a_bad_form_is_refused_and_writes_nothing(client, session, fridge, fields, message):
    shift = add(session, fridge, 1)
    answer = sign_up(client, shift, **fields)
    assert answer.status_code == 422
    assert message in answer.text and "nothing was saved" in answer.text
    assert 'name="key"' in answer.text  # the form is there to fix
    assert written(session, shift) == (0, 0)


def test_a_full_shift_is_409(client, session, fridge):
    shift = add(session, fridge, 1, capacity=1)
    take(session, shift)
    page = client.get(f"/shifts/{shift.id}").text
    assert "This shift is full" in page and 'name="name"' not in page
    # A form sent from a page opened before the last place went is told so.
    data = {"csrf_token": browser_token(client, session, fridge), "key": key(), "name": "Ana"}
    answer = client.post(f"/shifts/{shift.id}/sign-up", data=data)
    assert answer.status_code == 409 and "this shift is full" in answer.text
    assert written(session, shift) == (1, 1)


def test_a_second_place_with_the_same_email_is_answered_like_any_and_its_owner_is_mailed(
        client, session, fridge, pantry_shelf, mailbox):
    first = add(session, fridge, 1)
    overlapping = add(session, pantry_shelf, 1, time(9, 15), time(10))
    assert sign_up(client, first, email="ana@example.org").status_code == 303
    assert mailbox.messages == []  # a first place: nothing to tell
    again = sign_up(client, first, name="Ana again", email="ANA@example.org ")
    assert again.status_code == 303 and again.headers["Location"].startswith("/sign-ups/")
    assert written(session, first) == (2, 2)
    [letter] = mailbox.to("ana@example.org")
    assert "You already had a place on this shift" in body(letter)
    assert BASE + again.headers["Location"] in body(letter)  # the new place's link, to give it back
    mailbox.clear()
    assert sign_up(client, overlapping, email="ana@example.org").status_code == 303
    [letter] = mailbox.to("ana@example.org")
    assert "another shift at that time" in body(letter) and "Corner Fridge" in body(letter)


@pytest.mark.clock
def test_a_past_cancelled_or_closed_shift_has_no_form_and_refuses(client, session, fridge, app):
    past = add(session, fridge, -1, now=utcnow() - timedelta(days=3))
    cancelled = add(session, fridge, 2)
    planning.cancel_shift(session, cancelled, utcnow())
    closing = add(session, fridge, 3)
    move(session, closing, timedelta(hours=1))
    app.config["SIGN_UP_CUTOFF_MINUTES"] = 120
    browser = browser_token(client, session, fridge)

    for shift, words, status in [
        (past, "This shift is over", 422),
        (cancelled, "This shift was cancelled", 409),
        (closing, "Sign-ups for this shift have closed", 409),
    ]:
        page = client.get(f"/shifts/{shift.id}")
        assert page.status_code == 200 and words in page.text and 'name="name"' not in page.text
        answer = client.post(f"/shifts/{shift.id}/sign-up", data={"csrf_token": browser, "key": key(), "name": "Ana"})
        assert answer.status_code == status
        assert written(session, shift) == (0, 0)
    assert client.get("/shifts/999999").status_code == 404
    assert client.get("/shifts/99999999999999").status_code == 404


def test_a_sign_up_without_the_csrf_token_is_400(client, session, fridge):
    shift = add(session, fridge, 1)
    client.get(f"/shifts/{shift.id}")
    answer = client.post(f"/shifts/{shift.id}/sign-up", data={"key": key(), "name": "Ana"})
    assert answer.status_code == 400
    assert written(session, shift) == (0, 0)
    token = take(session, shift)
    assert client.post(f"/sign-ups/{token}/cancel").status_code == 400
    assert written(session, shift) == (1, 1)


@pytest.mark.clock
def test_lists_offer_no_sign_up_past_the_cut_off(client, session, fridge, app):
    closing = add(session, fridge, 1)
    move(session, closing, timedelta(hours=1))
    later = add(session, fridge, 2)
    app.config["SIGN_UP_CUTOFF_MINUTES"] = 120
    assert shift_links(client.get("/shifts").text) == [later.id]
    site = client.get("/sites/corner-fridge/shifts").text
    assert shift_links(site) == [closing.id, later.id]
    assert site.count(">Sign up<") == 1 and site.count(">See the shift<") == 1
