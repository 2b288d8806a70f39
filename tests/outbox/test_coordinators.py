"""What coordinators see and keep of the outbox: the dashboard with its retry, counts of
followers and never their addresses, webhooks refused at private addresses, their own language."""
import pytest
from sqlalchemy import func, select

from pantry.outbox import addresses, push, queue, webhooks
from pantry.outbox.models import Message, PushSubscription, Webhook
from pantry.outbox.worker import deliver_due
from tests.conftest import NOW, csrf_token
from tests.coordinators.conftest import post_form


@pytest.mark.parametrize("url", [
    "ftp://example.org/hook", "javascript:alert(1)", "https://", "http://127.0.0.1/hook", "http://localhost:8000/",
    "http://10.0.0.5/hook", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]/",
    "https://user:pw@example.org/", "http://0.0.0.0/", "not a url", "https://example.org:99999/",
])
def test_webhook_urls_that_are_not_public_http_are_refused(url):
    with pytest.raises(addresses.BadWebhookUrl):
        addresses.check_url(url)


def test_loopback_is_allowed_only_by_the_setting_and_private_never():
    assert addresses.check_url("http://127.0.0.1:9/hook", allow_loopback=True)
    with pytest.raises(addresses.BadWebhookUrl):
        addresses.check_url("http://10.1.2.3/hook", allow_loopback=True)


def test_the_webhooks_screen_refuses_in_words_and_writes_nothing(admin, session):
    refused = post_form(admin, "/admin/webhooks", url="http://192.168.0.10/chat", kinds=["needs"])
    assert refused.status_code == 422 and "on the public internet" in refused.text
    no_kinds = post_form(admin, "/admin/webhooks", url="http://127.0.0.1:9/chat")
    assert no_kinds.status_code == 422
    assert session.scalar(select(func.count()).select_from(Webhook)) == 0


def test_a_disabled_webhook_is_said_on_the_home_and_turned_on_again(admin, session):
    hook = webhooks.add(session, "http://127.0.0.1:9/chat", ["needs"], NOW, allow_loopback=True)
    hook.disabled_at, hook.failures = NOW, 10
    session.commit()
    assert "A webhook was turned off after failing 10 times in a row" in admin.get("/admin/").text
    token = csrf_token(admin.get("/admin/webhooks").text)
    assert admin.post(f"/admin/webhooks/{hook.id}/enable", data={"csrf_token": token}).status_code == 303
    session.expire_all()
    assert session.get(Webhook, hook.id).disabled_at is None
    assert "turned off" not in admin.get("/admin/").text


def test_the_outbox_dashboard_counts_and_retries_a_dead_message(app, admin, session, coordinator):
    queue.post(session, "coordinator:999", "too-warm:1", "too-warm", NOW)  # nobody is reached as 999: dropped
    queue.post(session, f"coordinator:{coordinator.id}", "gone:1", "no-such-letter", NOW)  # cannot be written
    session.commit()
    deliver_due(app.config, NOW)
    assert "1 message could not be delivered." in admin.get("/admin/").text
    page = admin.get("/admin/outbox").text
    assert "no-such-letter" in page and "Dead" in page
    [dead] = session.scalars(select(Message).where(Message.state == "dead")).all()
    assert dead.letter == "no-such-letter" and "could not write" in dead.last_error
    token = csrf_token(page)
    assert admin.post(f"/admin/outbox/{dead.id}/retry", data={"csrf_token": token}).status_code == 303
    session.expire_all()
    assert session.get(Message, dead.id).state == "waiting"
    assert queue.counts(session) == {"waiting": 1, "failed": 0, "dead": 0, "sent": 1}


def test_coordinators_see_how_many_follow_never_who(admin, session, make_site):
    from pantry.outbox import followers
    site = make_site("Corner Fridge")
    followers.follow(session, site, "nell.secret@example.org", ["needs"], None, "en", NOW)
    session.commit()
    page = admin.get("/admin/outbox").text
    assert "Corner Fridge: 0 followers (1 waiting to confirm)" in page
    assert "nell.secret" not in page


def test_mails_to_a_coordinator_are_in_their_language(app, session, coordinator, fridge, mailbox):
    from pantry.care.rules import record_care
    from pantry.signals import too_warm

    coordinator.language = "es"  # chosen on their page (coordinators/peers.py)
    record = record_care(session, fridge, [], 9.0, "", "k" * 20, NOW, checklist=app.config["CARE_CHECKLIST"],
                         limits=app.config["TEMPERATURE_LIMITS"])
    too_warm.send(fridge, reading=record.reading)
    session.commit()
    deliver_due(app.config, NOW)
    [letter] = mailbox.to(coordinator.email)
    assert letter["Subject"] == "Temperatura alta: Corner Fridge"


@pytest.mark.parametrize("endpoint, keys, kinds", [
    ("http://push.example/abc", None, ["needs"]),  # not https
    ("https://push.example/abc", {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}, ["needs"]),  # not a point
    ("https://push.example/abc", "good", []),  # nothing chosen
    ("https://push.example/abc", "good", ["gossip"]),
    ("https://push.example/abc", {"p256dh": "good", "auth": "short"}, ["needs"]),
])
def test_a_push_subscription_that_is_not_https_or_whose_keys_are_bad_is_refused(session, make_site, endpoint, keys,
                                                                               kinds):
    from tests.outbox.receivers import Phone

    class Service:
        url = "https://push.example"

    phone = Phone(Service, "abc")
    keys = phone.keys if keys in (None, "good") else {**phone.keys, **{k: (phone.keys[k] if v == "good" else v)
                                                                      for k, v in keys.items()}}
    with pytest.raises(push.BadSubscription):
        push.subscribe(session, make_site("Corner Fridge"), endpoint, keys["p256dh"], keys["auth"], kinds, NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_the_push_endpoint_answers_bad_json_with_422_and_writes_nothing(client, session, make_site):
    make_site("Corner Fridge")
    token = csrf_token(client.get("/sites/corner-fridge/follow").text)
    for sent in ([1, 2], {"endpoint": "https://x.example/1"}, {"endpoint": 5, "keys": {}}, "nonsense"):
        answer = client.post("/sites/corner-fridge/push", json=sent, headers={"X-CSRFToken": token})
        assert answer.status_code == 422, sent
    assert session.scalar(select(func.count()).select_from(PushSubscription)) == 0
