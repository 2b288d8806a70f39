"""Web push: with JavaScript, "Notify this phone" on the follow page subscribes with the Push API
and posts the subscription here (JSON, with the page's CSRF token in X-CSRFToken)."""
from flask import current_app, jsonify, request

from pantry import security
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.outbox import push
from pantry.outbox.models import PushSubscription
from pantry.public.following import site_or_404
from pantry.public.views import bp


@bp.post("/sites/<slug>/push")
@security.sign_ups
def push_subscribe(slug):
    site = site_or_404(slug)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("keys"), dict):
        raise push.BadSubscription()
    keys, allow = body["keys"], current_app.config["PUSH_ALLOW_LOOPBACK"]
    commit_write(db.session, lambda: push.subscribe(
        db.session, site, body.get("endpoint"), keys.get("p256dh"), keys.get("auth"), body.get("kinds"), utcnow(),
        allow_loopback=allow))
    return jsonify(subscribed=True), 201


@bp.post("/push/unsubscribe")
@security.private_links
def push_unsubscribe():
    """The phone forgets its subscription: so does Pantry (the endpoint is the phone's own secret)."""
    body = request.get_json(silent=True)
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if not isinstance(endpoint, str):
        raise push.BadSubscription()
    commit_write(db.session, lambda: db.session.query(PushSubscription)
                 .filter(PushSubscription.endpoint == endpoint).delete(synchronize_session=False))
    return jsonify(subscribed=False)
