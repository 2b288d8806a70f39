"""Two-step sign-in: the rules with a moment passed in (a code's 30-second window is the moment's), and
the doors: turning it on from one's own page, the code after the password, a wrong or reused code,
turning it off, and a network that requires it."""
import re
import uuid
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import func, select, text

from pantry import sealed
from pantry.coordinators import sessions, two_step
from pantry.coordinators.models import Coordinator, RecoveryCode, SignedIn
from pantry.journal import JournalEntry
from tests.conftest import NOW, PASSWORD, csrf_token
from tests.coordinators.conftest import post_form, sign_in

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def actions(session):
    return [entry.action for entry in session.scalars(select(JournalEntry).order_by(JournalEntry.id))]


def count(session, model):
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def two_stepped(session, coordinator):
    """Ada with two-step sign-in on (secret SECRET since NOW); her ten recovery codes."""
    codes = two_step.turn_on(session, coordinator, SECRET, pyotp.TOTP(SECRET).at(NOW), NOW)
    session.commit()
    return codes


def wrong(code):
    return "".join(str((int(digit) + 1) % 10) for digit in code)


def test_turning_on_needs_a_code_from_the_secret_and_keeps_only_hashes(session, coordinator):
    with pytest.raises(two_step.WrongCode):
        two_step.turn_on(session, coordinator, SECRET, wrong(pyotp.TOTP(SECRET).at(NOW)), NOW)
    session.rollback()
    assert session.get(Coordinator, coordinator.id).totp_secret is None
    assert count(session, RecoveryCode) == 0
    codes = two_step.turn_on(session, coordinator, SECRET, pyotp.TOTP(SECRET).at(NOW), NOW)
    session.commit()
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    kept = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(kept) == 10 and not set(kept) & {code.replace("-", "") for code in codes}
    assert coordinator.totp_secret == SECRET and coordinator.two_step_since == NOW
    assert actions(session) == ["coordinator.two_step_on"]
    with pytest.raises(two_step.AlreadyOn):
        two_step.turn_on(session, coordinator, SECRET, pyotp.TOTP(SECRET).at(NOW), NOW)


def test_a_code_is_good_within_its_window_and_only_once(session, coordinator, two_stepped):
    totp = pyotp.TOTP(SECRET)
    assert two_step.prove(session, coordinator, totp.at(NOW - timedelta(seconds=30)), NOW) == totp.timecode(NOW) - 1
    with pytest.raises(two_step.WrongCode):
        two_step.prove(session, coordinator, totp.at(NOW - timedelta(minutes=2)), NOW)
    step = two_step.prove(session, coordinator, f" {totp.at(NOW)[:3]} {totp.at(NOW)[3:]} ", NOW)
    sessions.start(session, coordinator, "", NOW, step=step)
    session.commit()
    with pytest.raises(two_step.UsedCode):  # seen over someone's shoulder: too late
        two_step.prove(session, coordinator, totp.at(NOW), NOW + timedelta(seconds=5))
    later = NOW + timedelta(seconds=30)
    assert two_step.prove(session, coordinator, totp.at(later), later) == step + 1


def test_a_recovery_code_works_once_and_is_journaled(session, coordinator, two_stepped):
    code = two_stepped[3]
    assert two_step.prove(session, coordinator, code.upper(), NOW) is None
    session.commit()
    assert actions(session)[-1] == "coordinator.recovery_code_used"
    assert two_step.recovery_codes_left(session, coordinator.id) == 9
    with pytest.raises(two_step.UsedRecoveryCode):
        two_step.prove(session, coordinator, code, NOW)
    session.rollback()
    for bad in ("abcde-fghjk", "", "x" * 200, "1234567"):
        with pytest.raises(two_step.WrongCode):
            two_step.prove(session, coordinator, bad, NOW)
    assert two_step.recovery_codes_left(session, coordinator.id) == 9


def test_turning_off_needs_a_current_code_unless_the_network_requires_it(session, coordinator, two_stepped):
    later = NOW + timedelta(minutes=10)
    with pytest.raises(two_step.Required):
        two_step.turn_off(session, coordinator, pyotp.TOTP(SECRET).at(later), later, required=True)
    with pytest.raises(two_step.WrongCode):
        two_step.turn_off(session, coordinator, wrong(pyotp.TOTP(SECRET).at(later)), later, required=False)
    session.rollback()
    assert session.get(Coordinator, coordinator.id).totp_secret == SECRET
    two_step.turn_off(session, coordinator, pyotp.TOTP(SECRET).at(later), later, required=False)
    session.commit()
    assert coordinator.totp_secret is None and count(session, RecoveryCode) == 0
    assert actions(session)[-1] == "coordinator.two_step_off"
    with pytest.raises(two_step.NotOn):
        two_step.turn_off(session, coordinator, "123456", later, required=False)


def stored_secrets(session):
    """What the coordinator table's column holds, read around the ORM (as a copy of the database would be)."""
    session.rollback()
    return [value for (value,) in session.execute(text("SELECT totp_secret FROM coordinator")) if value]


def test_the_secret_is_sealed_at_rest_and_opens_with_the_key(app, session, coordinator, two_stepped, caplog):
    stored = stored_secrets(session)
    assert len(stored) == 1 and SECRET not in stored[0] and SECRET.lower() not in stored[0].lower()
    assert stored[0].startswith(sealed.PREFIX) and sealed.unseal(app.config, stored[0]) == SECRET
    assert session.get(Coordinator, coordinator.id).totp_secret == SECRET
    # A key rotated out (SECRET_KEY_FALLBACKS) still opens it; a key lost leaves two-step on, no phone code
    # good, and a recovery code the way back in.
    app.config.update(SECRET_KEY="a new secret key", SECRET_KEY_FALLBACKS=["test-secret"])
    assert sealed.unseal(app.config, stored[0]) == SECRET
    app.config["SECRET_KEY_FALLBACKS"] = []
    session.expire_all()
    ada = session.get(Coordinator, coordinator.id)
    assert ada.totp_secret == sealed.UNREADABLE and "SECRET_KEY_FALLBACKS" in caplog.text
    with pytest.raises(two_step.WrongCode):
        two_step.prove(session, ada, pyotp.TOTP(SECRET).at(NOW), NOW)
    assert two_step.prove(session, ada, two_stepped[0], NOW) is None


def test_turning_it_on_from_ones_own_page(client, session, coordinator):
    admin = client
    with time_machine.travel(NOW, tick=False):  # before signing in: a cookie signed later is refused
        sign_in(admin, coordinator.email, PASSWORD)
        page = admin.get("/admin/coordinators/me/two-step")
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert 'src="data:image/svg+xml;base64,' in page.text
        secret = re.search(r"<code>([A-Z2-7]{32})</code>", page.text).group(1)
        refused = post_form(admin, "/admin/coordinators/me/two-step", code=wrong(pyotp.TOTP(secret).at(NOW)))
        assert refused.status_code == 422 and "That code is not right." in refused.text
        assert count(session, RecoveryCode) == 0
        answer = post_form(admin, "/admin/coordinators/me/two-step", code=pyotp.TOTP(secret).at(NOW))
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}</code>", answer.text)) == 10
    assert session.get(Coordinator, coordinator.id).totp_secret == secret
    assert secret not in stored_secrets(session)[0]  # the page's door seals it too


def test_sign_in_asks_for_the_code_after_the_password(client, session, coordinator, two_stepped):
    at = NOW + timedelta(minutes=5)
    with time_machine.travel(at, tick=False):
        first = sign_in(client, coordinator.email, PASSWORD, next="/admin/items")
        assert first.status_code == 303 and first.headers["Location"] == "/admin/sign-in/code"
        assert client.get("/admin/").status_code == 302  # not signed in yet
        refused = post_form(client, "/admin/sign-in/code", code=wrong(pyotp.TOTP(SECRET).at(at)))
        assert refused.status_code == 422 and "That code is not right." in refused.text
        assert count(session, SignedIn) == 0
        answer = post_form(client, "/admin/sign-in/code", code=pyotp.TOTP(SECRET).at(at))
        assert answer.status_code == 303 and answer.headers["Location"] == "/admin/items"
        assert client.get("/admin/").status_code == 200
        # The same code again, from another browser that knows the password: refused.
        other = client.application.test_client()
        sign_in(other, coordinator.email, PASSWORD)
        reused = post_form(other, "/admin/sign-in/code", code=pyotp.TOTP(SECRET).at(at))
    assert reused.status_code == 409 and "That code was used already." in reused.text
    assert count(session, SignedIn) == 1


def test_a_reused_recovery_code_is_refused_in_spanish_too(client, session, coordinator, two_stepped):
    sign_in(client, coordinator.email, PASSWORD)
    assert post_form(client, "/admin/sign-in/code", code=two_stepped[0]).status_code == 303
    other = client.application.test_client()
    other.set_cookie("lang", "es")
    sign_in(other, coordinator.email, PASSWORD)
    written = actions(session)
    answer = post_form(other, "/admin/sign-in/code", code=two_stepped[0])
    assert answer.status_code == 410
    assert "Ese código de recuperación ya se usó" in answer.text
    assert actions(session) == written and count(session, SignedIn) == 1


def test_the_code_page_without_a_right_password_sends_to_sign_in(client, coordinator, two_stepped):
    assert client.get("/admin/sign-in/code").headers["Location"] == "/admin/sign-in"
    token = csrf_token(client.get("/admin/sign-in").text)
    answer = client.post("/admin/sign-in/code", data={"csrf_token": token, "code": "123456"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/sign-in"


def test_wrong_codes_are_rate_limited(app, client, coordinator, two_stepped):
    app.config.update(RATE_LIMITS=True, LIMIT_SIGN_IN="1000 per minute", LIMIT_SIGN_IN_EMAIL="3 per 10 minutes",
                      RATELIMIT_KEY_PREFIX="test-" + uuid.uuid4().hex)
    sign_in(client, coordinator.email, PASSWORD)
    bad = wrong(pyotp.TOTP(SECRET).now())
    answers = [post_form(client, "/admin/sign-in/code", code=bad).status_code for _ in range(4)]
    assert answers == [422, 422, 422, 429]


def test_turning_it_off_through_the_page(client, session, coordinator, two_stepped):
    admin, at = client, NOW + timedelta(minutes=5)
    with time_machine.travel(at, tick=False):
        sign_in(admin, coordinator.email, PASSWORD)
        post_form(admin, "/admin/sign-in/code", code=two_stepped[0])
        refused = post_form(admin, "/admin/coordinators/me/two-step", code="000000")  # on already
        assert refused.status_code == 409
        token = csrf_token(admin.get("/admin/coordinators/me/two-step").text)
        wrong_code = admin.post("/admin/coordinators/me/two-step/off",
                                data={"csrf_token": token, "code": wrong(pyotp.TOTP(SECRET).at(at))})
        assert wrong_code.status_code == 422 and session.get(Coordinator, coordinator.id).totp_secret == SECRET
        answer = admin.post("/admin/coordinators/me/two-step/off",
                            data={"csrf_token": token, "code": pyotp.TOTP(SECRET).at(at)})
    assert answer.status_code == 303
    session.rollback()
    assert session.get(Coordinator, coordinator.id).totp_secret is None


def test_a_network_that_requires_it_sends_a_coordinator_to_set_it_up_first(app, admin):
    app.config["REQUIRE_TWO_STEP"] = True
    for path in ("/admin/", "/admin/items", "/admin/coordinators"):
        answer = admin.get(path)
        assert answer.headers["Location"] == "/admin/coordinators/me/two-step", path
    page = admin.get("/admin/coordinators/me/two-step")
    assert page.status_code == 200 and "set it up before anything else" in page.text
