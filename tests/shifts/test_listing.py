"""Finding shifts for the public pages: a site's feed keeps recent cancellations, and the
names shown are first names only, never something that looks like an address or a number."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from pantry.seek import Seek
from pantry.shifts import listing, planning, signups
from tests.conftest import key

pytestmark = pytest.mark.clock  # make test-clock runs these at every moment

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def add(session, site, day, start=time(9), capacity=3):
    return planning.add_shift(
        session, site, "cleaning", day, start, time(start.hour, 30), capacity, NOW - timedelta(days=30), ZONE
    )


def test_the_feed_has_shifts_not_over_and_those_cancelled_lately(session, make_site):
    fridge, other = make_site("Corner Fridge"), make_site("Library Shelf")
    over = add(session, fridge, date(2026, 11, 19))
    coming = add(session, fridge, date(2026, 11, 23))
    cancelled_lately = add(session, fridge, date(2026, 11, 24))
    cancelled_long_ago = add(session, fridge, date(2026, 11, 25))
    elsewhere = add(session, other, date(2026, 11, 23))
    planning.cancel_shift(session, cancelled_lately, NOW - timedelta(days=2))
    planning.cancel_shift(session, cancelled_long_ago, NOW - timedelta(days=20))
    session.commit()
    found = listing.feed(session, fridge.id, NOW, NOW - timedelta(days=14))
    assert [shift.id for shift in found] == [coming.id, cancelled_lately.id]
    assert over.id not in found and elsewhere.id not in found


def test_only_chosen_first_names_are_shown(session, make_site):
    shift = add(session, make_site("Corner Fridge"), date(2026, 11, 23), capacity=6)
    for name, show in [("Ana Ruiz", True), ("Bo Chen", False), ("bo@example.org", True),
                       ("555 0100 Cy", True), ("Dee" * 20, True)]:
        signups.sign_up(session, shift.id, name, None, None, show, key(), key(), NOW)
    gone = key()
    signups.sign_up(session, shift.id, "Eve", None, None, True, key(), gone, NOW)
    signups.cancel_sign_up(session, gone, NOW, notice=timedelta(hours=2))
    session.commit()
    assert listing.shown_names(session, [shift.id]) == {shift.id: ["Ana", "Dee" * 9 + "De…"]}
    assert listing.shown_names(session, []) == {}


def test_a_sign_up_keeps_the_page_language(session, make_site):
    shift = add(session, make_site("Corner Fridge"), date(2026, 11, 23))
    place = signups.sign_up(session, shift.id, "Ana", None, None, True, key(), key(), NOW, language="es")
    default = signups.sign_up(session, shift.id, "Bo", None, None, True, key(), key(), NOW)
    session.commit()
    assert (place.language, default.language) == ("es", "en")
    assert signups.manage_url("https://pantry.example", "abc") == "https://pantry.example/sign-ups/abc"


def test_a_week_is_its_local_days_at_every_site_or_one(session, make_site):
    """Seven local days from the first, bounded at local midnight (a shift at 23:00 on the last
    day is in, one at midnight after it is not), cancelled shifts kept, one site's by its slug."""
    fridge, other = make_site("Corner Fridge"), make_site("Library Shelf")
    first = add(session, fridge, date(2026, 11, 23))
    late = add(session, fridge, date(2026, 11, 29), start=time(23))
    after = add(session, fridge, date(2026, 11, 30), start=time(0))
    elsewhere = add(session, other, date(2026, 11, 24))
    planning.cancel_shift(session, first, NOW)
    session.commit()
    week, _page = listing.week(session, date(2026, 11, 23), ZONE, Seek(), 50)
    assert list(week) == [date(2026, 11, 23) + timedelta(days=offset) for offset in range(7)]
    assert [shift.id for day in week.values() for shift in day] == [first.id, elsewhere.id, late.id]
    assert after.id not in {shift.id for day in week.values() for shift in day}
    only, _page = listing.week(session, date(2026, 11, 23), ZONE, Seek(), 50, fridge.slug)
    assert [shift.id for day in only.values() for shift in day] == [first.id, late.id]


def test_the_open_shifts_come_a_page_at_a_time_soonest_first(session, make_site):
    """Only shifts that take a sign-up (not full, cancelled, closing or too far), paged along
    (starts_at, id); shifts that start together come emptiest first within a page."""
    fridge, shelf = make_site("Corner Fridge"), make_site("Library Shelf")
    ahead = [add(session, (fridge, shelf)[number % 2], date(2026, 11, 21 + number // 2)) for number in range(6)]
    signups.sign_up(session, ahead[0].id, "Bo", None, None, True, key(), key(), NOW)
    full = add(session, fridge, date(2026, 11, 21), time(10), capacity=1)
    signups.sign_up(session, full.id, "Cy", None, None, True, key(), key(), NOW)
    planning.cancel_shift(session, add(session, fridge, date(2026, 11, 22), time(10)), NOW)
    closing = add(session, fridge, date(2026, 11, 20), time(11))  # 16:00 UTC, an hour from NOW
    add(session, fridge, date(2026, 12, 20))  # past the 14 days
    session.flush()

    def page(where, size=4):
        return listing.open_page(session, NOW, NOW + timedelta(days=14), timedelta(hours=2), where, size)

    first = page(Seek())
    assert first.rows == [ahead[1], ahead[0], ahead[2], ahead[3]] and first.newer is None
    second = page(Seek(older=first.older))
    assert second.rows == ahead[4:] and second.older is None and second.newer == ahead[4].id
    assert page(Seek(newer=second.newer)).rows == first.rows
    assert closing not in page(Seek(), 20).rows
    assert listing.open_page(session, NOW, NOW + timedelta(days=14), timedelta(0), Seek(), 20).rows[0] == closing
    shelf.neighbourhood = "Harlem"
    session.flush()
    in_harlem = listing.open_page(session, NOW, NOW + timedelta(days=14), timedelta(hours=2), Seek(), 20, "Harlem")
    assert in_harlem.rows == [ahead[1], ahead[3], ahead[5]]
