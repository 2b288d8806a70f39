"""The rota from the coordinator side, sent hostile input: a weekly shift pattern made, edited and
ended, a one-off shift, cancelling a shift, and the query string of the week's rota.

The writes: never a 500, a refusal (4xx, the form again, an error message) changed no row, the
books balance, and every pattern and shift that exists reads back sane: it ends after it starts,
its places are 1 to 50, its days of the week are a real set of days, its dates within the years
the forms allow. The week's rota: never a 500, never a write."""
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import select

from pantry.clock import deployment_zone, local_today
from pantry.coordinators.forms import FIRST_YEAR, LAST_YEAR, PLACES_MAX
from pantry.database import utcnow
from pantry.shifts import planning
from pantry.shifts.models import SHIFT_KINDS, Shift, ShiftPattern
from pantry.sites.models import Site
from tests.properties.conftest import PROPERTIES, examples, page_token
from tests.properties.desk import fields_of, get, post, requests_of, times_as_typed
from tests.properties.hostile import (
    csrf_tokens,
    dates_as_typed,
    numbers_as_strings,
    urlencoded,
)

weekdays = st.sampled_from([str(day) for day in range(7)])
# Right times start in the morning and end after noon; ODD below mixes in any time, written any way.
mornings = st.times(max_value=time(11, 59)).map(lambda moment: moment.strftime("%H:%M"))
afternoons = st.times(min_value=time(12)).map(lambda moment: moment.strftime("%H:%M"))
# Days a coordinator picks: from a month ago to a year ahead (form_fields adds the odd ones).
days = st.integers(-30, 400).map(lambda ahead: str(date.today() + timedelta(days=ahead)))


ODD = {"capacity": st.integers(-1, 52).map(str) | numbers_as_strings, "starts_at": afternoons | times_as_typed,
       "ends_at": mornings | times_as_typed, "day": dates_as_typed, "first_day": dates_as_typed,
       "last_day": dates_as_typed, "end-last_day": dates_as_typed, "start": dates_as_typed}


def shift_fields():
    return {
        "kind": st.sampled_from(list(SHIFT_KINDS)), "starts_at": mornings, "ends_at": afternoons, "capacity": st.integers(1, PLACES_MAX).map(str),
    }


def assert_rota_reads_back(session):
    session.rollback()
    for pattern in session.scalars(select(ShiftPattern)):
        assert pattern.kind in SHIFT_KINDS and 1 <= pattern.capacity <= PLACES_MAX
        assert 1 <= pattern.weekdays < 1 << 7, pattern.weekdays
        assert pattern.starts_at < pattern.ends_at
        assert FIRST_YEAR <= pattern.first_day.year <= LAST_YEAR
        assert pattern.last_day is None or (
            pattern.first_day <= pattern.last_day and pattern.last_day.year <= LAST_YEAR), pattern.last_day
    for shift in session.scalars(select(Shift)):
        assert shift.kind in SHIFT_KINDS and 1 <= shift.capacity <= PLACES_MAX and 0 <= shift.taken <= shift.capacity
        assert shift.starts_at < shift.ends_at


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_making_and_editing_a_shift_pattern_takes_anything(desk, session, world, pattern, data):
    new = f"/admin/sites/{world.slug}/patterns/new"
    path = data.draw(st.sampled_from([new, new, f"/admin/sites/{world.slug}/patterns/{pattern}"]),
                     label="path")
    token = data.draw(csrf_tokens(page_token(desk, new)), label="csrf")
    fields = {**shift_fields(), "weekdays": weekdays, "first_day": days,
              "last_day": st.just("") | days}
    pairs = data.draw(fields_of(fields, ODD), label="fields")
    pairs += [("weekdays", day) for day in data.draw(st.lists(weekdays | numbers_as_strings, max_size=4), label="days")]
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    if post(desk, session, path, body, content_type, headers).status_code == 303:
        assert_rota_reads_back(session)


@settings(PROPERTIES, max_examples=examples(30))
@given(data=st.data())
def test_ending_a_shift_pattern_takes_anything(desk, session, world, pattern, data):
    path = f"/admin/sites/{world.slug}/patterns/{pattern}"
    token = data.draw(csrf_tokens(page_token(desk, path)), label="csrf")
    pairs = data.draw(fields_of({"end-last_day": days}, ODD), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    if post(desk, session, f"{path}/end", body, content_type, headers).status_code == 303:
        assert_rota_reads_back(session)


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_a_one_off_shift_takes_anything(desk, session, world, data):
    path = f"/admin/sites/{world.slug}/shifts/new"
    token = data.draw(csrf_tokens(page_token(desk, path)), label="csrf")
    pairs = data.draw(fields_of({**shift_fields(), "day": days}, ODD), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    if post(desk, session, path, body, content_type, headers).status_code == 303:
        assert_rota_reads_back(session)


@settings(PROPERTIES, max_examples=examples(30))
@given(data=st.data())
def test_cancelling_a_shift_takes_anything(desk, session, world, data):
    shift = data.draw(st.sampled_from([world.shift_id] * 4 + [0, world.shift_id + 1000, 2**31 - 1, 2**63 - 1]),
                      label="shift")
    token = data.draw(csrf_tokens(page_token(desk, f"/admin/shifts/{world.shift_id}")), label="csrf")
    pairs = data.draw(fields_of({}, ODD), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    post(desk, session, f"/admin/shifts/{shift}/cancel", body, content_type, headers)
    assert_rota_reads_back(session)


@settings(PROPERTIES, max_examples=examples(40))
@given(data=st.data())
def test_the_weeks_rota_takes_any_query(desk, session, world, data):
    plausible = {"start": days, "site": st.sampled_from([world.slug, "", "nowhere", "%"])}
    pairs = data.draw(fields_of(plausible, ODD), label="query")
    answer = get(desk, session, "/admin/rota", urlencoded(pairs).decode())
    assert answer.status_code in (200, 422), answer.status_code


@pytest.fixture
def pattern(session, world):
    """A weekly pattern at the world's fridge, made through the rules: what the edit and end forms aim at."""
    site = session.get(Site, world.site_id)
    plan = planning.save_pattern(session, site, utcnow(), deployment_zone(), kind="cleaning", weekdays=0b10101,
                                 starts_at=time(9), ends_at=time(9, 30), capacity=2, first_day=local_today(),
                                 last_day=None)
    session.commit()
    return plan.pattern.id
