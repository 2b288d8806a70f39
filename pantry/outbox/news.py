"""`announce`: something happened at a site, and everyone who follows that kind of news there is
told: followers by mail (at most once per kind per window, or in their daily digest), phones by
push, group chats by webhook, and, when asked, the coordinators. All of it is written in the
caller's transaction (the event's own), as rows of the outbox; the worker delivers them."""
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import force_locale, format_datetime, gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pantry.network import default_language
from pantry.outbox import queue
from pantry.outbox.models import Follower, News, PushSubscription, Webhook
from pantry.outbox.registry import AUDIENCES, HEADLINES

# The kinds of news, in the order the follow form offers them.
KINDS = {
    "needs": _l("An item on the needs list ran out"),
    "warm": _l("Too warm, or not cold"),
    "overdue": _l("Cleaning overdue"),
    "shifts": _l("A shift in the next 24 hours still needs people"),
    "reports": _l("A neighbour's report"),
    "promises": _l("Promises due today"),
}
DEFAULT_WINDOW = timedelta(hours=1)


def announce(session, site, kind, payload, now, *, key=None, coordinators=False):
    """Tell the followers, phones and webhooks of `site` that `kind` happened (see KINDS), in the
    caller's transaction. `payload` is JSON the letters, feeds and webhooks show (`title` or the
    words each kind expects); `key` names the event so that announcing it again does nothing;
    `coordinators=True` also tells every coordinator, whatever they follow. Returns the News row,
    or None when this event was announced already."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of news: {kind!r}")
    key = key or f"{kind}:{site.id}:{now:%Y%m%dT%H%M%S}"
    news = _record(session, site, kind, payload, now, key)
    if news is None:
        return None
    window = _window()
    event = f"news:{news.id}"
    for follower in _followers(session, site, kind):
        recipient = f"follower:{follower.id}"
        if not queue.told_lately(session, recipient, kind, now - window):
            queue.post(session, recipient, event, "news", now, topic=kind, payload={"news": news.id})
    for subscription in _subscriptions(session, site, kind):
        recipient = f"push:{subscription.id}"
        if not queue.told_lately(session, recipient, kind, now - window):
            queue.post(session, recipient, event, "news", now, channel="push", topic=kind, payload=push_note(news))
    for hook in _webhooks(session, kind):
        queue.post(session, f"webhook:{hook.id}", event, "news", now, channel="webhook", topic=kind,
                   payload=document(news))
    if coordinators and "coordinators" in AUDIENCES:
        for recipient in AUDIENCES["coordinators"](session):
            queue.post(session, recipient, event, "news", now, topic=kind, payload={"news": news.id})
    return news


def _record(session, site, kind, payload, now, key):
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    made = session.execute(
        insert(News).values(site_id=site.id, kind=kind, key=key[:120], payload=payload, happened_at=now)
        .on_conflict_do_nothing(index_elements=["key"]).returning(News.id)
    ).first()
    return session.get(News, made[0]) if made else None


def _window():
    minutes = current_app.config["FOLLOW_WINDOW_MINUTES"] if has_app_context() else 60
    return timedelta(minutes=minutes)


def _followers(session, site, kind):
    query = select(Follower).where(Follower.site_id == site.id, Follower.confirmed_at.is_not(None),
                                   Follower.digest_hour.is_(None))
    return [follower for follower in session.scalars(query) if kind in follower.kinds]


def _subscriptions(session, site, kind):
    query = select(PushSubscription).where(PushSubscription.site_id == site.id)
    return [subscription for subscription in session.scalars(query) if kind in subscription.kinds]


def _webhooks(session, kind):
    query = select(Webhook).where(Webhook.disabled_at.is_(None)).order_by(Webhook.id)
    return [hook for hook in session.scalars(query) if kind in hook.kinds]


def headline(news):
    """One line about the news, in the current language."""
    site, payload = news.site.name, news.payload
    if payload.get("title"):
        return _("%(site)s: %(title)s", site=site, title=payload["title"])
    if news.kind in HEADLINES:  # an area above says its own news in words (registry.headline)
        return HEADLINES[news.kind](site, payload)
    lines = {
        "needs": lambda: _("%(site)s has run out of %(item)s", site=site, item=payload.get("item", "")),
        "warm": lambda: _("%(site)s is too warm", site=site),
        "overdue": lambda: _("%(site)s is overdue for cleaning", site=site),
        "shifts": lambda: _("A shift at %(site)s still needs people: %(when)s", site=site, when=_when(payload)),
        "dropout": lambda: _("Someone dropped out of a shift at %(site)s: %(when)s", site=site, when=_when(payload)),
    }
    name = "dropout" if news.kind == "shifts" and payload.get("late") else news.kind
    return lines.get(name, lambda: _("News from %(site)s", site=site))()


def _when(payload):
    try:
        return format_datetime(datetime.fromisoformat(payload["starts_at"]), "EEE d MMM, HH:mm")
    except (KeyError, TypeError, ValueError):
        return ""


def link(news, base_url):
    """Where to act on the news: the payload's `path` (a shift's sign-up page), else the site's page."""
    path = news.payload.get("path")
    return base_url + (path if isinstance(path, str) and path.startswith("/") else f"/sites/{news.site.slug}")


def document(news):
    """The JSON a webhook receives (and the shape the API would give)."""
    base, language = _deployment()
    with force_locale(language):
        title = headline(news)
    return {"id": f"news-{news.id}", "kind": news.kind, "site": {"slug": news.site.slug, "name": news.site.name},
            "happened_at": news.happened_at.isoformat(), "title": title, "url": link(news, base),
            "details": news.payload}


def push_note(news):
    base, language = _deployment()
    with force_locale(language):
        title = headline(news)
    return {"title": title, "url": link(news, base), "kind": news.kind, "id": f"news-{news.id}"}


def _deployment():
    """Webhooks and phones hear the news in the deployment's language."""
    config = current_app.config
    return config["BASE_URL"], default_language()
