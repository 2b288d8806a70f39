"""A site's nearest others, as the transfer screen and the checklist's van offer them: its neighbourhood first, then the
nearest on the map, then by name, and never more than asked for."""
from pantry.sites import nearest


def test_the_neighbourhood_comes_first_then_the_nearest_then_names(session, make_site):
    here = make_site("Here", neighbourhood="Bushwick", latitude=40.70, longitude=-73.92)
    far_same = make_site("Far but same", neighbourhood="Bushwick", latitude=40.80, longitude=-73.80)
    near = make_site("Near", neighbourhood="Ridgewood", latitude=40.701, longitude=-73.921)
    farther = make_site("Farther", neighbourhood="Ridgewood", latitude=40.72, longitude=-73.95)
    unplaced_b, unplaced_a = make_site("B unplaced"), make_site("A unplaced")
    found = nearest.near(session, here, 10)
    assert found == [far_same, near, farther, unplaced_a, unplaced_b]


def test_at_most_as_many_as_asked_and_never_the_site_itself(session, make_site):
    sites = [make_site(f"Fridge {number:02d}", latitude=40.70 + number / 1000, longitude=-73.92)
             for number in range(25)]
    found = nearest.near(session, sites[0], 20)
    assert found == sites[1:21]


def test_a_site_off_the_map_gets_the_others_by_name(session, make_site):
    here = make_site("Here")
    zed, able = make_site("Zed", latitude=40.7, longitude=-73.9), make_site("Able")
    assert nearest.near(session, here, 5) == [able, zed]
