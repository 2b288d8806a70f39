"""The coordinators' shift screens: patterns make shifts, bad input writes nothing, a pattern
change names the shifts it left alone, a cancelled shift mails its volunteers, and rosters
show contact details to coordinators only. Time stands still at NOW (Friday 10:00 in New York)."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from pantry.clock import deployment_zone
from pantry.coordinators import rosters, rota
from pantry.outbox.models import Message
from pantry.outbox.worker import deliver_due
from pantry.shifts import planning, signups
from pantry.shifts.errors import ShiftInThePast
from pantry.shifts.models import Shift, ShiftPattern, SignUp
from pantry.tags.models import Tag
from tests.books import count
from tests.conftest import NOW, csrf_token, key
from tests.coordinators.conftest import post_form
from tests.coordinators.test_pages import Page
from tests.mailbox import body, mailbox  # noqa: F401  (the fixture)

TODAY = date(2026, 11, 20)  # a Friday
PATTERN = {"kind": "cleaning", "weekdays": ["0", "2", "4"], "starts_at": "09:00", "ends_at": "09:30",
           "capacity": "2", "first_day": "2026-11-20", "last_day": ""}


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    for module in (rota, rosters):
        monkeypatch.setattr(module, "utcnow", lambda: NOW)




def live_shifts(session):
    session.expire_all()
    return session.scalars(select(Shift).where(Shift.cancelled_at.is_(None)).order_by(Shift.starts_at)).all()


def take_place(session, shift, name, email=None, phone=None, show=True, language="en"):
    idempotency = key()
    place = signups.sign_up(session, shift.id, name, email, phone, show, idempotency,
                            signups.manage_token("test-secret", idempotency), NOW - timedelta(hours=5))
    place.language = language
    session.commit()
    return place


@pytest.fixture
def planned(app, session, fridge):
    """Mon, Wed, Fri 09:00-09:30, 2 places, from today; two people on Monday's shift."""
    plan = planning.save_pattern(
        session, fridge, NOW, deployment_zone(), kind="cleaning", weekdays=0b10101, starts_at=time(9),
        ends_at=time(9, 30), capacity=2, first_day=TODAY, last_day=None)
    session.commit()
    monday = live_shifts(session)[0]
    take_place(session, monday, "Ana Ruiz", "ana@example.org", "555-0101", language="es")
    take_place(session, monday, "Bo Chen", None, "555-0102", show=False)
    return plan.pattern, monday


def test_anonymous_people_are_sent_to_sign_in(client, planned):
    pattern, monday = planned
    for path in ("/admin/sites/corner-fridge/shifts", "/admin/sites/corner-fridge/patterns/new",
                 f"/admin/sites/corner-fridge/patterns/{pattern.id}", "/admin/sites/corner-fridge/shifts/new",
                 f"/admin/shifts/{monday.id}", "/admin/rota"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert "/admin/sign-in" in answer.headers["Location"]
        assert "ana@example.org" not in answer.text and "555-0101" not in answer.text


def test_every_shift_screen_is_labelled_and_protected(admin, planned):
    pattern, monday = planned
    for path in ("/admin/", "/admin/sites/corner-fridge/shifts", "/admin/sites/corner-fridge/patterns/new",
                 f"/admin/sites/corner-fridge/patterns/{pattern.id}", "/admin/sites/corner-fridge/shifts/new",
                 f"/admin/shifts/{monday.id}", "/admin/rota", "/admin/rota?start=2026-11-23&site=corner-fridge"):
        answer = admin.get(path)
        assert answer.status_code == 200, path
        page = Page(answer.text)
        assert len(page.ids) == len(set(page.ids)), (path, sorted(page.ids))
        for control_id, name, wrapped in page.controls:
            assert wrapped or control_id in page.label_for, (path, name)
        assert all(form["csrf"] for form in page.forms if form["method"] == "post"), path
    assert "/admin/sites/corner-fridge/shifts" in admin.get("/admin/").text
    assert "/admin/rota" in admin.get("/admin/").text


def test_adding_a_pattern_makes_its_shifts(admin, session, fridge):
    answer = post_form(admin, "/admin/sites/corner-fridge/patterns/new", **PATTERN)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/admin/sites/corner-fridge/shifts"
    pattern = session.scalar(select(ShiftPattern))
    assert (pattern.weekdays, pattern.starts_at, pattern.capacity) == (0b10101, time(9), 2)
    made = live_shifts(session)
    assert made[0].day == date(2026, 11, 23)  # today's 09:00 has passed
    assert {shift.day.weekday() for shift in made} == {0, 2, 4}
    page = admin.get(answer.headers["Location"]).text
    assert f"Saved the pattern. {len(made)} shifts made, 0 shifts changed." in page
    assert "Mon, Wed, Fri 09:00–09:30" in page
    assert "Mon 23 Nov, 09:00–09:30" in page and "0 of 2 places taken" in page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"last_day": "2026-11-01"}, "The pattern cannot end before it starts."),
        ({"capacity": "0"}, "Enter a whole number from 1 to 50."),
        ({"capacity": "-3"}, "Enter a whole number from 1 to 50."),
        ({"capacity": "two"}, "Not a valid integer value."),
        ({"ends_at": "08:30"}, "The shift must end after it starts."),
        ({"ends_at": "09:00"}, "The shift must end after it starts."),
        ({"weekdays": []}, "Choose at least one day of the week."),
        ({"weekdays": ["7"]}, "not a valid choice"),
        ({"kind": "party"}, "Not a valid choice."),
        ({"starts_at": "9 o'clock"}, "Not a valid time value."),
        ({"first_day": "0001-01-01"}, "Choose a date between 2000 and 2999."),
    ],
)
def test_a_bad_pattern_is_refused_and_nothing_is_written(admin, session, fridge, changes, message):
    answer = post_form(admin, "/admin/sites/corner-fridge/patterns/new", **{**PATTERN, **changes})
    assert answer.status_code == 422
    assert message in answer.text
    assert "nothing was saved yet" in answer.text
    assert count(session, ShiftPattern) == 0 and count(session, Shift) == 0


def test_a_post_without_its_csrf_token_writes_nothing(admin, session, planned):
    pattern, monday = planned
    patterns, shifts = count(session, ShiftPattern), count(session, Shift)
    assert admin.post("/admin/sites/corner-fridge/patterns/new", data=PATTERN).status_code == 400
    assert admin.post(f"/admin/sites/corner-fridge/patterns/{pattern.id}", data=PATTERN).status_code == 400
    assert admin.post("/admin/sites/corner-fridge/shifts/new", data={
        "kind": "restock", "day": "2026-11-24", "starts_at": "18:00", "ends_at": "19:00", "capacity": "2"}
    ).status_code == 400
    assert admin.post(f"/admin/shifts/{monday.id}/cancel").status_code == 400
    assert (count(session, ShiftPattern), count(session, Shift)) == (patterns, shifts)
    assert count(session, Shift, Shift.cancelled_at.is_not(None)) == 0


def test_changing_a_pattern_lists_the_shifts_it_left_alone(admin, session, planned):
    pattern, monday = planned
    path = f"/admin/sites/corner-fridge/patterns/{pattern.id}"
    form = admin.get(path).text
    assert 'value="09:00"' in form and 'id="weekdays-2" name="weekdays" type="checkbox" value="2"' in form
    answer = post_form(admin, path, **{**PATTERN, "starts_at": "10:00", "ends_at": "10:30"})
    assert answer.status_code == 303
    page = admin.get(answer.headers["Location"]).text
    others = len(live_shifts(session)) - 1
    assert f"Saved the pattern. 0 shifts made, {others} shifts changed." in page
    assert "Left alone because people signed up: Mon 23 Nov 09:00 (2 people)." in page
    session.expire_all()
    assert session.get(Shift, monday.id).starts_at.astimezone(deployment_zone()).time() == time(9)


def test_ending_a_pattern(admin, session, planned):
    pattern, monday = planned
    path = f"/admin/sites/corner-fridge/patterns/{pattern.id}"
    token = csrf_token(admin.get(path).text)
    answer = admin.post(f"{path}/end", data={"csrf_token": token, "end-last_day": "2026-11-22"})
    assert answer.status_code == 303
    page = admin.get(answer.headers["Location"]).text
    assert "Ended the pattern after Sun 22 Nov 2026." in page
    assert "Left alone because people signed up: Mon 23 Nov 09:00 (2 people)." in page
    assert [shift.id for shift in live_shifts(session)] == [monday.id]

    bad = admin.post(f"{path}/end", data={"csrf_token": token, "end-last_day": "2026-10-01"})
    assert bad.status_code == 422
    assert "The pattern cannot end before it starts." in bad.text
    session.expire_all()
    assert session.get(ShiftPattern, pattern.id).last_day == date(2026, 11, 22)


@pytest.mark.clock
def test_a_one_off_shift(admin, session, fridge):
    answer = post_form(admin, "/admin/sites/corner-fridge/shifts/new", kind="restock", day="2026-11-24",
                       starts_at="18:00", ends_at="19:00", capacity="3")
    assert answer.status_code == 303
    shift = session.scalar(select(Shift))
    assert answer.headers["Location"] == f"/admin/shifts/{shift.id}"
    assert (shift.kind, shift.capacity, shift.pattern_id) == ("restock", 3, None)
    assert "Added a one-off shift: Restock run at Corner Fridge, Tue 24 Nov 18:00." in admin.get(
        answer.headers["Location"]).text


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"day": "2026-11-20", "starts_at": "09:00", "ends_at": "09:30"}, "A new shift must start in the future."),
        ({"day": "2026-11-19"}, "A new shift must start in the future."),
        ({"ends_at": "17:00"}, "The shift must end after it starts."),
        ({"capacity": "0"}, "Enter a whole number from 1 to 50."),
        ({"day": ""}, "Choose the day."),
    ],
)
def test_a_bad_one_off_shift_is_refused(admin, session, fridge, changes, message):
    data = {"kind": "restock", "day": "2026-11-24", "starts_at": "18:00", "ends_at": "19:00", "capacity": "3"}
    answer = post_form(admin, "/admin/sites/corner-fridge/shifts/new", **{**data, **changes})
    assert answer.status_code == 422
    assert message in answer.text
    assert count(session, Shift) == 0


def test_the_shift_roster_shows_contacts_and_cancelled_places(admin, session, planned):
    pattern, monday = planned
    page = admin.get(f"/admin/shifts/{monday.id}").text
    assert "2 of 2 places taken" in page
    for shown in ("Ana Ruiz", "mailto:ana@example.org", "tel:555-0101", "Bo Chen", "tel:555-0102",
                  "First name shown publicly", "Name not shown publicly"):
        assert shown in page, shown
    bo = session.scalar(select(SignUp).where(SignUp.name == "Bo Chen"))
    signups.cancel_sign_up(session, signups.manage_token("test-secret", bo.idempotency_key), NOW, notice=timedelta(hours=2))
    session.commit()
    page = admin.get(f"/admin/shifts/{monday.id}").text
    assert "1 of 2 places taken" in page
    assert "<s><strong>Bo Chen</strong>" in page and "Cancelled" in page


@pytest.mark.clock
def test_the_week_roster_lists_seven_days_with_contacts(admin, session, planned, make_site):
    pattern, monday = planned
    library = make_site("Library Pantry")
    planning.add_shift(session, library, "restock", date(2026, 11, 25), time(17), time(18), 2, NOW, deployment_zone())
    session.commit()
    page = admin.get("/admin/rota?start=2026-11-23").text
    assert page.count("<h2>") == 7
    assert "Mon 23 Nov" in page and "Sun 29 Nov" in page and "Mon 30 Nov" not in page
    assert "ana@example.org" in page and "555-0102" in page and "Library Pantry" in page
    only = admin.get("/admin/rota?start=2026-11-23&site=corner-fridge").text
    assert "ana@example.org" in only and "Library Pantry ·" not in only
    assert admin.get("/admin/rota?start=2026-11-23&site=nowhere").status_code == 422
    assert admin.get("/admin/rota?start=tomorrow").status_code == 422


def test_cancelling_a_shift_mails_its_volunteers_in_their_language(app, admin, session, planned, mailbox):
    pattern, monday = planned
    token = csrf_token(admin.get(f"/admin/shifts/{monday.id}").text)
    answer = admin.post(f"/admin/shifts/{monday.id}/cancel", data={"csrf_token": token})
    assert answer.status_code == 303
    page = admin.get(answer.headers["Location"]).text
    assert "Cancelled: Cleaning at Corner Fridge, Mon 23 Nov 09:00." in page
    assert "1 volunteer will be told by mail." in page
    assert not mailbox.messages  # queued with the cancellation; the worker sends it
    deliver_due(app.config, NOW)
    [letter] = mailbox.messages
    assert letter["To"] == "ana@example.org"
    assert letter["Subject"] == "Cancelado: Limpieza en Corner Fridge, lun 23 nov 09:00"  # in her language
    text = body(letter)
    assert "Hola, Ana:" in text and "Gracias" in text and "https://pantry.example/shifts\r\n" in text
    session.expire_all()
    assert session.get(Shift, monday.id).cancelled
    again = admin.post(f"/admin/shifts/{monday.id}/cancel", data={"csrf_token": token})
    assert "already cancelled" in admin.get(again.headers["Location"]).text
    deliver_due(app.config, NOW)
    assert len(mailbox.messages) == 1


def test_a_mail_server_that_is_down_leaves_the_mail_waiting_and_the_shift_cancelled(app, admin, session, planned):
    pattern, monday = planned
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    token = csrf_token(admin.get(f"/admin/shifts/{monday.id}").text)
    answer = admin.post(f"/admin/shifts/{monday.id}/cancel", data={"csrf_token": token})
    assert answer.status_code == 303
    assert "1 volunteer will be told by mail." in admin.get(answer.headers["Location"]).text
    assert count(session, Shift, Shift.cancelled_at.is_not(None)) == 1
    assert deliver_due(app.config, NOW).failed == 1
    assert count(session, Message, Message.state == "failed", Message.letter == "shift-cancelled") == 1


def test_a_shift_that_started_cannot_be_cancelled(admin, session, planned, monkeypatch):
    pattern, monday = planned
    token = csrf_token(admin.get(f"/admin/shifts/{monday.id}").text)
    monkeypatch.setattr(rosters, "utcnow", lambda: monday.starts_at + timedelta(minutes=5))
    assert "Cancel this shift" not in admin.get(f"/admin/shifts/{monday.id}").text
    answer = admin.post(f"/admin/shifts/{monday.id}/cancel", data={"csrf_token": token})
    assert "already started" in admin.get(answer.headers["Location"]).text
    assert count(session, Shift, Shift.cancelled_at.is_not(None)) == 0
    with pytest.raises(ShiftInThePast):
        planning.cancel_shift(session, session.get(Shift, monday.id), monday.starts_at)


def test_a_cleaning_label_from_the_labels_screen(admin, session, fridge):
    assert "The cleaning checklist, for volunteers" in admin.get("/admin/sites/corner-fridge/tags").text
    answer = post_form(admin, "/admin/sites/corner-fridge/tags", purpose="care")
    assert answer.status_code == 303
    tag = session.scalar(select(Tag))
    assert (tag.purpose, tag.site_id, tag.item_id) == ("care", fridge.id, None)
    assert "Opens the cleaning checklist" in admin.get("/admin/sites/corner-fridge/tags").text
    assert count(session, SignUp) == 0
