"""Twenty phones promise one milk each, at once, through real gunicorn workers, for a fridge
that needs ten. Every promise is accepted (a donor is never turned away; see
pantry/needs/promises.py), the promised count equals the promises accepted, and past ten the
needs list says, in words, that more than needed is promised."""
import threading

import pytest
from sqlalchemy import func, select

from pantry.clock import local_today
from pantry.database import utcnow
from pantry.needs import listing
from pantry.needs.models import Promise
from tests.live import gunicorn, new_key, phones
from tests.test_concurrency import run_together

pytestmark = pytest.mark.slow
PHONES = 20


def test_twenty_phones_promise_one_each_for_ten_needed(app, database_url, session, fridge, client):
    slug, milk, statuses, lock = fridge.site.slug, fridge.milk.id, [], threading.Lock()
    day = local_today().isoformat()
    with gunicorn(database_url, workers=2, threads=8) as port, \
            phones(port, PHONES, f"/sites/{slug}/promise") as browsers:

        def promise_one(index):
            status = browsers[index].post(f"/sites/{slug}/promises", key=new_key(), item=milk, quantity=1, day=day)
            with lock:
                statuses.append(status)

        run_together(promise_one, PHONES)

    session.rollback()
    accepted = statuses.count(303)
    assert accepted == PHONES, statuses
    assert session.scalar(select(func.count(Promise.id))) == accepted
    [need] = [one for one in listing.site_needs(session, fridge.site.id, utcnow(), 7) if one.item.id == milk]
    assert (need.promised, need.shortfall, need.more_than_needed) == (accepted, 10, True)
    page = client.get(f"/sites/{slug}/needs").text
    assert f"{accepted} of 10 promised for today" in page
    assert "More than needed is promised" in page
