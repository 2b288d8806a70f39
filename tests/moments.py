"""Any day, any hour: the tests marked `clock` run at the moments a calendar gets wrong.

`pytest --moment all --zone Europe/Madrid` keeps only the tests marked `clock` and runs each of
them once per moment below, with the clock moved there (time-machine, still ticking) and the app's
TIMEZONE set to the zone; `--moment leap-day` runs one moment. `make test-clock` runs every moment
in both zones. Without `--moment` nothing moves and the zone is the network's default.

The moments are local times in the zone: just before and just after the spring change, the
autumn half-hour that happens twice (first and second time), New Year's Eve a minute before
midnight, 29 February at noon, and local midnight exactly (a Monday, the first of a month).
The process's own zone (TZ) is left alone on purpose: code that reads the server's local time
instead of the deployment's is one of the faults looked for."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

DEFAULT_ZONE = "America/New_York"

# Each zone's clock changes; the other moments are the same local times everywhere.
CHANGES = {
    "America/New_York": {"spring": (2027, 3, 14), "autumn": (2027, 11, 7, 1, 30)},
    "Europe/Madrid": {"spring": (2027, 3, 28), "autumn": (2027, 10, 31, 2, 30)},
}
NAMES = ("spring-before", "spring-after", "autumn-first", "autumn-second", "new-year-eve",
         "leap-day", "midnight")

_zone = DEFAULT_ZONE


def zone():
    """The deployment zone the tests run in: the network's default, or `--zone`."""
    return _zone


def local_moment(name, zone_name):
    """The moment called `name` in `zone_name`, as an aware datetime in that zone."""
    spring, autumn = CHANGES[zone_name]["spring"], CHANGES[zone_name]["autumn"]
    wall, fold = {
        "spring-before": ((*spring, 1, 59), 0),
        "spring-after": ((*spring, 3, 1), 0),
        "autumn-first": (autumn, 0),
        "autumn-second": (autumn, 1),
        "new-year-eve": ((2027, 12, 31, 23, 59), 0),
        "leap-day": ((2028, 2, 29, 12, 0), 0),
        "midnight": ((2027, 11, 1, 0, 0), 0),
    }[name]
    return datetime(*wall, fold=fold, tzinfo=ZoneInfo(zone_name))


def pytest_addoption(parser):
    group = parser.getgroup("moments", "any day, any hour (tests/moments.py)")
    group.addoption("--moment", action="append", choices=(*NAMES, "all"), default=[],
                    help="run only the tests marked `clock`, at this moment (again for more; `all`)")
    group.addoption("--zone", default=DEFAULT_ZONE, choices=sorted(CHANGES),
                    help="the deployment zone (TIMEZONE) the tests run in")


def pytest_configure(config):
    global _zone
    _zone = config.getoption("zone")


def chosen(config):
    names = config.getoption("moment")
    return list(NAMES) if "all" in names else list(dict.fromkeys(names))


def pytest_generate_tests(metafunc):
    names = chosen(metafunc.config)
    if names and metafunc.definition.get_closest_marker("clock"):
        metafunc.parametrize("moment", names, indirect=True, scope="function")


def pytest_collection_modifyitems(config, items):
    if not chosen(config):
        return
    kept = [item for item in items if item.get_closest_marker("clock")]
    config.hook.pytest_deselected(items=[item for item in items if not item.get_closest_marker("clock")])
    items[:] = kept


@pytest.fixture(autouse=True)
def moment(request):
    """With `--moment`, the clock stands at the test's moment when the test and its fixtures start
    (autouse: before the app and the rows it makes). The local moment, or None."""
    name = getattr(request, "param", None)
    if name is None:
        yield None
        return
    at = local_moment(name, _zone)
    # Given in UTC, so that time-machine leaves the process's TZ alone.
    with time_machine.travel(at.astimezone(UTC), tick=True):
        yield at
