"""The Atom feeds, read by feedparser as a feed reader would: linked from the site's page,
stable entry ids, and an ETag that answers 304 while nothing happened."""
from datetime import timedelta

import feedparser

from pantry.outbox.news import announce
from tests.conftest import NOW


def test_a_sites_feed_is_linked_parsed_stable_and_cached(client, session, fridge, make_site):
    other = make_site("Library Pantry", kind="pantry")
    announce(session, fridge, "warm", {}, NOW, key="warm:1")
    announce(session, fridge, "needs", {"item": "Milk 1 L"}, NOW + timedelta(minutes=5), key="needs:1")
    announce(session, other, "overdue", {}, NOW, key="overdue:1")
    session.commit()
    page = client.get("/sites/corner-fridge").text
    assert '<link rel="alternate" type="application/atom+xml" href="/sites/corner-fridge/feed.atom"' in page

    answer = client.get("/sites/corner-fridge/feed.atom")
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml" and answer.headers["ETag"]
    feed = feedparser.parse(answer.data)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == ["Corner Fridge has run out of Milk 1 L",
                                                        "Corner Fridge is too warm"]
    ids = [entry.id for entry in feed.entries]
    assert all(entry_id.startswith("tag:pantry.example,2026:news-") for entry_id in ids)
    assert [entry.id for entry in feedparser.parse(client.get("/sites/corner-fridge/feed.atom").data).entries] == ids

    unchanged = client.get("/sites/corner-fridge/feed.atom", headers={"If-None-Match": answer.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.data
    announce(session, fridge, "warm", {}, NOW + timedelta(hours=2), key="warm:2")
    session.commit()
    changed = client.get("/sites/corner-fridge/feed.atom", headers={"If-None-Match": answer.headers["ETag"]})
    assert changed.status_code == 200 and len(feedparser.parse(changed.data).entries) == 3

    network = feedparser.parse(client.get("/feed.atom").data)
    assert not network.bozo and len(network.entries) == 4
    assert "Library Pantry is overdue for cleaning" in [entry.title for entry in network.entries]
    assert client.get("/sites/nowhere/feed.atom").status_code == 404
