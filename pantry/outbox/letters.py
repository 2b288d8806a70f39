"""The followers' letters: the confirmation, news as it happens, and the daily digest. Each is a
text template in pantry/templates/mail/, written in the follower's language."""
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from pantry.outbox import followers, queue
from pantry.outbox.models import Follower, News
from pantry.outbox.news import KINDS, headline, link
from pantry.outbox.registry import Addressee, Letter, addressee, letter


@addressee("follower")
def _follower(session, follower_id):
    follower = session.get(Follower, follower_id)
    return None if follower is None else Addressee(follower.email, follower.language)


def _links(follower, config):
    base, secret = config["BASE_URL"], current_app.secret_key
    manage = followers.token(secret, follower, followers.MANAGE)
    return {"manage": f"{base}/follow/{manage}", "unsubscribe": f"{base}/follow/{manage}/unsubscribe",
            "confirm": f"{base}/follow/confirm/{followers.token(secret, follower, followers.CONFIRM)}"}


@letter("follow-confirm")
def confirmation(session, message, to, config):
    follower = _find(session, message)
    links = _links(follower, config)
    body = render_template("mail/follow_confirm.txt", follower=follower, site=follower.site, links=links,
                           kinds=[KINDS[kind] for kind in follower.kinds])
    if follower.confirmed_at is not None:
        return Letter(_("You follow %(site)s", site=follower.site.name), body, unsubscribe=links["unsubscribe"])
    return Letter(_("Please confirm: follow %(site)s", site=follower.site.name), body)


@letter("news")
def news_letter(session, message, to, config):
    news = session.get(News, message.payload["news"])
    follower = _find(session, message) if message.recipient.startswith("follower:") else None
    links = _links(follower, config) if follower else None
    body = render_template("mail/news.txt", news=news, line=headline(news), url=link(news, config["BASE_URL"]),
                           links=links, follower=follower)
    return Letter(headline(news), body, unsubscribe=links["unsubscribe"] if links else None)


@letter("digest")
def digest(session, message, to, config):
    follower = _find(session, message)
    found = session.scalars(select(News).where(News.id.in_(message.payload["news"])).order_by(News.happened_at)).all()
    if not found:
        return None
    links = _links(follower, config)
    lines = [(headline(news), link(news, config["BASE_URL"])) for news in found]
    body = render_template("mail/digest.txt", site=follower.site, lines=lines, links=links)
    return Letter(_("Today at %(site)s", site=follower.site.name), body, unsubscribe=links["unsubscribe"])


def _find(session, message):
    follower = session.get(Follower, int(message.recipient.partition(":")[2]))
    if follower is None:
        raise LookupError("the follower is gone")
    return follower


def digests_due(session, now, zone):
    """Queue today's digest for each confirmed follower whose hour it is: the news of their kinds
    since their last digest. A follower with no news that day gets no mail."""
    hour = now.astimezone(zone).hour
    query = select(Follower).where(Follower.confirmed_at.is_not(None), Follower.digest_hour == hour)
    queued = 0
    for follower in session.scalars(query):
        if follower.digested_at and follower.digested_at > now - timedelta(hours=20):
            continue
        since = follower.digested_at or follower.confirmed_at
        found = session.scalars(select(News.id).where(News.site_id == follower.site_id, News.happened_at > since,
                                                      News.kind.in_(follower.kinds))).all()
        follower.digested_at = now
        if found:
            day = now.astimezone(zone).date().isoformat()
            queued += queue.post(session, f"follower:{follower.id}", f"digest:{day}", "digest", now,
                                 payload={"news": found})
    session.flush()
    return queued
