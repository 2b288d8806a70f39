"""Where a coordinator is signed in: a row per sign-in (browser and system from the User-Agent, never an
address), last seen written at most every few minutes, ending one or every other, signing out, and a
new password ending the others."""
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from pantry.coordinators import invitations, membership, sessions
from pantry.coordinators.models import Coordinator, SignedIn
from pantry.extensions import db
from tests.conftest import NOW, PASSWORD, cheap_hash, csrf_token

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/18.1 Mobile/15E148 Safari/604.1")
EDGE_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")


@pytest.mark.parametrize(("agent", "seen"), [
    (FIREFOX_LINUX, ("Firefox", "Linux")), (CHROME_ANDROID, ("Chrome", "Android")),
    (SAFARI_IPHONE, ("Safari", "iOS")), (EDGE_WINDOWS, ("Edge", "Windows")), ("", ("", "")), ("curl/8.5", ("", "")),
])
def test_a_session_keeps_only_a_browser_family_and_a_system(agent, seen):
    assert sessions.describe(agent) == seen


@pytest.fixture
def bea(session):
    person = Coordinator(email="bea@example.org", name="Bea", joined_at=NOW, password_hash=cheap_hash(PASSWORD))
    session.add(person)
    session.commit()
    return person


def test_a_cookie_names_one_live_session_of_its_own_coordinator(session, coordinator, bea):
    cookie = sessions.start(session, coordinator, FIREFOX_LINUX, NOW)
    session.commit()
    row_id, _, token = cookie.partition(":")
    assert sessions.find(session, cookie, coordinator.id).id == int(row_id)
    for forged in (f"{row_id}:{token[:-1]}x", f"{row_id}:", row_id, "x:y", "", None, "9" * 30 + ":a", f"{row_id}:{token}:"):
        assert sessions.find(session, forged, coordinator.id) is None, forged
    assert sessions.find(session, cookie, bea.id) is None  # Bea's id with Ada's cookie
    with pytest.raises(sessions.SessionError):  # nobody ends another's session
        sessions.end(session, bea, int(row_id), NOW)
    session.rollback()
    sessions.end(session, coordinator, int(row_id), NOW)
    session.commit()
    assert sessions.find(session, cookie, coordinator.id) is None


def test_last_seen_is_written_at_most_every_few_minutes(session, coordinator):
    cookie = sessions.start(session, coordinator, "", NOW)
    session.commit()
    row = sessions.find(session, cookie, coordinator.id)
    assert not sessions.stale(row, NOW + timedelta(minutes=4))
    sessions.seen(session, row.id, NOW + timedelta(minutes=4))
    session.commit()
    assert session.get(SignedIn, row.id).last_seen_at == NOW
    assert sessions.stale(row, NOW + timedelta(minutes=5))
    sessions.seen(session, row.id, NOW + timedelta(minutes=6))
    session.commit()
    session.refresh(row)
    assert row.last_seen_at == NOW + timedelta(minutes=6)


def test_a_new_password_ends_every_session_before_it(app, session, coordinator):
    for agent in (FIREFOX_LINUX, CHROME_ANDROID):
        sessions.start(session, coordinator, agent, NOW)
    _, link = invitations.invite(session, coordinator.email, "", NOW, app.config["BASE_URL"], days=7, invited_by="")
    session.commit()
    membership.join(session, link.rpartition("/")[2], "a new long enough password", NOW + timedelta(minutes=1))
    session.commit()
    assert sessions.live(session, coordinator.id) == []


def signed_in(app, coordinator, agent):
    client = app.test_client()
    token = csrf_token(client.get("/admin/sign-in").text)
    answer = client.post("/admin/sign-in", data={"csrf_token": token, "email": coordinator.email,
                                                  "password": PASSWORD}, headers={"User-Agent": agent})
    assert answer.status_code == 303
    return client


def test_the_sessions_page_lists_ones_own_and_ends_one(app, session, coordinator, bea):
    phone, laptop = signed_in(app, coordinator, CHROME_ANDROID), signed_in(app, coordinator, FIREFOX_LINUX)
    signed_in(app, bea, EDGE_WINDOWS)
    page = laptop.get("/admin/coordinators/me/sessions")
    assert page.status_code == 200
    assert "Chrome · Android" in page.text and "Firefox · Linux" in page.text and "Edge" not in page.text
    assert "127.0.0.1" not in page.text
    session.rollback()
    rows = {row.browser: row.id for row in session.scalars(select(SignedIn))}
    token = csrf_token(page.text)
    for refused, status in ((rows["Edge"], 404), (rows["Firefox"], 409), ("x", 422)):  # Bea's; this one; nonsense
        answer = laptop.post("/admin/coordinators/me/sessions/end", data={"csrf_token": token, "session": refused})
        assert answer.status_code == status
        assert len(sessions.live(db.session, bea.id)) == 1 and len(sessions.live(db.session, coordinator.id)) == 2
    answer = laptop.post("/admin/coordinators/me/sessions/end", data={"csrf_token": token, "session": rows["Chrome"]})
    assert answer.status_code == 303
    assert phone.get("/admin/").status_code == 302  # the phone is signed out
    assert laptop.get("/admin/").status_code == 200


def test_ending_every_other_session_and_signing_out(app, session, coordinator):
    phone, tablet = signed_in(app, coordinator, CHROME_ANDROID), signed_in(app, coordinator, SAFARI_IPHONE)
    laptop = signed_in(app, coordinator, FIREFOX_LINUX)
    token = csrf_token(laptop.get("/admin/coordinators/me/sessions").text)
    answer = laptop.post("/admin/coordinators/me/sessions/end-others", data={"csrf_token": token})
    assert "Ended 2 other sessions." in laptop.get(answer.headers["Location"]).text
    assert phone.get("/admin/").status_code == tablet.get("/admin/").status_code == 302
    assert laptop.post("/admin/sign-out", data={"csrf_token": token}).status_code == 303
    assert laptop.get("/admin/").status_code == 302
    session.rollback()
    assert sessions.live(session, coordinator.id) == []


def test_a_request_writes_last_seen_only_when_it_is_old(app, session, coordinator):
    with time_machine.travel(NOW, tick=False):
        client = signed_in(app, coordinator, FIREFOX_LINUX)
    for minutes, seen in ((1, NOW), (6, NOW + timedelta(minutes=6)), (8, NOW + timedelta(minutes=6))):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            assert client.get("/admin/coordinators/me/sessions").status_code == 200
        session.rollback()
        assert session.scalar(select(SignedIn.last_seen_at)) == seen, minutes


def test_the_worker_deletes_sessions_ended_longer_ago_than_the_setting(app, session, coordinator):
    """The worker's daily job: a session ended SESSIONS_KEPT_DAYS ago goes; a later one and a live one stay."""
    from pantry.outbox import jobs

    kept = timedelta(days=app.config["SESSIONS_KEPT_DAYS"])
    for started, ended in ((NOW - kept * 2, None), (NOW - kept * 2, NOW - kept - timedelta(seconds=1)),
                           (NOW - kept * 2, NOW - kept), (NOW - kept, NOW - kept + timedelta(seconds=1))):
        cookie = sessions.start(session, coordinator, FIREFOX_LINUX, started)
        session.get(SignedIn, int(cookie.partition(":")[0])).ended_at = ended
    session.commit()
    assert "purge-sessions" in jobs.run_due(app, NOW)
    session.rollback()
    left = session.scalars(select(SignedIn.ended_at).order_by(SignedIn.id)).all()
    assert left == [None, NOW - kept + timedelta(seconds=1)]
    assert "purge-sessions" not in jobs.run_due(app, NOW + timedelta(hours=23))  # once a day
