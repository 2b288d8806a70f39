"""Signing in and out, the welcome link, inviting a peer, and that every admin page asks for a sign-in."""
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from pantry.coordinators import invitations
from pantry.coordinators.models import Coordinator, Invitation
from pantry.database import utcnow
from tests.conftest import PASSWORD, csrf_token
from tests.coordinators.conftest import post_form, sign_in
from tests.mailbox import body, mailbox  # noqa: F401  (the fixture)


def test_signing_in_opens_the_admin_home(client, coordinator, make_site):
    make_site("Corner Fridge")
    answer = sign_in(client, "  ADA@example.org ", PASSWORD)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/admin/"
    home = client.get("/admin/")
    assert home.status_code == 200
    assert "Corner Fridge" in home.text
    assert "Signed in as ada@example.org" in home.text


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, coordinator):
    wrong = sign_in(client, coordinator.email, "not the password")
    unknown = sign_in(client, "nobody@example.org", PASSWORD)
    assert wrong.status_code == unknown.status_code == 422
    assert "Email or password is wrong." in wrong.text
    assert "Email or password is wrong." in unknown.text
    # Only the echoed email tells the two pages apart (and the form's new CSRF token, which holds
    # the second it was made: the two pages may be made a second apart).
    assert same_page(wrong.text).replace(coordinator.email, "") == same_page(unknown.text).replace(
        "nobody@example.org", "")
    assert client.get("/admin/").status_code == 302


def same_page(html):
    return html.replace(csrf_token(html), "")


def test_a_strange_email_is_refused_without_asking_the_database(client, coordinator):
    answer = sign_in(client, "ada\x00@example.org", PASSWORD)
    assert answer.status_code == 422
    assert "Remove the unusual invisible characters" in answer.text


def test_an_empty_form_says_what_is_missing(client, coordinator):
    answer = sign_in(client, "", "")
    assert answer.status_code == 422
    assert "Enter your email." in answer.text
    assert "Enter your password." in answer.text


def test_signing_in_starts_a_fresh_session(client, coordinator):
    client.get("/admin/sign-in")
    with client.session_transaction() as browser:
        browser["planted"] = "by someone before sign-in"
        before = browser["csrf_token"]
    sign_in(client, coordinator.email, PASSWORD)
    with client.session_transaction() as browser:
        assert "planted" not in browser
        assert browser.get("csrf_token") != before
        assert browser["_user_id"] == coordinator.get_id()
        assert browser["_user_id"].startswith(f"{coordinator.id}:")


def test_a_new_password_ends_sessions_signed_in_with_the_old_one(client, coordinator, session):
    sign_in(client, coordinator.email, PASSWORD)
    assert client.get("/admin/").status_code == 200
    coordinator.set_password("another long enough password")
    session.commit()
    answer = client.get("/admin/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/admin/sign-in")


@pytest.mark.parametrize("planted", ["1", "1:", "x:y", "99999999999999999999999:0", "1:" + "0" * 16, ""])
def test_a_forged_session_id_signs_no_one_in(client, coordinator, planted):
    with client.session_transaction() as browser:
        browser["_user_id"] = planted.replace("1", str(coordinator.id), 1) if planted[:1] == "1" else planted
        browser["_fresh"] = True
    assert client.get("/admin/").status_code == 302


def test_signing_in_goes_back_to_the_page_asked_for(client, coordinator):
    first = client.get("/admin/items")
    assert first.status_code == 302
    assert first.headers["Location"] == "/admin/sign-in?next=%2Fadmin%2Fitems"
    page = client.get(first.headers["Location"])
    assert "Please sign in to see that page." in page.text
    answer = client.post("/admin/sign-in", data={
        "csrf_token": csrf_token(page.text), "email": coordinator.email, "password": PASSWORD,
        "next": re.search(r'name="next" value="([^"]*)"', page.text).group(1),
    })
    assert answer.headers["Location"] == "/admin/items"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "admin",
                                    "/\\evil.example/x", "/\tevil", "\\\\evil.example"])
def test_signing_in_never_goes_to_another_site(client, coordinator, target):
    answer = sign_in(client, coordinator.email, PASSWORD, next=target)
    assert answer.headers["Location"] == "/admin/"


def test_signing_out(admin):
    page = admin.get("/admin/")
    answer = admin.post("/admin/sign-out", data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 303
    assert "You are signed out." in admin.get(answer.headers["Location"]).text
    assert admin.get("/admin/").status_code == 302


def test_a_session_cookie_copied_before_signing_out_no_longer_works(app, admin):
    """Sign-out ends the session on the server: the cookie replayed afterwards signs nobody in."""
    cookie = admin.get_cookie("session").value
    page = admin.get("/admin/")
    assert "Signed in as ada@example.org" in page.text
    assert admin.post("/admin/sign-out", data={"csrf_token": csrf_token(page.text)}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    answer = replay.get("/admin/")
    assert answer.status_code == 302 and "Signed in as" not in answer.text


def test_signing_out_needs_the_csrf_token(admin):
    assert admin.post("/admin/sign-out").status_code == 400
    assert admin.get("/admin/").status_code == 200


def test_every_admin_page_asks_an_anonymous_visitor_to_sign_in(app, client, make_site, make_item):
    make_site("Corner Fridge", slug="corner")
    make_item("Canned beans")
    values = {"slug": "corner", "item_id": 1, "movement_id": 1, "code": "ABCDEFGH", "paper": "a4", "token": "t",
              "pattern_id": 1, "shift_id": 1, "invitation_id": 1, "coordinator_id": 1, "review_id": 1,
              "recovery_id": 1, "message_id": 1, "hook_id": 1, "action": "remove", "suggestion_id": 1,
              "report_id": 1, "photo_id": 1, "link": "a-link"}
    open_to_all = {"coordinators.sign_in", "coordinators.welcome", "coordinators.forgot", "coordinators.sign_in_code",
                   "coordinators.set_up"}
    token = csrf_token(client.get("/admin/sign-in").text)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("coordinators.") or rule.endpoint in open_to_all:
            continue
        path = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            answer = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert answer.status_code == 302, (method, path)
            assert answer.headers["Location"].startswith("/admin/sign-in?next="), (method, path)
            checked += 1
    assert checked >= 20


def test_a_welcome_link_sets_the_password_and_signs_in(client, session):
    person, link = invitations.invite(session, "bea@example.org", "Bea", utcnow(), "https://pantry.example",
                                      days=7, invited_by="ada@example.org")
    session.commit()
    path = link.removeprefix("https://pantry.example")
    page = client.get(path)
    assert page.status_code == 200
    assert "Welcome, Bea" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    token = csrf_token(page.text)
    mismatch = client.post(path, data={"csrf_token": token, "password": "a fine long password", "confirm": "another"})
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in mismatch.text
    short = client.post(path, data={"csrf_token": token, "password": "short", "confirm": "short"})
    assert short.status_code == 422
    assert "Use 10 to 256 characters." in short.text
    answer = client.post(path, data={"csrf_token": token, "password": "a fine long password",
                                     "confirm": "a fine long password"})
    assert answer.status_code == 303
    assert "Your password is set. Welcome, Bea." in client.get(answer.headers["Location"]).text
    session.expire_all()
    assert session.get(Coordinator, person.id).check_password("a fine long password")
    used = client.get(path)
    assert used.status_code == 410
    assert "This link has been used already" in used.text


def test_a_welcome_link_that_is_unknown_or_expired(client, session):
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    _, link = invitations.invite(
        session, "bea@example.org", "", long_ago, "https://pantry.example", days=7, invited_by=""
    )
    session.commit()
    assert client.get("/admin/welcome/not-a-real-token").status_code == 404
    expired = client.get(link.removeprefix("https://pantry.example"))
    assert expired.status_code == 410
    assert "This link has expired." in expired.text


def test_a_coordinator_invites_a_peer(admin, session):
    answer = post_form(admin, "/admin/invite", email=" Bea@Example.org", name="Bea")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    link = re.search(r'value="(https://pantry\.example/admin/welcome/[^"]+)"', answer.text).group(1)
    invitation = session.scalar(select(Invitation))
    assert invitation.invited_by == "ada@example.org"
    assert invitation.coordinator.email == "bea@example.org"
    waiting = admin.get("/admin/coordinators").text  # the invitations waiting are on the coordinators page
    assert "Bea" in waiting and "invited by Ada" in waiting
    assert link.rsplit("/", 1)[1] not in waiting and link.rsplit("/", 1)[1] not in admin.get("/admin/invite").text


@pytest.mark.parametrize("email, message", [("", "Enter their email."), ("bea", "Enter an email address"),
                                            ("bea\x00@x.org", "Remove the unusual invisible characters"),
                                            ("b" * 255 + "@x.org", "Field cannot be longer than 254 characters.")])
def test_an_invitation_to_a_bad_email_is_refused(admin, session, email, message):
    answer = post_form(admin, "/admin/invite", email=email)
    assert answer.status_code == 422
    assert message in answer.text
    assert session.scalar(select(Invitation)) is None


@pytest.fixture
def bea(session):
    person = Coordinator(email="bea@example.org", name="Bea")
    person.set_password("bea's own long password")
    session.add(person)
    session.commit()
    return person


@pytest.mark.parametrize("mail_server", ["127.0.0.1", None])
def test_inviting_a_coordinator_never_shows_the_asker_a_link_to_their_account(app, admin, session, bea, mail_server):
    """A member's new password comes only by the reset link mailed to them, or by two others
    agreeing (tests/coordinators/test_recovery.py): an invitation to their address is refused."""
    app.config["MAIL_SERVER"] = mail_server
    answer = post_form(admin, "/admin/invite", email="BEA@example.org")
    assert answer.status_code == 409 and "coordinator already" in answer.text
    assert "/admin/welcome/" not in answer.text
    assert session.scalar(select(Invitation)) is None
    session.expire_all()
    assert session.get(Coordinator, bea.id).check_password("bea's own long password")


def test_the_owner_is_told_when_their_password_changes(app, client, runner, session, bea, mailbox, monkeypatch):
    _, link = invitations.invite(session, "bea@example.org", "", utcnow(), "https://pantry.example",
                                 days=7, invited_by="ada@example.org")
    session.commit()
    path = link.removeprefix("https://pantry.example")
    token = csrf_token(client.get(path).text)
    new = "a brand new long password"
    assert client.post(path, data={"csrf_token": token, "password": new, "confirm": new}).status_code == 303
    [letter] = mailbox.to("bea@example.org")
    assert letter["Subject"] == "Your Pantry password was changed"
    mailbox.clear()
    monkeypatch.setattr("click.prompt", lambda *args, **kwargs: "set at the server, long")
    result = runner.invoke(args=["pantry", "add-coordinator", "bea@example.org", "--password"])
    assert result.exit_code == 0, result.output
    assert [letter["Subject"] for letter in mailbox.to("bea@example.org")] == ["Your Pantry password was changed"]
