"""Every public page a phone opens at a fridge is one round trip: at most 14 KB gzipped with the
stylesheet, the scripts, the icon and the manifest it loads (as bench/weight.py counts them), the
home page too, on a network bigger than its page, with every site reported and needing things."""
import gzip
from datetime import time, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from pantry.care.rules import record_care
from pantry.clock import deployment_zone
from pantry.database import utcnow
from pantry.needs.asks import ask
from pantry.reports.models import KINDS, Report
from pantry.shifts import planning
from pantry.sites.models import Site
from pantry.stock import items, ledger
from pantry.tags.rules import issue_tag
from tests.conftest import key

BUDGET = 14 * 1024
NEIGHBOURHOODS = ["Bushwick", "Flatbush", "Harlem"]
LOADED_LINKS = {"stylesheet", "icon", "manifest", "preload", "modulepreload"}


class Loads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and LOADED_LINKS & set((attrs.get("rel") or "").split()):
            self.found.append(attrs["href"])
        if tag in ("script", "img") and attrs.get("src"):
            self.found.append(attrs["src"])


def weight(client, path, language="en"):
    """gzip -6 bytes of the page and of each thing it loads, once each, in `language`."""
    page = client.get(path, headers={"Accept-Language": language})
    assert page.status_code == 200, (path, page.status_code)
    loads = Loads()
    loads.feed(page.text)
    total = len(gzip.compress(page.data, 6))
    for link in dict.fromkeys(loads.found):
        with client.get(link) as response:  # a static file's answer holds the file open until closed
            assert response.status_code == 200, link
            total += len(gzip.compress(response.data, 6))
    return total


def test_every_public_page_is_one_round_trip(app, client, session, make_site, make_item):
    now = utcnow()
    stock = [make_item(f"Something to eat number {number}") for number in range(6)]
    sites = []
    for number in range(45):
        site = make_site(f"The Community Fridge of Neighbourhood Street {number:02}",
                         address=f"{number} Long Avenue Name, Corner of Another Street",
                         neighbourhood=["Bushwick", "Flatbush", "Harlem"][number % 3],
                         latitude=40.6 + number / 100, longitude=-73.9)
        for item in stock[:3]:
            ledger.restock(session, site.id, item.id, 2, key(), now)
        items.set_targets(session, site.id, {item.id: 9 for item in stock}, now)
        record_care(session, site, [], 9.0, "", key(), now - timedelta(hours=80),
                    checklist=list(app.config["CARE_CHECKLIST"]), limits=app.config["TEMPERATURE_LIMITS"])
        for kind in KINDS:
            session.add(Report(site_id=site.id, kind=kind, people=3, first_reported_at=now, last_reported_at=now))
        ask(session, site.id, key(), now, item_id=stock[5].id)
        sites.append(site)
    code = issue_tag(session, sites[0], "site", now).code
    session.commit()
    slug = sites[0].slug
    paths = ["/", "/?page=2", "/?near=Harlem", "/?q=community+fridge", "/?lat=40.7&lon=-73.9",
             f"/sites/{slug}", f"/sites/{slug}/needs", "/find?q=something", f"/t/{code}"]
    weights = {path: weight(client, path) for path in paths}
    assert all(total <= BUDGET for total in weights.values()), weights


@pytest.fixture
def big_network(app, session, make_item):
    """A network bigger than any one page: 1,000 sites with long names, three shifts a day at one site in
    ten for the next two weeks (4,200 open shifts), needs at the first site, and its labels."""
    now, zone = utcnow(), deployment_zone()
    today = now.astimezone(zone).date()
    session.add_all(Site(name=f"The Community Fridge of Neighbourhood Street {number:03}",
                         slug=f"fridge-{number:03}", address=f"{number} Long Avenue Name, Corner of Another Street",
                         neighbourhood=NEIGHBOURHOODS[number % 3], latitude=40.6 + number / 5000, longitude=-73.9)
                    for number in range(1000))
    session.flush()
    sites = session.scalars(select(Site).order_by(Site.slug)).all()
    milk = make_item("Milk 1 L")
    for site in sites[::10]:
        for ahead in range(1, 15):
            for hour in (9, 13, 17):
                planning.add_shift(session, site, "cleaning", today + timedelta(days=ahead), time(hour), time(hour, 30),
                                   2, now, zone)
    ledger.restock(session, sites[0].id, milk.id, 2, key(), now)
    items.set_targets(session, sites[0].id, {milk.id: 9}, now)
    codes = {purpose: issue_tag(session, sites[0], purpose, now).code for purpose in ("site", "care")}
    session.commit()
    return sites[0].slug, codes


def test_the_pages_a_network_grows_stay_one_round_trip(client, big_network):
    """The open shifts, a site's card to share and the cleaning checklist, with what they load, in a
    network of 1,000 sites and 4,200 open shifts, in each language: each page shows a page of what
    it lists (or a few of it), not all of it."""
    slug, codes = big_network
    paths = ["/shifts", "/shifts?near=Harlem", f"/sites/{slug}/share", f"/care/{codes['care']}"]
    weights = {(path, language): weight(client, path, language) for path in paths for language in ("en", "es")}
    assert all(total <= BUDGET for total in weights.values()), weights
