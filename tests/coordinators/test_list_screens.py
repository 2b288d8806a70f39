"""The coordinators' long lists on their screens: links to the next and earlier pages that work
without JavaScript, a clear message and the first page for a bad page link (never a 500), and
screens whose statements do not grow with the number of sites."""
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import insert

from pantry.care.models import CareRecord, Reading
from pantry.clock import deployment_zone, local_today
from pantry.coordinators import dashboard, network, reports, rosters
from pantry.database import utcnow
from pantry.reports.models import Report
from pantry.shifts import planning
from pantry.stock import ledger
from tests.books import statements
from tests.conftest import key

BAD = "That page link is not right, so this is the first page."


def links(page):
    """{the link's words: its address} for the page links of a screen."""
    return {words: href.replace("&amp;", "&") for href, words in
            re.findall(r'<a class="button quiet" rel="(?:next|prev)" href="([^"]*)">([^<]+)</a>', page)}


def names(page, pattern):
    return re.findall(pattern, page)


@pytest.fixture
def alphabet(session, make_site):
    """Five sites, A to E."""
    made = [make_site(f"{letter} Fridge") for letter in "ECABD"]
    session.commit()
    return made


SITE_SCREENS = [
    ("/admin/sites", network, "SITES_PAGE", r"<strong>(\w) Fridge</strong>"),
    ("/admin/", network, "SITES_PAGE", r'<h2 id="site-\w-fridge-name">(\w) Fridge</h2>'),
    ("/admin/dashboard", dashboard, "SITES_SHOWN", r"<figcaption>(\w) Fridge</figcaption>"),
]


@pytest.mark.parametrize("path, module, size, pattern", SITE_SCREENS)
def test_a_screen_of_sites_pages_through_them_by_name(admin, alphabet, monkeypatch, path, module, size, pattern):
    monkeypatch.setattr(module, size, 2)
    first = admin.get(path)
    assert first.status_code == 200 and names(first.text, pattern) == ["A", "B"]
    assert set(links(first.text)) == {"Later in the alphabet"} and "First page" not in first.text
    second = admin.get(links(first.text)["Later in the alphabet"])
    assert names(second.text, pattern) == ["C", "D"] and "First page" in second.text
    third = admin.get(links(second.text)["Later in the alphabet"])
    assert names(third.text, pattern) == ["E"] and set(links(third.text)) == {"Earlier in the alphabet"}
    back = admin.get(links(third.text)["Earlier in the alphabet"])
    assert names(back.text, pattern) == ["C", "D"]
    past = admin.get(path, query_string={"older": alphabet[0].id})  # E: nothing after it
    assert past.status_code == 200 and "No more sites." in past.text and "First page" in past.text


@pytest.mark.parametrize("path", ["/admin/sites", "/admin/", "/admin/dashboard", "/admin/items", "/admin/reports",
                                  "/admin/rota", "/admin/journal", "/admin/sites/a-fridge/ledger"])
@pytest.mark.parametrize("args", ["older=0", "older=abc", "newer=-1", "older=" + "9" * 25, "older=1&newer=2"])
def test_a_bad_page_link_shows_the_first_page_and_says_why(admin, alphabet, path, args):
    answer = admin.get(f"{path}?{args}")
    assert answer.status_code == 400
    assert BAD in answer.text
    assert 'role="alert"' in answer.text.split(BAD)[0].rsplit("<p", 1)[1]


def test_the_dashboard_shows_the_figures_of_its_page_of_sites(admin, session, alphabet, make_item, monkeypatch):
    """The van run and the readings are of the sites on the page, like the charts."""
    monkeypatch.setattr(dashboard, "SITES_SHOWN", 2)
    beans, (e, _c, a, b, d) = make_item("Canned beans"), alphabet
    for site, held, target in [(a, 10, 2), (b, 0, 4), (d, 9, 1), (e, 0, 5)]:
        if held:
            ledger.restock(session, site.id, beans.id, held, key(), utcnow() - timedelta(days=1))
        ledger.lock_stock(session, site.id, beans.id).target = target
    session.commit()
    first = admin.get("/admin/dashboard").text.split('id="rebalancing"', 1)[1]
    assert "from A Fridge" in first and "to B Fridge" in first and "D Fridge" not in first
    assert "Sites A Fridge to B Fridge, by name" in admin.get("/admin/dashboard").text


def test_the_items_screen_pages(admin, make_item, session, monkeypatch):
    monkeypatch.setattr(network, "ITEMS_PAGE", 2)
    for name in ("Rice", "Pasta", "Oats"):
        make_item(name, "dry")
    session.commit()
    first = admin.get("/admin/items").text
    assert names(first, r"<strong>(\w+)</strong>") == ["Oats", "Pasta"]
    later = admin.get(links(first)["Later items"]).text
    assert names(later, r"<strong>(\w+)</strong>") == ["Rice"] and "Earlier items" in links(later)


def test_the_open_reports_screen_pages(admin, session, alphabet, monkeypatch):
    monkeypatch.setattr(reports, "REPORTS_SHOWN", 1)
    now = utcnow()
    for site, hours in [(alphabet[0], 1), (alphabet[1], 2)]:
        session.execute(insert(Report).values(site_id=site.id, kind="dirty", people=1, first_reported_at=now,
                                              last_reported_at=now - timedelta(hours=hours)))
    session.commit()
    first = admin.get("/admin/reports").text
    assert "E Fridge" in first and "C Fridge" not in first
    older = admin.get(links(first)["Older reports"]).text
    assert "C Fridge" in older and "Newer reports" in links(older)


def test_the_weeks_rota_pages_its_shifts_and_keeps_its_choices(admin, session, alphabet, monkeypatch):
    monkeypatch.setattr(rosters, "SHIFTS_SHOWN", 2)
    zone, today = deployment_zone(), local_today()
    for hour in (9, 10, 11):
        planning.add_shift(session, alphabet[2], "cleaning", today + timedelta(days=1), time(hour), time(hour, 30), 2,
                           utcnow(), zone)
    session.commit()
    first = admin.get("/admin/rota", query_string={"site": "a-fridge"}).text
    assert first.count('id="shift-') == 2
    later = links(first)["Later shifts this week"]
    assert "site=a-fridge" in later and f"start={today.isoformat()}" in later
    assert admin.get(later).text.count('id="shift-') == 1


@pytest.mark.parametrize("path", ["/admin/sites", "/admin/", "/admin/dashboard"])
def test_a_screen_of_sites_sends_as_many_statements_for_3_sites_as_for_30(admin, session, make_site, make_item, path):
    beans, milk = make_item("Canned beans"), make_item("Milk 1 L", "dairy")
    zone, now = deployment_zone(), utcnow()

    def add_sites(count, start):
        for number in range(start, start + count):
            site = make_site(f"Site {number:03d}")
            for item, held, target in [(beans, 8, 3), (milk, 0, 4)]:
                if held:
                    ledger.restock(session, site.id, item.id, held, key(), now - timedelta(days=2))
                    ledger.take(session, site.id, item.id, 1, key(), now - timedelta(days=1))
                ledger.lock_stock(session, site.id, item.id).target = target
            session.add(CareRecord(site_id=site.id, idempotency_key=key(), created_at=now - timedelta(days=1)))
            session.add(Reading(site_id=site.id, celsius=9.0, in_range=False, taken_at=now - timedelta(days=1)))
            planning.add_shift(session, site, "cleaning", local_today() + timedelta(days=2), time(9), time(9, 30), 2,
                               now, zone)
        session.commit()

    def counted():
        admin.get(path)  # once first, so what a first request does once (the session's last seen) is done
        with statements(leaving_out=("BEGIN", "COMMIT", "ROLLBACK")) as sent:
            assert admin.get(path).status_code == 200
        return len(sent)

    add_sites(3, 0)
    few = counted()
    add_sites(27, 3)
    many = counted()
    assert many == few, f"{few} statements with 3 sites, {many} with 30"
