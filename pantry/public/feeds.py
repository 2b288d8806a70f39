"""Atom feeds of the news: one per site, one for the network. Entry ids are stable (they name the
news row), and each feed has an ETag, so a reader that asks again is answered 304 while
nothing happened. The feeds are in the deployment's language, like the mails to the network."""
import hashlib
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, render_template, request
from flask_babel import force_locale
from sqlalchemy import func, select

from pantry.extensions import db
from pantry.network import default_language
from pantry.outbox.models import News
from pantry.outbox.news import headline, link
from pantry.public.views import bp
from pantry.sites.lookup import by_slug

ENTRIES = 50
FEED_KINDS = ("needs", "reports", "warm", "overdue", "shifts")


@bp.get("/feed.atom")
def network_feed():
    return _feed(None)


@bp.get("/sites/<slug>/feed.atom")
def site_feed(slug):
    site = by_slug(db.session, slug)
    if site is None:
        abort(404)
    return _feed(site)


def atom_time(moment):
    """RFC 3339 in UTC, as Atom wants it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _updated(site, found):
    if found:
        return found[0].happened_at
    return site.created_at if site else datetime(2026, 1, 1, tzinfo=UTC)


def _feed(site):
    where = [News.kind.in_(FEED_KINDS)] + ([News.site_id == site.id] if site else [])
    latest, count = db.session.execute(select(func.max(News.id), func.count(News.id)).where(*where)).one()
    config = current_app.config
    tag = hashlib.sha256(f"{site.id if site else 0}:{latest}:{count}:{config['BASE_URL']}".encode()).hexdigest()[:24]
    if request.if_none_match.contains(tag):
        response = make_response("", 304)
    else:
        found = db.session.scalars(select(News).where(*where).order_by(News.id.desc()).limit(ENTRIES)).all()
        base = config["BASE_URL"]
        with force_locale(default_language()):
            entries = [(news, headline(news), link(news, base)) for news in found]
            page = render_template("public/feed.xml", site=site, entries=entries, base=base,
                                   authority=urlsplit(base).hostname or "pantry", updated=_updated(site, found))
        response = make_response(page)
        response.mimetype = "application/atom+xml"
    response.set_etag(tag)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
