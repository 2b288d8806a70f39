"""A fridge map reading the network: sites and how they are doing, a site's stock and needs,
the shifts that need people, the items; and what an unknown site or address gets."""
from datetime import time, timedelta

import pytest

from pantry.clock import deployment_zone, local_today
from pantry.database import utcnow
from pantry.shifts import planning
from pantry.stock import ledger
from tests.conftest import key
from tests.network import VOLUNTEER


def test_sites_show_state_fullness_restock_cleaning_and_temperature(client, network):
    answer = client.get("/api/v1/sites")
    assert answer.status_code == 200
    assert answer.content_type == "application/json"
    sites = {site["slug"]: site for site in answer.json["sites"]}
    assert list(sites) == ["corner-fridge", "elm-freezer", "library-shelf"]  # by name

    fridge = sites["corner-fridge"]
    assert fridge["name"] == "Corner Fridge" and fridge["address"] == "12 Elm St"
    assert (fridge["kind"], fridge["state"]) == ("fridge", "open")
    assert fridge["fullness_percent"] == round(100 * (6 + 4 + 0) / (10 + 4 + 3))
    assert fridge["last_restocked_at"].endswith("Z")
    assert fridge["last_cleaned_at"] is not None and fridge["cleaning_overdue"] is False
    assert fridge["last_reading"]["celsius"] == 3.5 and fridge["last_reading"]["in_range"] is True
    assert fridge["temperature_limit_celsius"] == 5.0
    assert fridge["links"]["stock"] == "https://pantry.example/api/v1/sites/corner-fridge/stock"
    assert fridge["links"]["page"] == "https://pantry.example/sites/corner-fridge"

    freezer = sites["elm-freezer"]
    assert freezer["last_reading"]["in_range"] is False  # -9 °C in a freezer is too warm
    assert freezer["fullness_percent"] is None and freezer["last_restocked_at"] is None

    shelf = sites["library-shelf"]  # no thermometer, never cleaned
    assert shelf["last_reading"] is None and shelf["temperature_limit_celsius"] is None
    assert shelf["last_cleaned_at"] is None


def test_one_site_is_the_same_as_in_the_list(client, network):
    listed = client.get("/api/v1/sites").json["sites"][0]
    assert client.get("/api/v1/sites/corner-fridge").json == listed


def test_cleaning_overdue_after_a_day_without_a_care_record(app, client, session, network):
    app.config["CLEANING_OVERDUE_HOURS"] = 0
    assert client.get("/api/v1/sites/library-shelf").json["cleaning_overdue"] is True


@pytest.mark.parametrize("tail", ["", "/stock", "/needs"])
def test_an_unknown_site_is_404_with_a_code(client, network, tail):
    for slug in ("nowhere", "Corner-Fridge", "x" * 61, "a%00b", "caf%C3%A9", "-"):
        answer = client.get(f"/api/v1/sites/{slug}{tail}")
        assert answer.status_code == 404, slug
        assert answer.json == {"code": "unknown_site", "message": "There is no such site."}


def test_stock_by_category_with_batches_and_past_dates(client, network):
    answer = client.get("/api/v1/sites/corner-fridge/stock")
    assert answer.status_code == 200
    stock = answer.json
    today = local_today()
    assert stock["site"] == "corner-fridge" and stock["today"] == today.isoformat()
    milk, beans = stock["items"]  # dairy comes before canned food, as on the page; no bread inside
    assert milk["item"] == {"id": network.milk.id, "name": "Milk 1 L", "category": "dairy", "unit": "carton"}
    assert (milk["quantity"], milk["target"], milk["count_looks_off"], milk["past_date"]) == (4, 4, False, True)
    # The take came off the earliest batch (the past-date one) first.
    assert milk["batches"] == [
        {"best_before": (today - timedelta(days=2)).isoformat(), "quantity": 1, "past_date": True},
        {"best_before": (today + timedelta(days=7)).isoformat(), "quantity": 3, "past_date": False},
    ]
    assert (beans["quantity"], beans["target"], beans["past_date"]) == (6, 10, False)


def test_stock_marks_a_count_that_looks_off(client, session, network):
    ledger.take(session, network.fridge.id, network.beans.id, 9, key(), utcnow())
    session.commit()
    lines = {line["item"]["name"]: line for line in client.get("/api/v1/sites/corner-fridge/stock").json["items"]}
    assert "Canned beans" not in lines  # nothing left inside
    fridge = client.get("/api/v1/sites/corner-fridge").json
    assert fridge["items_count_looks_off"] == 1


def test_needs_emptiest_first_with_shortfall(client, network):
    answer = client.get("/api/v1/sites/corner-fridge/needs")
    assert answer.status_code == 200
    shown = [(n["item"]["name"], n["quantity"], n["target"], n["shortfall"]) for n in answer.json["items"]]
    assert shown == [
        ("Bread", 0, 3, 3),
        ("Canned beans", 6, 10, 4),
    ]
    assert client.get("/api/v1/sites/library-shelf/needs").json == {"site": "library-shelf", "items": []}


def add_shift(session, site, days, capacity=2, kind="cleaning"):
    shift = planning.add_shift(session, site, kind, local_today() + timedelta(days=days), time(10), time(11),
                               capacity, utcnow(), deployment_zone())
    session.commit()
    return shift


def test_shifts_with_open_places_in_the_next_two_weeks(client, session, network):
    freezer_shift = add_shift(session, network.freezer, 1, kind="temperature")
    full = add_shift(session, network.freezer, 3, capacity=1)
    full.taken = 1
    cancelled = add_shift(session, network.shelf, 4)
    cancelled.cancelled_at = utcnow()
    add_shift(session, network.shelf, 20)  # beyond the 14 days
    session.commit()
    answer = client.get("/api/v1/shifts")
    assert answer.status_code == 200
    shifts = answer.json["shifts"]
    assert [shift["id"] for shift in shifts] == [freezer_shift.id, network.shift.id]  # soonest first
    fridge_shift = shifts[1]
    assert fridge_shift["site"] == {"slug": "corner-fridge", "name": "Corner Fridge"}
    assert (fridge_shift["capacity"], fridge_shift["taken"], fridge_shift["open_places"]) == (3, 1, 2)
    assert fridge_shift["day"] == (local_today() + timedelta(days=2)).isoformat()
    assert fridge_shift["starts_at"].endswith("Z")
    assert fridge_shift["links"]["page"] == f"https://pantry.example/shifts/{network.shift.id}"
    assert set(fridge_shift) == {"id", "site", "kind", "day", "starts_at", "ends_at", "capacity", "taken",
                                 "open_places", "links"}  # counts only: nobody's name


def test_shifts_at_one_site(client, session, network):
    add_shift(session, network.freezer, 1)
    answer = client.get("/api/v1/shifts", query_string={"site": "corner-fridge"})
    assert [shift["id"] for shift in answer.json["shifts"]] == [network.shift.id]
    assert client.get("/api/v1/shifts", query_string={"site": "library-shelf"}).json["shifts"] == []
    unknown = client.get("/api/v1/shifts", query_string={"site": "nowhere"})
    assert unknown.status_code == 404 and unknown.json["code"] == "unknown_site"


def test_shifts_past_the_sign_up_cut_off_are_not_offered(app, client, network):
    app.config["SIGN_UP_CUTOFF_MINUTES"] = 5 * 24 * 60
    assert client.get("/api/v1/shifts").json["shifts"] == []


def test_items_give_the_ids_a_movement_names(client, network):
    answer = client.get("/api/v1/items")
    assert [(item["name"], item["id"]) for item in answer.json["items"]] == [
        ("Bread", network.bread.id), ("Canned beans", network.beans.id), ("Milk 1 L", network.milk.id),
    ]


def test_unknown_addresses_and_methods_answer_in_json(client, network):
    missing = client.get("/api/v1/fridges")
    assert missing.status_code == 404
    assert missing.json["code"] == "not_found" and missing.json["message"]
    wrong = client.delete("/api/v1/sites")
    assert wrong.status_code == 405
    assert wrong.json["code"] == "method_not_allowed"
    assert set(wrong.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # The pages keep their HTML errors.
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.content_type.startswith("text/html")


def test_no_volunteer_is_named_anywhere(client, session, network):
    """A volunteer signed up with a name they chose to show, an email and a phone: the API shows
    none of it, only the count of places taken."""
    paths = ["/api/v1/sites", "/api/v1/shifts", "/api/v1/shifts?site=corner-fridge", "/api/v1/items",
             "/api/v1/openapi.json"]
    for slug in ("corner-fridge", "elm-freezer", "library-shelf"):
        paths += [f"/api/v1/sites/{slug}", f"/api/v1/sites/{slug}/stock", f"/api/v1/sites/{slug}/needs"]
    bodies = [client.get(path).get_data(as_text=True) for path in paths]
    assert all(bodies)
    assert '"taken":1' in "".join(bodies)
    for body in bodies:
        for secret in (VOLUNTEER["email"], VOLUNTEER["phone"], "Zebulon", "Quirke", "0199", "example.org"):
            assert secret not in body
