"""The must-show: a take that empties an item on the needs list reaches a confirmed follower once
by mail (a real SMTP server on loopback), once by push (a local push service that decrypts it)
and once by webhook (a local receiver that checks the signature), and is in the site's feed;
an unconfirmed follower gets nothing; after the one-click unsubscribe, no more mail."""
import hashlib
import hmac
import re
from datetime import timedelta

import feedparser
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from pantry.database import utcnow
from pantry.outbox import webhooks
from pantry.outbox.delivery import SIGNATURE_HEADER
from pantry.outbox.models import Follower, PushSubscription
from pantry.outbox.worker import deliver_due
from pantry.stock import ledger
from pantry.stock.models import Stock
from tests.conftest import csrf_token, key
from tests.live import free_port
from tests.mailbox import Mailbox, body
from tests.outbox.receivers import Phone, Receiver

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def servers():
    box = Mailbox()
    controller = Controller(box, hostname=box.host, port=free_port())
    controller.start()
    box.port = controller.port
    hooks, pushes = Receiver().start(), Receiver().start()
    yield box, hooks, pushes
    controller.stop()
    hooks.stop()
    pushes.stop()


@pytest.fixture
def wired(app, servers):
    box, hooks, pushes = servers
    for server in (box, ):
        server.clear()
    hooks.received.clear()
    pushes.received.clear()
    pushes.status = hooks.status = 201
    app.config.update(MAIL_SERVER=box.host, MAIL_PORT=box.port, WEBHOOK_ALLOW_LOOPBACK=True, PUSH_ALLOW_LOOPBACK=True)
    return servers


@pytest.fixture
def milk(session, fridge, make_item):
    milk = make_item("Milk 1 L", "dairy", "carton")
    session.add(Stock(site_id=fridge.id, item_id=milk.id, quantity=0, target=6))
    session.flush()
    ledger.restock(session, fridge.id, milk.id, 2, key(), utcnow() - timedelta(hours=1))
    session.commit()
    return milk


def follow(client, email):
    page = client.get("/sites/corner-fridge/follow").text
    answer = client.post("/sites/corner-fridge/follow", data={
        "csrf_token": csrf_token(page), "email": email, "kinds": ["needs"], "how": "now", "hour": "18"})
    assert answer.status_code == 303
    return page


def confirm(client, box, email):
    [letter] = box.to(email)
    link = re.search(r"https://pantry\.example(/follow/confirm/\S+)", body(letter)).group(1)
    page = client.get(link)
    assert client.post(link, data={"csrf_token": csrf_token(page.text)}).status_code == 200


def take_it_all(session, fridge, milk, quantity=2, now=None):
    ledger.take(session, fridge.id, milk.id, quantity, key(), now or utcnow())
    session.commit()


def test_a_take_that_empties_a_needed_item_reaches_a_follower_once_by_mail_push_and_webhook(
        app, client, session, fridge, milk, wired):
    box, hooks, pushes = wired
    page = follow(client, "nell@example.org")
    follow(client, "ulla@example.org")  # never confirms
    deliver_due(app.config, utcnow())
    confirm(client, box, "nell@example.org")
    phone = Phone(pushes, "nell-phone")
    answer = client.post("/sites/corner-fridge/push", json=phone.subscription(["needs"]),
                         headers={"X-CSRFToken": csrf_token(page)})
    assert answer.status_code == 201
    hook = webhooks.add(session, hooks.url + "/chat", ["needs"], utcnow(), allow_loopback=True)
    session.commit()
    box.clear()

    take_it_all(session, fridge, milk)
    deliver_due(app.config, utcnow())
    deliver_due(app.config, utcnow())  # a second pass finds nothing more to send

    [letter] = box.messages  # to the confirmed follower, once; nothing to the unconfirmed one
    assert letter["To"] == "nell@example.org"
    assert letter["Subject"] == "Corner Fridge has run out of Milk 1 L"
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<https://pantry\.example(/follow/\S+/unsubscribe)>", letter["List-Unsubscribe"])
    assert unsubscribe and unsubscribe.group(1).rsplit("/", 1)[0] in body(letter)

    [note] = phone.read(pushes)
    assert note["title"] == "Corner Fridge has run out of Milk 1 L"
    assert note["url"] == "https://pantry.example/sites/corner-fridge"
    [(_path, headers, sent)] = pushes.received
    assert headers["Content-Encoding"] == "aes128gcm" and headers["Authorization"].startswith("vapid t=")

    [(path, headers, sent)] = hooks.received
    expected = "sha256=" + hmac.new(hook.secret.encode(), sent, hashlib.sha256).hexdigest()
    assert path == "/chat" and hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    assert b'"kind":"needs"' in sent and b"Milk 1 L" in sent

    feed = feedparser.parse(client.get("/sites/corner-fridge/feed.atom").data)
    assert [entry.title for entry in feed.entries] == ["Corner Fridge has run out of Milk 1 L"]

    # RFC 8058: the mail client POSTs to the List-Unsubscribe address, and no more mail comes.
    gone = client.post(unsubscribe.group(1), data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert gone.status_code == 200
    assert session.scalars(select(Follower.email)).all() == ["ulla@example.org"]
    box.clear()
    later = utcnow() + timedelta(hours=2)  # past the hour's window of the push and the webhook
    ledger.restock(session, fridge.id, milk.id, 3, key(), later)
    take_it_all(session, fridge, milk, 3, now=later)
    assert deliver_due(app.config, later).sent == 2  # the phone and the chat, not the mail
    assert box.messages == []
    assert len(feedparser.parse(client.get("/sites/corner-fridge/feed.atom").data).entries) == 2


def test_a_push_service_that_answers_410_drops_the_subscription(app, client, session, fridge, milk, wired):
    _box, _hooks, pushes = wired
    phone = Phone(pushes, "old-phone")
    page = follow(client, "nell@example.org")
    assert client.post("/sites/corner-fridge/push", json=phone.subscription(["needs"]),
                       headers={"X-CSRFToken": csrf_token(page)}).status_code == 201
    pushes.status = 410
    take_it_all(session, fridge, milk)
    assert deliver_due(app.config, utcnow()).sent >= 1
    assert len(pushes.received) == 1 and session.scalars(select(PushSubscription)).all() == []


def test_a_webhook_that_keeps_failing_is_turned_off_and_said_on_the_coordinators_home(app, session, fridge, milk,
                                                                                   wired):
    _box, hooks, _pushes = wired
    hooks.status = 500
    app.config.update(WEBHOOK_MAX_FAILURES=2, OUTBOX_BACKOFF_SECONDS=0)
    hook = webhooks.add(session, hooks.url + "/chat", ["needs"], utcnow(), allow_loopback=True)
    session.commit()
    take_it_all(session, fridge, milk)
    for _ in range(3):
        deliver_due(app.config, utcnow())
    session.expire_all()
    assert len(hooks.received) == 2
    assert session.get(type(hook), hook.id).disabled_at is not None
