"""Where the van may take food from the cleaning checklist: the nearest sites, never the whole
network (a select of every site made the checklist 17 KB at 1,000 sites, issue 18), and any
other site found by words of its name or address, with plain GET links that work without scripts."""
import re

import pytest

from pantry.care import views
from pantry.sites import nearest
from pantry.sites.models import Site
from pantry.stock import ledger
from pantry.tags.rules import issue_tag
from tests.conftest import NOW, csrf_token, key


@pytest.fixture
def street(session, make_item):
    """A fridge in Harlem, 30 sites along a street going away from it (every third in Harlem too),
    a far one without a place, and its cleaning label; beans in the fridge."""
    here = Site(name="Corner Fridge", slug="corner-fridge", neighbourhood="Harlem", latitude=40.80, longitude=-73.95)
    session.add(here)
    session.add_all(Site(name=f"Street Fridge {number:02}", slug=f"street-fridge-{number:02}",
                         address=f"{number} Long Avenue", neighbourhood="Harlem" if number % 3 == 0 else "Inwood",
                         latitude=40.80 + number / 1000, longitude=-73.95) for number in range(1, 31))
    session.add(Site(name="Zebra Pantry", slug="zebra-pantry", address="1 Far Road"))
    beans = make_item("Canned beans")
    session.flush()
    ledger.restock(session, here.id, beans.id, 5, key(), NOW)
    tag = issue_tag(session, here, "care", NOW)
    session.commit()
    return here, beans, tag


def offered(html):
    select = html.split('name="to_site"', 1)[1].split("</select>", 1)[0]
    return re.findall(r">([^<]+)</option>", select)


def test_the_nearest_come_first_the_neighbourhood_before_them(session, street):
    here, _beans, _tag = street
    found = [site.name for site in nearest.near(session, here, 6)]
    assert found == ["Street Fridge 03", "Street Fridge 06", "Street Fridge 09", "Street Fridge 12",
                     "Street Fridge 15", "Street Fridge 18"]
    assert [site.name for site in nearest.near(session, here, 4, "zebra far")] == ["Zebra Pantry"]
    assert nearest.near(session, here, 4, "corner") == []  # never the site itself
    far = session.query(Site).filter_by(slug="street-fridge-29").one()
    assert [site.name for site in nearest.near(session, here, 1, keep=far.id)] == ["Street Fridge 03", "Street Fridge 29"]
    assert len(nearest.near(session, here, 1, keep=2**40)) == 1 and len(nearest.near(session, here, 1, keep=here.id)) == 1


@pytest.mark.parametrize("typed, words", [
    ("  Zebra   far  ", "Zebra far"), ("a\x00b\x1bc", "abc"), ("x " * 50, " ".join(["x"] * nearest.WORDS_MOST)),
    (None, ""), ("y" * 500, "y" * nearest.LONGEST),
])
def test_the_words_typed_are_cut_to_what_counts(typed, words):
    assert nearest.words(typed) == words


def test_the_checklist_offers_a_few_sites_and_finds_any_other_by_name(client, street):
    here, beans, tag = street
    page = client.get(f"/care/{tag.code}").text
    assert len(offered(page)) == views.SITES_OFFERED and offered(page)[0] == "Street Fridge 03"
    assert "Zebra Pantry" not in page and "The nearest sites." in page
    assert f'action="/care/{tag.code}#send-title"' in page and 'name="to"' in page
    found = client.get(f"/care/{tag.code}", query_string={"to": "zebra"}).text
    assert offered(found) == ["Zebra Pantry"] and "The sites with “zebra” in their name or address." in found
    none = client.get(f"/care/{tag.code}", query_string={"to": "Atlantis\x00"})
    assert none.status_code == 200 and "No other site's name or address has all of “Atlantis”" in none.text
    assert len(offered(none.text)) == views.SITES_OFFERED
    spanish = client.get(f"/care/{tag.code}", headers={"Accept-Language": "es"}).text
    assert "Los sitios más cercanos." in spanish and "Buscar el sitio" in spanish


def test_a_far_site_found_by_name_takes_the_food_and_a_refused_form_keeps_it(client, session, street):
    here, beans, tag = street
    zebra = session.query(Site).filter_by(slug="zebra-pantry").one()
    page = client.get(f"/care/{tag.code}", query_string={"to": "zebra"}).text
    refused = client.post(f"/care/{tag.code}/send", data={"csrf_token": csrf_token(page), "key": key(),
                                                           "item": beans.id, "to_site": zebra.id, "quantity": 9})
    assert refused.status_code == 409 and "Zebra Pantry" in offered(refused.text)
    assert f'value="{zebra.id}" selected' in refused.text
    sent = client.post(f"/care/{tag.code}/send", data={"csrf_token": csrf_token(page), "key": key(),
                                                        "item": beans.id, "to_site": zebra.id, "quantity": 2})
    assert sent.status_code == 303
