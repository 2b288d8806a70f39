"""A site's books: the ledger with its filters and pages, corrections, and counts."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pantry.stock import ledger
from pantry.stock.models import Movement
from tests.books import stock_of
from tests.conftest import csrf_token, key


@pytest.fixture
def milk(make_item):
    return make_item("Milk 1 L", "dairy", "carton")


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def shown(page):
    """The entry numbers listed on a ledger page, in order."""
    return [int(number) for number in re.findall(r'<tr id="entry-(\d+)">', page)]




@pytest.fixture
def history(session, fridge, beans, milk, make_site):
    """Entries on either side of midnight in New York (05:00 UTC in November)."""
    elsewhere = make_site("Library Pantry")
    moves = [
        ledger.restock(session, fridge.id, beans.id, 6, key(), at("2026-11-19T12:00"), best_before=date(2026, 12, 1)),
        ledger.restock(session, fridge.id, milk.id, 4, key(), at("2026-11-20T03:00")),  # 19 Nov, 22:00 local
        ledger.take(session, fridge.id, beans.id, 2, key(), at("2026-11-20T06:00")),  # 20 Nov, 01:00 local
        ledger.take(session, fridge.id, milk.id, 1, key(), at("2026-11-21T15:00")),
        ledger.restock(session, elsewhere.id, beans.id, 9, key(), at("2026-11-20T10:00")),
    ]
    session.commit()
    return [move.id for move in moves]


def test_the_ledger_lists_the_sites_entries_newest_first(admin, history):
    page = admin.get("/admin/sites/corner-fridge/ledger")
    assert page.status_code == 200
    assert shown(page.text) == [history[3], history[2], history[1], history[0]]
    assert "+6" in page.text and "-2" in page.text
    assert "At the fridge" in page.text


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"item": "beans"}, [2, 0]),
        ({"kind": "take"}, [3, 2]),
        ({"item": "milk", "kind": "restock"}, [1]),
        ({"date_from": "2026-11-20"}, [3, 2]),  # 03:00 UTC on the 20th is still the 19th in New York
        ({"date_to": "2026-11-19"}, [1, 0]),
        ({"date_from": "2026-11-20", "date_to": "2026-11-20"}, [2]),
        ({"date_from": "2026-11-22"}, []),
    ],
)
def test_the_ledger_filters_by_item_kind_and_local_day(app, admin, history, beans, milk, filters, expected):
    app.config["TIMEZONE"] = "America/New_York"  # the days are New York's, in any --zone
    args = dict(filters)
    if "item" in args:
        args["item"] = str({"beans": beans.id, "milk": milk.id}[args["item"]])
    page = admin.get("/admin/sites/corner-fridge/ledger", query_string=args)
    assert page.status_code == 200
    assert shown(page.text) == [history[index] for index in expected]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"kind": "steal"}, "Not a valid choice."),
        ({"item": "999999"}, "Not a valid choice."),
        ({"item": "beans"}, "Invalid Choice: could not coerce."),
        ({"date_from": "2026-02-31"}, "Not a valid date value."),
        ({"date_from": "0001-01-01"}, "Choose a date between 2000 and 2999."),
        ({"date_to": "9999-12-31"}, "Choose a date between 2000 and 2999."),
        ({"date_from": "2026-11-21", "date_to": "2026-11-20"}, "The end date is before the start date."),
    ],
)
def test_bad_filters_get_a_message_not_a_crash(admin, history, args, message):
    page = admin.get("/admin/sites/corner-fridge/ledger", query_string=args)
    assert page.status_code == 422
    assert message in page.text
    assert shown(page.text) == []


def link(page, words):
    """The address of the page link that says `words`, or None."""
    found = re.search(r'<a class="button quiet" rel="(?:next|prev)" href="([^"]*)">' + re.escape(words), page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_ledger_comes_in_pages(app, admin, history, beans):
    app.config["LEDGER_PAGE_SIZE"] = 3
    first = admin.get("/admin/sites/corner-fridge/ledger").text
    assert shown(first) == [history[3], history[2], history[1]]
    assert link(first, "Newer entries") is None and "First page" not in first
    assert link(first, "Older entries") == f"/admin/sites/corner-fridge/ledger?older={history[1]}"
    second = admin.get(link(first, "Older entries")).text
    assert shown(second) == [history[0]]
    assert link(second, "Older entries") is None and "First page" in second
    back = admin.get(link(second, "Newer entries")).text
    assert shown(back) == [history[3], history[2], history[1]]
    # The links to other pages keep the filters.
    app.config["LEDGER_PAGE_SIZE"] = 1
    filtered = admin.get("/admin/sites/corner-fridge/ledger", query_string={"item": beans.id}).text
    assert f"item={beans.id}" in link(filtered, "Older entries")
    assert shown(admin.get(link(filtered, "Older entries")).text) == [history[0]]
    assert admin.get("/admin/sites/nowhere/ledger").status_code == 404


@pytest.mark.parametrize("args", [{"older": "0"}, {"older": "abc"}, {"newer": "-3"}, {"older": str(10**30)},
                                  {"older": "1", "newer": "2"}, {"newer": "１２"}])
def test_a_bad_page_link_shows_the_first_page_and_says_so(app, admin, history, args):
    app.config["LEDGER_PAGE_SIZE"] = 3
    page = admin.get("/admin/sites/corner-fridge/ledger", query_string=args)
    assert page.status_code == 400
    assert "That page link is not right, so this is the first page." in page.text
    assert shown(page.text) == [history[3], history[2], history[1]]


def test_past_the_last_entry_the_page_says_so(admin, history):
    page = admin.get("/admin/sites/corner-fridge/ledger", query_string={"older": history[0]})
    assert page.status_code == 200 and shown(page.text) == []
    assert "No more entries." in page.text and "First page" in page.text


def correction_form(admin, movement_id):
    page = admin.get(f"/admin/sites/corner-fridge/ledger/{movement_id}")
    assert page.status_code == 200
    return {"csrf_token": csrf_token(page.text), "key": re.search(r'name="key" value="([^"]+)"', page.text).group(1)}


def test_correcting_an_entry(admin, session, history, fridge, beans):
    took = history[2]
    form = correction_form(admin, took)
    answer = admin.post(f"/admin/sites/corner-fridge/ledger/{took}", data={**form, "note": "logged by mistake"})
    assert answer.status_code == 303
    assert f"Corrected entry #{took}: Canned beans changed by +2." in admin.get(answer.headers["Location"]).text
    correction = session.scalar(select(Movement).where(Movement.corrects_id == took))
    assert (correction.kind, correction.delta, correction.source) == ("correction", 2, "coordinator")
    assert (correction.recorded_by, correction.note) == ("ada@example.org", "logged by mistake")
    assert stock_of(session, fridge, beans).quantity == 6
    page = admin.get("/admin/sites/corner-fridge/ledger").text
    assert f'Corrected by <a href="#entry-{correction.id}">' in page
    assert f'Corrects <a href="#entry-{took}">' in page

    # The same form sent twice corrects once and answers the same.
    again = admin.post(f"/admin/sites/corner-fridge/ledger/{took}", data={**form, "note": "logged by mistake"})
    assert "Corrected entry" in admin.get(again.headers["Location"]).text
    assert session.scalar(select(func.count()).where(Movement.corrects_id == took)) == 1


def test_a_second_correction_is_refused_with_a_message(admin, session, history, fridge, beans):
    took = history[2]
    first, second = correction_form(admin, took), correction_form(admin, took)  # two tabs
    assert admin.post(f"/admin/sites/corner-fridge/ledger/{took}", data=first).status_code == 303
    answer = admin.post(f"/admin/sites/corner-fridge/ledger/{took}", data=second)
    assert answer.status_code == 303
    assert "This entry has already been corrected." in admin.get(answer.headers["Location"]).text
    assert session.scalar(select(func.count()).select_from(Movement).where(Movement.kind == "correction")) == 1
    assert stock_of(session, fridge, beans).quantity == 6
    page = admin.get(f"/admin/sites/corner-fridge/ledger/{took}").text
    assert "Already corrected by" in page and 'name="key"' not in page


def test_a_correction_cannot_be_corrected(admin, session, history):
    form = correction_form(admin, history[2])
    admin.post(f"/admin/sites/corner-fridge/ledger/{history[2]}", data=form)
    correction = session.scalar(select(Movement.id).where(Movement.kind == "correction"))
    page = admin.get(f"/admin/sites/corner-fridge/ledger/{correction}")
    assert "A correction cannot itself be corrected" in page.text
    answer = admin.post(f"/admin/sites/corner-fridge/ledger/{correction}",
                        data={"csrf_token": form["csrf_token"], "key": key()})
    assert "A correction cannot itself be corrected." in admin.get(answer.headers["Location"]).text
    assert session.scalar(select(func.count()).select_from(Movement).where(Movement.kind == "correction")) == 1


def test_a_correction_needs_a_good_key_and_a_short_note(admin, session, history):
    form = correction_form(admin, history[0])
    for data, message in (({"key": "x"}, "Reload the page and try again."),
                          ({"note": "n" * 201}, "Field cannot be longer than 200 characters."),
                          ({"note": "oops\x00"}, "Remove the unusual invisible characters")):
        answer = admin.post(f"/admin/sites/corner-fridge/ledger/{history[0]}", data={**form, **data})
        assert answer.status_code == 422
        assert message in answer.text
    assert session.scalar(select(func.count()).select_from(Movement).where(Movement.kind == "correction")) == 0


def test_an_entry_of_another_site_is_not_found_here(admin, history):
    assert admin.get(f"/admin/sites/corner-fridge/ledger/{history[4]}").status_code == 404
    assert admin.get("/admin/sites/corner-fridge/ledger/999999").status_code == 404


def count_form(admin, item):
    page = admin.get("/admin/sites/corner-fridge/stock")
    assert page.status_code == 200
    row = page.text[page.text.index(f'id="item-{item.id}"'):]
    return {"csrf_token": csrf_token(page.text), "item": item.id,
            "key": re.search(r'name="key" value="([^"]+)"', row).group(1)}


def test_a_count_sets_the_stock_and_clears_the_doubt(admin, session, fridge, beans, milk):
    ledger.restock(session, fridge.id, beans.id, 2, key(), datetime.now(UTC) - timedelta(hours=1))
    ledger.take(session, fridge.id, beans.id, 5, key(), datetime.now(UTC))
    session.commit()
    assert stock_of(session, fridge, beans).count_looks_off
    page = admin.get("/admin/sites/corner-fridge/stock").text
    assert "Count looks off" in page
    assert "1 item's count looks off." in admin.get("/admin/").text

    answer = admin.post("/admin/sites/corner-fridge/count", data={**count_form(admin, beans), "counted": "7"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/admin/sites/corner-fridge/stock#item-{beans.id}")
    assert "Counted: 7 Canned beans at Corner Fridge." in admin.get(answer.headers["Location"]).text
    stock = stock_of(session, fridge, beans)
    assert (stock.quantity, stock.count_looks_off) == (7, False)
    counted = session.scalar(select(Movement).where(Movement.kind == "count"))
    assert (counted.delta, counted.source, counted.recorded_by) == (7, "coordinator", "ada@example.org")

    # An item never logged here can be counted too.
    zero = admin.post("/admin/sites/corner-fridge/count", data={**count_form(admin, milk), "counted": "0"})
    assert zero.status_code == 303
    assert stock_of(session, fridge, milk).quantity == 0


@pytest.mark.parametrize(
    "changes, message",
    [({"counted": ""}, "Say how many you counted, as a whole number."),
     ({"counted": "-1"}, "Enter a whole number from 0 to 9999."),
     ({"counted": "10000"}, "Enter a whole number from 0 to 9999."),
     ({"counted": "lots"}, "Not a valid integer value."),
     ({"counted": "3", "item": "999999"}, "There is no such item."),
     ({"counted": "3", "key": "x"}, "Reload the page and try again.")],
)
def test_a_bad_count_is_refused_and_nothing_is_written(admin, session, fridge, beans, changes, message):
    answer = admin.post("/admin/sites/corner-fridge/count", data={**count_form(admin, beans), **changes})
    assert answer.status_code == 422
    assert message in answer.text
    assert session.scalar(select(func.count()).select_from(Movement)) == 0


def test_a_count_sent_twice_counts_once_and_a_changed_one_is_refused(admin, session, fridge, beans):
    form = {**count_form(admin, beans), "counted": "4"}
    assert admin.post("/admin/sites/corner-fridge/count", data=form).status_code == 303
    assert admin.post("/admin/sites/corner-fridge/count", data=form).status_code == 303
    assert session.scalar(select(func.count()).select_from(Movement)) == 1
    changed = admin.post("/admin/sites/corner-fridge/count", data={**form, "counted": "5"})
    assert "already sent with different details" in admin.get(changed.headers["Location"]).text
    assert stock_of(session, fridge, beans).quantity == 4
