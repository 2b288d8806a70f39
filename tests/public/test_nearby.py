"""Which sites the home page shows (pantry.public.nearby), without HTTP: the arguments read and
checked, and one page of sites, by name, nearest a point, a neighbourhood's first, or found by
name or address."""
import pytest
from werkzeug.datastructures import MultiDict

from pantry.needs.errors import BadLocation, BadSearch
from pantry.public import nearby
from pantry.public.nearby import Choice, NoSuchPage


def test_no_arguments_are_the_first_page_by_name():
    assert nearby.parse(MultiDict()) == Choice()
    assert not Choice().chosen and Choice().args() == {}


def test_arguments_are_read_tidied_and_rounded():
    choice = nearby.parse(MultiDict({"q": "  elm   st ", "near": "Bushwick", "lat": "40.69281", "lon": "-73.99034",
                                     "page": "3"}))
    assert choice == Choice("elm st", "Bushwick", 40.69, -73.99, 3)
    assert choice.args() == {"near": "Bushwick", "q": "elm st", "lat": "40.69", "lon": "-73.99", "page": "3"}
    assert choice.args(page=1) == {"near": "Bushwick", "q": "elm st", "lat": "40.69", "lon": "-73.99"}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2.5", "123456", "", "1e3"])
def test_a_page_that_is_no_number_is_refused(page):
    with pytest.raises(NoSuchPage):
        nearby.parse(MultiDict({"page": page}))


@pytest.mark.parametrize("args, refused", [
    ({"q": "x" * 101}, BadSearch),
    ({"q": "milk\x00"}, BadSearch),
    ({"near": "x" * 81}, BadSearch),
    ({"near": "Bush\x1bwick"}, BadSearch),
    ({"lat": "40.7"}, BadLocation),
    ({"lat": "91", "lon": "0"}, BadLocation),
    ({"lat": "nan", "lon": "0"}, BadLocation),
])
def test_bad_arguments_are_refused_with_a_reason(args, refused):
    with pytest.raises(refused) as caught:
        nearby.parse(MultiDict(args))
    assert str(caught.value.message)


def test_only_a_neighbourhood_and_a_page_asked_plainly_may_be_kept():
    choice = Choice(neighbourhood="Bushwick", page=2)
    assert nearby.may_keep(MultiDict([("near", "Bushwick"), ("page", "2")]), choice)
    assert nearby.may_keep(MultiDict([("page", "2"), ("near", "Bushwick")]), choice)
    assert not nearby.may_keep(MultiDict([("near", "Bushwick"), ("page", "02")]), Choice("", "Bushwick", page=2))
    assert not nearby.may_keep(MultiDict([("near", "Bushwick"), ("page", "2"), ("utm", "x")]), choice)
    assert not nearby.may_keep(MultiDict([("near", "Bushwick"), ("near", "Bushwick"), ("page", "2")]), choice)
    assert not nearby.may_keep(MultiDict([("page", "1")]), Choice())
    assert nearby.may_keep(MultiDict(), Choice())
    assert not nearby.may_keep(MultiDict([("q", "elm")]), Choice("elm"))
    assert not nearby.may_keep(MultiDict([("lat", "40.70"), ("lon", "-73.90")]), Choice(latitude=40.7, longitude=-73.9))


@pytest.fixture
def street(make_site):
    """Five sites: three in Bushwick (two placed), one in Harlem, one with no place at all."""
    return {
        "a": make_site("Alder Fridge", address="1 Elm St", neighbourhood="Bushwick", latitude=40.70, longitude=-73.92),
        "b": make_site("Birch Fridge", address="9 Oak Ave", neighbourhood="Harlem", latitude=40.81, longitude=-73.95),
        "c": make_site("Cedar Shelf", address="3 Elm St", neighbourhood="Bushwick", latitude=40.69, longitude=-73.91),
        "d": make_site("Dogwood 100% Fridge", address="5 Pine Rd", neighbourhood="Bushwick"),
        "e": make_site("Elm Freezer", address="7 Main St"),
    }


def names(page):
    return [site.name for site in page.sites]


def test_a_page_of_sites_by_name_then_the_next(session, street):
    first = nearby.sites_page(session, Choice(), size=2)
    assert names(first) == ["Alder Fridge", "Birch Fridge"] and first.more and (first.first, first.last) == (1, 2)
    last = nearby.sites_page(session, Choice(page=3), size=2)
    assert names(last) == ["Elm Freezer"] and not last.more and (last.first, last.last) == (5, 5)
    with pytest.raises(NoSuchPage):
        nearby.sites_page(session, Choice(page=4), size=2)


def test_a_small_network_is_one_page(session, street):
    page = nearby.sites_page(session, Choice(), size=20)
    assert len(page.sites) == 5 and not page.more and page.km == {}


def test_nearest_a_point_first_with_how_far_and_the_unplaced_last(session, street):
    page = nearby.sites_page(session, Choice(latitude=40.81, longitude=-73.95), size=10)
    assert names(page) == ["Birch Fridge", "Alder Fridge", "Cedar Shelf", "Dogwood 100% Fridge", "Elm Freezer"]
    assert page.km[street["b"].id] == 0
    assert 12 < page.km[street["a"].id] < 13 and street["d"].id not in page.km


def test_a_chosen_neighbourhood_first_then_the_nearest_its_centre(session, street):
    page = nearby.sites_page(session, Choice(neighbourhood="Bushwick"), size=3)
    assert set(names(page)) == {"Alder Fridge", "Cedar Shelf", "Dogwood 100% Fridge"} and page.more
    assert names(nearby.sites_page(session, Choice(neighbourhood="Bushwick", page=2), size=3)) == [
        "Birch Fridge", "Elm Freezer"]  # Harlem is placed, so nearer than a site with no place
    assert page.km == {}  # a neighbourhood's centre is not where the neighbour stands


def test_a_neighbourhood_no_site_is_in_is_refused(session, street):
    with pytest.raises(BadSearch):
        nearby.sites_page(session, Choice(neighbourhood="Atlantis"), size=3)


def test_a_search_keeps_the_sites_whose_name_or_address_has_every_word(session, street):
    assert names(nearby.sites_page(session, Choice("elm"), size=10)) == ["Alder Fridge", "Cedar Shelf", "Elm Freezer"]
    assert names(nearby.sites_page(session, Choice("ELM 3"), size=10)) == ["Cedar Shelf"]
    assert names(nearby.sites_page(session, Choice("100%"), size=10)) == ["Dogwood 100% Fridge"]
    assert names(nearby.sites_page(session, Choice("1_"), size=10)) == []  # _ is a letter, not a wildcard
    assert names(nearby.sites_page(session, Choice("nothing"), size=10)) == []
