"""A list of sites reads each site's summary and needs without its stock rows as objects: the
summaries come from one aggregate row a site, the needs from plain numbers, and both say what
the site's own shelves say."""
from dataclasses import astuple
from datetime import timedelta

import pytest

from pantry.database import writer
from pantry.needs import listing
from pantry.needs.asks import ask
from pantry.stock import items, ledger, shelves
from tests.conftest import NOW, key


@pytest.fixture
def sites(session, make_site, make_item):
    """Four sites: one with nothing, one without targets, two with targets under, at, over and
    zero, one count that looks off, restocks at different times; and asks at one of them."""
    made = [make_site(name) for name in ("Empty Shelf", "No Targets", "Corner Fridge", "Library Shelf")]
    things = [make_item(name) for name in ("Beans", "Rice", "Milk", "Soap", "Tea")]
    rows = {
        made[1].id: [(3, None, False, 2), (0, None, True, None)],  # (quantity, target, looks off, restocked days ago)
        made[2].id: [(1, 6, False, 5), (6, 6, False, 1), (9, 4, True, 3), (2, 0, False, 6), (0, 3, False, None)],
        made[3].id: [(0, 2, False, None), (7, 10, False, 8), (3, 3, True, 4)],
    }
    with writer():
        for site_id, stocks in rows.items():
            for item, (quantity, target, looks_off, days_ago) in zip(things, stocks, strict=False):
                stock(session, site_id, item.id, quantity, looks_off, days_ago)
                if target is not None:
                    items.set_targets(session, site_id, {item.id: target}, NOW)
    for item in (things[1], things[1], things[3], things[4]):
        ask(session, made[2].id, key(), NOW, item_id=item.id)
    session.commit()
    return [site.id for site in made]


def stock(session, site_id, item_id, quantity, looks_off, days_ago):
    """Book `quantity` of the item at the site through the ledger: a take of more than there is
    first when the count is to look off, the last restock `days_ago` (None: never restocked)."""
    if looks_off:
        ledger.take(session, site_id, item_id, 1, key(), NOW - timedelta(days=30))
    if days_ago is not None:
        ledger.restock(session, site_id, item_id, max(quantity, 1), key(), NOW - timedelta(days=days_ago))
        if quantity == 0:
            ledger.take(session, site_id, item_id, 1, key(), NOW - timedelta(days=days_ago, hours=-1))
    elif quantity:
        raise ValueError("a quantity on the shelf was restocked some day")


def test_each_summary_is_what_the_site_shelves_say(session, sites):
    summed = shelves.summaries(session, sites)
    assert {site_id: astuple(summary) for site_id, summary in summed.items()} == {
        site_id: astuple(shelf.summary()) for site_id, shelf in shelves.shelves(session, sites).items()}
    assert summed[sites[0]] == shelves.Summary(None, None, 0)
    assert summed[sites[2]].fullness == round(100 * (1 + 6 + 4 + 0 + 0) / (6 + 6 + 4 + 0 + 3))


def test_the_needs_from_plain_numbers_are_those_from_the_shelves(session, sites):
    plain = listing.needs(session, sites, NOW, 7, limit=3)
    shelved = listing.needs(session, sites, NOW, 7, limit=3, found_shelves=shelves.shelves(session, sites))

    def told(found):
        return {site_id: [(need.item.name, need.quantity, need.target, need.asks) for need in needs]
                for site_id, needs in found.items()}

    assert told(plain) == told(shelved)
    assert [need.item.name for need in plain[sites[2]]] == ["Rice", "Tea", "Soap"]  # asked first, most asked first
