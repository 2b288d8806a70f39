"""Logging at the fridge without signal: taps wait in this phone's outbox and land once,
whatever the network did to them; a label's page opened before opens again offline."""
import time
from datetime import date

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from playwright.sync_api import expect
from sqlalchemy import func, select

from pantry.database import utcnow
from pantry.stock import ledger
from pantry.stock.models import Item, Movement
from pantry.tags.rules import issue_tag, revoke_tag
from tests.conftest import key

pytestmark = pytest.mark.once  # what it checks does not depend on the database


@pytest.fixture
def site_tag(session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    beans = make_item("Canned beans")
    ledger.restock(session, fridge.id, beans.id, 6, key(), utcnow(), best_before=date(2027, 3, 1))
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    return tag


def takes(session):
    session.rollback()  # a fresh snapshot: the server wrote from another connection
    return session.scalar(select(func.count()).select_from(Movement).where(Movement.kind == "take"))


def open_label(phone, tag):
    phone.goto(f"/t/{tag.code}")
    phone.locator("html[data-outbox=ready]").wait_for(state="attached")


def took_one(phone):
    return phone.get_by_role("button", name="Took 1 Canned beans")


def status(phone):
    return phone.locator("main .messages")


def outbox_size(phone):
    return phone.evaluate("() => Outbox.count()")


def wait_for_empty_outbox(phone, seconds=10):
    deadline = time.monotonic() + seconds
    while outbox_size(phone) and time.monotonic() < deadline:
        phone.wait_for_timeout(100)
    assert outbox_size(phone) == 0, "the outbox was not sent"


def test_two_taps_offline_wait_on_the_phone_and_land_as_two_entries(phone, session, site_tag):
    open_label(phone, site_tag)
    phone.context.set_offline(True)
    took_one(phone).click()
    expect(status(phone)).to_contain_text("Saved on this phone: 1 entry waiting to send")
    took_one(phone).click()
    expect(status(phone)).to_contain_text("Saved on this phone: 2 entries waiting to send")
    assert takes(session) == 0

    phone.context.set_offline(False)  # the browser says "online": the outbox is sent
    expect(status(phone)).to_contain_text("Logged: took 1 Canned beans")
    expect(status(phone)).not_to_contain_text("waiting to send")
    expect(phone.get_by_text("4 inside")).to_be_visible()  # the page was taken again
    assert outbox_size(phone) == 0
    assert takes(session) == 2


def test_an_answer_lost_after_the_server_wrote_is_resent_and_counted_once(phone, session, site_tag):
    open_label(phone, site_tag)

    def lose_the_answer(route):
        route.fetch()  # the server applies the take...
        route.abort("connectionreset")  # ...and the phone never hears back

    # On the context, so the service worker's Background Sync loses its answers too.
    phone.context.route("**/log", lose_the_answer)
    took_one(phone).click()
    expect(status(phone)).to_contain_text("Saved on this phone: 1 entry waiting to send")
    assert takes(session) == 1

    # A resend by the worker may still be on its way: it may land, or be dropped unanswered.
    phone.context.unroute_all(behavior="ignoreErrors")
    phone.reload()  # sent again on load (or by Background Sync), with the same key
    wait_for_empty_outbox(phone)
    expect(phone.locator("main")).to_contain_text("Logged: took 1 Canned beans")
    assert takes(session) == 1


def test_an_expired_csrf_token_is_renewed_and_the_entry_lands_once(app, phone, session, site_tag):
    open_label(phone, site_tag)

    class LongAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - app.config["WTF_CSRF_TIME_LIMIT"] - 60

    cookie = next(c["value"] for c in phone.context.cookies() if c["name"] == app.config["SESSION_COOKIE_NAME"])
    raw = app.session_interface.get_signing_serializer(app).loads(cookie)["csrf_token"]
    stale = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=LongAgo).dumps(raw)
    phone.evaluate("(stale) => document.querySelectorAll('[name=csrf_token]').forEach((field) => field.value = stale)", stale)
    answers = []
    phone.on("response", lambda response: answers.append((response.url.rsplit("/", 1)[-1], response.status)))

    took_one(phone).click()
    expect(status(phone)).to_contain_text("Logged: took 1 Canned beans")
    assert takes(session) == 1
    assert [answer for answer in answers if answer[0] in ("log", "token")] == [("log", 400), ("token", 200), ("log", 201)]


def test_a_busy_server_is_asked_again_after_the_time_it_gave(phone, session, site_tag):
    open_label(phone, site_tag)
    sent = []

    def busy_once(route):
        sent.append(time.monotonic())
        if len(sent) == 1:
            route.fulfill(status=429, headers={"Retry-After": "1"}, json={"code": "busy", "message": "Busy."})
        else:
            route.continue_()

    phone.context.route("**/log", busy_once)
    took_one(phone).click()
    expect(status(phone)).to_contain_text("Logged: took 1 Canned beans")
    assert takes(session) == 1
    assert len(sent) == 2 and sent[1] - sent[0] >= 0.9


def test_an_entry_for_a_label_revoked_meanwhile_is_dropped_and_says_why(phone, session, site_tag):
    open_label(phone, site_tag)
    phone.context.set_offline(True)
    took_one(phone).click()
    expect(status(phone)).to_contain_text("Saved on this phone: 1 entry waiting to send")
    revoke_tag(session, site_tag, utcnow())
    session.commit()

    phone.context.set_offline(False)
    expect(status(phone)).to_contain_text("This label is no longer in use.")
    expect(status(phone)).not_to_contain_text("waiting to send")
    assert outbox_size(phone) == 0
    assert takes(session) == 0


def test_a_label_opened_before_opens_again_without_signal(phone, site_tag):
    open_label(phone, site_tag)
    kept = phone.evaluate("""async () => {
        await navigator.serviceWorker.ready;
        for (let tries = 0; tries < 100; tries++) {
            if (await caches.match(location.href, {ignoreVary: true})) return true;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return false;
    }""")
    assert kept
    phone.context.set_offline(True)
    phone.goto(f"/t/{site_tag.code}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Corner Fridge")
    expect(took_one(phone)).to_be_visible()
    # the stylesheet came from the phone's copy too: the top bar is green
    assert phone.evaluate("() => getComputedStyle(document.querySelector('.top')).backgroundColor") == "rgb(11, 93, 30)"


def test_an_item_page_sends_amounts_and_restocks_and_shows_mistakes_as_the_form_would(phone, session, site_tag):
    beans = session.scalar(select(Item).where(Item.name == "Canned beans"))
    phone.goto(f"/t/{site_tag.code}?item={beans.id}")
    phone.locator("html[data-outbox=ready]").wait_for(state="attached")
    phone.get_by_role("button", name="2 Canned beans").click()  # an amount: the button's own value
    expect(status(phone)).to_contain_text("Logged: took 2 Canned beans")
    expect(phone.get_by_text("4 inside")).to_be_visible()
    phone.get_by_label("How many").fill("6")
    phone.get_by_label("Best before (optional)").fill("2027-01-31")
    phone.get_by_role("button", name="Log what I added").click()
    expect(status(phone)).to_contain_text("Logged: added 6 Canned beans")
    expect(phone.get_by_text("10 inside")).to_be_visible()

    phone.get_by_role("button", name="Log what I took").click()  # no amount typed: refused, nothing kept
    expect(phone.get_by_text("Say how many, as a whole number.").first).to_be_visible()
    assert outbox_size(phone) == 0
    session.rollback()
    assert [(m.kind, m.quantity, m.best_before) for m in session.scalars(select(Movement).order_by(Movement.id))][1:] == [
        ("take", 2, None), ("restock", 6, date(2027, 1, 31))]


def test_chromium_reads_the_manifest_and_finds_the_app_installable(phone, site_tag):
    open_label(phone, site_tag)
    devtools = phone.context.new_cdp_session(phone)
    assert devtools.send("Page.getAppManifest")["errors"] == []
    errors = [error["errorId"] for error in devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert [error for error in errors if error != "in-incognito"] == []  # a test's browser is always incognito


@pytest.mark.parametrize("phone", [False], indirect=True)
def test_without_javascript_a_tap_is_an_ordinary_form(phone, session, site_tag):
    phone.goto(f"/t/{site_tag.code}")
    took_one(phone).click()
    expect(phone.get_by_text("Logged: took 1 Canned beans")).to_be_visible()
    assert takes(session) == 1
