"""The pictures on a site's page: 14 days of items added and taken, and a fridge's temperature
line with its limit, each with the same numbers in words for screen readers; and the page
still one round trip."""
import gzip
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import event

from pantry import charts
from pantry.care.models import Reading
from pantry.clock import deployment_zone, last_days, local_today
from pantry.database import utcnow
from pantry.extensions import db
from pantry.formats import day as day_label
from pantry.stock import history, ledger
from pantry.tags.rules import issue_tag
from tests.conftest import NOW, key

BUDGET = 14 * 1024


def local(days_ago, hour, minute=0):
    """A moment on a local day of the deployment, `days_ago` before today, as UTC."""
    moment = datetime.combine(local_today() - timedelta(days=days_ago), time(hour, minute), tzinfo=deployment_zone())
    return moment.astimezone(UTC)


@pytest.fixture
def busy(session, make_site, beans, make_item):
    """A fridge with movements on known local days, one 20 days ago, and an undone take.
    Returns it and what each of the last 14 days should show, oldest first."""
    fridge = make_site("Corner Fridge")
    milk = make_item("Milk 1 L", "dairy", "carton")
    ledger.restock(session, fridge.id, beans.id, 50, key(), local(20, 12))  # before the 14 days
    added, taken = [0] * 14, [0] * 14
    for days_ago, item, restock, take in [
        (13, beans, 4, 1), (13, milk, 6, 0), (10, milk, 0, 3), (7, beans, 12, 5), (3, beans, 0, 9),
        (1, milk, 2, 2), (0, beans, 3, 1),
    ]:
        if restock:
            ledger.restock(session, fridge.id, item.id, restock, key(), local(days_ago, 0, 0))
            added[13 - days_ago] += restock
        if take:
            ledger.take(session, fridge.id, item.id, take, key(), local(days_ago, 0, 30))
            taken[13 - days_ago] += take
    # The last minute of a day counts for that day, not the next.
    ledger.take(session, fridge.id, beans.id, 2, key(), local(5, 23, 59))
    taken[8] += 2
    undone = ledger.take(session, fridge.id, beans.id, 7, key(), local(2, 0, 40))
    ledger.correct(session, undone.id, key(), local(2, 0, 41))
    session.commit()
    return fridge, added, taken


def flow_svg(page):
    match = re.search(r'<svg class="chart flow".*?</svg>', page, re.S)
    assert match, "no chart of items added and taken"
    return match.group(0)


def bars(svg, kind):
    """{day: value} read back from the bars of `kind` ("added" or "taken") and the scale."""
    top = int(re.search(r'<text class="scale"[^>]*>(\d+)</text>', svg).group(1))
    group = re.search(rf'<g class="{kind}">(.*?)</g>', svg, re.S).group(1)
    found = {}
    slot = charts.PLOT / 14
    for x, width, height in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="([\d.]+)"/>', group):
        day = round((float(x) + float(width) / 2 - charts.LEFT) / slot - 0.5)
        found[day] = round(float(height) / charts.HALF * top)
    return found


def table_rows(page):
    table = re.search(r'<div class="visually-hidden"><table>(.*?)</table></div>', page, re.S).group(1)
    return re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td></tr>', table)


@pytest.mark.clock
def test_the_site_page_draws_each_of_the_last_14_local_days(app, client, busy):
    fridge, added, taken = busy
    page = client.get(f"/sites/{fridge.slug}").text
    svg = flow_svg(page)
    assert re.search(r'<path class="axis" d="[^"]*"', svg).group(0).count("v") == 14  # a tick a day
    assert bars(svg, "added") == {day: value for day, value in enumerate(added) if value}
    assert bars(svg, "taken") == {day: value for day, value in enumerate(taken) if value}
    assert 'aria-hidden="true"' in svg  # the table below says it in words
    assert f"In all: {sum(added)} added and {sum(taken)} taken." in page


def test_the_table_for_screen_readers_lists_the_same_numbers(app, client, busy):
    fridge, added, taken = busy
    page = client.get(f"/sites/{fridge.slug}").text
    rows = table_rows(page)
    with app.test_request_context():
        days = [day_label(local_today() - timedelta(days=back)) for back in range(13, -1, -1)]
    assert rows == [(label, str(a), str(t)) for label, a, t in zip(days, added, taken)]
    assert "<caption>Items added and taken each day, the last 14 days</caption>" in page
    assert "added: solid bars above the line" in page and "taken: outlined bars below it" in page


@pytest.mark.clock
def test_a_day_runs_from_midnight_to_midnight_in_new_york(app, session, make_site, beans):
    """NOW is 20 Nov 2026, 10:00 in New York (UTC-5, far from a DST change): the 14 days run
    from 7 Nov 05:00 UTC to 21 Nov 05:00 UTC."""
    app.config["TIMEZONE"] = "America/New_York"  # whatever zone make test-clock runs in
    fridge = make_site("Corner Fridge")
    for moment, quantity in [
        (datetime(2026, 11, 7, 4, 59, tzinfo=UTC), 100),  # 6 Nov, 23:59 in New York: before the window
        (datetime(2026, 11, 7, 5, 0, tzinfo=UTC), 1),  # 7 Nov, 00:00: the first day
        (datetime(2026, 11, 19, 4, 59, tzinfo=UTC), 2),  # 18 Nov, 23:59
        (datetime(2026, 11, 19, 5, 0, tzinfo=UTC), 4),  # 19 Nov, 00:00
        (datetime(2026, 11, 20, 14, 0, tzinfo=UTC), 8),  # today
    ]:
        ledger.restock(session, fridge.id, beans.id, quantity, key(), moment)
    session.commit()
    days = last_days(NOW)
    assert days.days[0].isoformat() == "2026-11-07" and days.days[-1].isoformat() == "2026-11-20"
    assert days.start == datetime(2026, 11, 7, 5, tzinfo=UTC) and days.end == datetime(2026, 11, 21, 5, tzinfo=UTC)
    flow = history.daily_flows(session, [fridge.id], days)[fridge.id]
    assert flow.added == [1] + [0] * 10 + [2, 4, 8]
    assert flow.taken == [0] * 14


@pytest.mark.clock
def test_the_day_the_clocks_go_back_is_25_hours_long(app, session, make_site, beans):
    app.config["TIMEZONE"] = "America/New_York"  # the day New York's clocks go back
    fridge = make_site("Corner Fridge")
    ledger.restock(session, fridge.id, beans.id, 3, key(), datetime(2026, 11, 2, 4, 30, tzinfo=UTC))  # 1 Nov, 23:30 EST
    ledger.restock(session, fridge.id, beans.id, 5, key(), datetime(2026, 11, 2, 5, 0, tzinfo=UTC))  # 2 Nov, 00:00 EST
    session.commit()
    days = last_days(datetime(2026, 11, 8, 15, tzinfo=UTC))
    first_of_november = days.days.index(datetime(2026, 11, 1).date())
    assert days.bounds[first_of_november + 1] - days.bounds[first_of_november] == timedelta(hours=25)
    flow = history.daily_flows(session, [fridge.id], days)[fridge.id]
    assert flow.added[first_of_november:first_of_november + 2] == [3, 5]


def test_the_chart_reads_only_the_14_days_along_the_index(app, session, busy):
    fridge, added, taken = busy
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        flow = history.daily_flows(session, [fridge.id], last_days(utcnow()))[fridge.id]
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert (flow.added, flow.taken) == (added, taken)
    [(statement, parameters)] = [(sql, values) for sql, values in statements if "FROM movement" in sql]
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(str(row) for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters))
        assert "ix_movement_site_time" in plan


@pytest.mark.clock
def test_a_fridge_shows_its_temperature_line_and_limit(app, client, session, make_site):
    fridge = make_site("Corner Fridge")
    for days_ago, celsius in [(12, 3.0), (8, 4.5), (2, 7.5), (1, 4.0)]:
        session.add(Reading(site_id=fridge.id, celsius=celsius, in_range=celsius <= 5, taken_at=local(days_ago, 9)))
    session.add(Reading(site_id=fridge.id, celsius=20.0, in_range=False, taken_at=local(30, 9)))  # too old to show
    session.commit()
    page = client.get(f"/sites/{fridge.slug}").text
    svg = re.search(r'<svg class="chart line".*?</svg>', page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-describedby="temperature-words"' in svg
    assert '<path class="limit"' in svg and "limit 5 °C" in svg
    assert svg.count('<circle class="dot"') == 3 and svg.count('class="dot warm-dot"') == 1
    words = re.search(r'<p id="temperature-words">(.*?)</p>', page, re.S).group(1)
    words = " ".join(words.split())
    assert "4 readings in the last 14 days, from 3 °C to 7.5 °C." in words
    assert "1 was above the limit of 5 °C: 7.5 °C on" in words
    assert "The latest: 4 °C" in words


def test_the_line_follows_the_deployments_unit(app, client, session, make_site):
    app.config["TEMPERATURE_UNIT"] = "F"
    freezer = make_site("Hall Freezer", kind="freezer")
    session.add(Reading(site_id=freezer.id, celsius=-18.0, in_range=True, taken_at=local(3, 9)))
    session.add(Reading(site_id=freezer.id, celsius=-20.0, in_range=True, taken_at=local(1, 9)))
    session.commit()
    page = client.get(f"/sites/{freezer.slug}").text
    assert "limit 5 °F" in page  # -15 °C
    assert "All were within the limit of 5 °F." in page


def test_a_pantry_shelf_has_no_temperature_line(client, session, make_site, beans):
    shelf = make_site("Library Shelf", kind="pantry")
    ledger.restock(session, shelf.id, beans.id, 4, key(), local(1, 10))
    session.commit()
    page = client.get(f"/sites/{shelf.slug}").text
    assert '<svg class="chart flow"' in page
    assert "chart line" not in page and "Temperature" not in page


def test_a_quiet_fridge_says_so_in_words(client, make_site):
    fridge = make_site("Corner Fridge")
    page = client.get(f"/sites/{fridge.slug}").text
    assert "<svg" not in page
    assert "Nothing was added or taken in the last 14 days." in page
    assert "No thermometer readings in the last 14 days." in page


def test_gaps_of_more_than_two_days_break_the_line():
    start = datetime(2026, 11, 7, 5, tzinfo=UTC)
    readings = [(start + timedelta(days=day), 4.0, False) for day in (0, 1, 2, 8, 9)]
    chart = charts.line(readings, start, start + timedelta(days=14), 14, limit=5.0)
    assert len(chart.lines) == 2
    assert [value for _, value in chart.ticks] == [3, 4, 5, 6]
    assert chart.frame.high < chart.limit_y < chart.frame.low


def test_round_numbers_end_the_scale():
    assert [charts.nice_top(value) for value in (0, 1, 7, 11, 51, 134, 999)] == [1, 1, 7, 15, 60, 150, 1000]


def test_the_site_and_scan_pages_stay_one_round_trip(app, client, session, make_site, make_item):
    """A busy fridge: 20 items, movements every day, readings every day; its page and its scan
    page, each with the stylesheet, under 14 KB gzipped."""
    fridge = make_site("Fulton Street Corner Fridge, the one outside the deli", address="1147 Fulton St")
    items = [make_item(f"Item number {number}", "canned", "can") for number in range(20)]
    for days_ago in range(14, -1, -1):
        for number, item in enumerate(items):
            ledger.restock(session, fridge.id, item.id, 10 + number, key(), local(days_ago, 8))
            ledger.take(session, fridge.id, item.id, 5 + number, key(), local(days_ago, 18))
        session.add(Reading(site_id=fridge.id, celsius=3.5 + days_ago % 4, in_range=days_ago % 4 < 2,
                            taken_at=local(days_ago, 9)))
    for item in items:
        ledger.lock_stock(session, fridge.id, item.id).target = 1000
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    loads = 0
    for asset in ("/static/pantry.css", "/static/pantry.js"):
        with client.get(asset) as response:
            loads += len(gzip.compress(response.data, 6))
    for path in (f"/sites/{fridge.slug}", f"/t/{tag.code}"):
        html = client.get(path).data
        scripts = re.findall(rb"<script[^>]*>", html)
        assert all(b"defer" in script and b'src="/static/' in script for script in scripts), scripts
        assert len(gzip.compress(html, 6)) + loads < BUDGET, path


def test_day_names_are_the_day_filter_of_each_day(app):
    """pantry.formats.day_names formats a fortnight with one look-up of the language, as `day` would each."""
    from datetime import date, timedelta

    from flask_babel import force_locale

    from pantry import formats

    days = [date(2026, 11, 21) + timedelta(days=n) for n in range(14)]
    with app.test_request_context():
        for language in ("en", "es"):
            with force_locale(language):
                assert formats.day_names(days) == [formats.day(day) for day in days]
        with force_locale("es"):
            assert formats.day_names(days[:1]) == ["sáb 21 nov"]
