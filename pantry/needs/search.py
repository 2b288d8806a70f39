"""'Where can I find...': the sites that have an item in stock now, nearest first when a
rounded location is given, else in the chosen neighbourhood first, else by name.

A location is rounded to about 1 km (two decimals) as it is read, used for the sort and
forgotten: it is never stored, and the access log drops it (pantry.needs.privacy)."""
import math
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from pantry.needs import words
from pantry.needs.errors import BadLocation, BadSearch
from pantry.needs.models import ItemName
from pantry.needs.words import stems
from pantry.sites.models import Site
from pantry.sites.nearest import neighbourhoods  # noqa: F401  (the pages ask search for them)
from pantry.stock.models import Batch, Item, Stock
from pantry.text import has_control_characters

QUERY_MAX = 100
SHOWN = 20  # results on the page, the nearest (or first by name): the rest are counted, not drawn
PLACES = 2  # decimals kept of a latitude or longitude: 0.01° is about 1.1 km
EARTH_KM = 6371.0
NO_SUCH_NEIGHBOURHOOD = _l("There is no such neighbourhood.")


@dataclass(frozen=True)
class Query:
    text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    neighbourhood: str = ""

    @property
    def stems(self):
        return stems(self.text)

    @property
    def located(self):
        return self.latitude is not None


def parse(args):
    """A Query from the GET arguments q, lat, lon and near, or BadSearch / BadLocation."""
    text = args.get("q", "")
    if len(text) > QUERY_MAX:
        raise BadSearch(_l("Type at most %(most)d letters.", most=QUERY_MAX))
    if has_control_characters(text, allowed=""):
        raise BadSearch(_l("Type only letters, digits and spaces."))
    latitude = _degrees(args.get("lat"), 90)
    longitude = _degrees(args.get("lon"), 180)
    if (latitude is None) != (longitude is None):
        raise BadLocation()
    near = args.get("near", "")
    if len(near) > Site.neighbourhood.type.length or has_control_characters(near, allowed=""):
        raise BadSearch(NO_SUCH_NEIGHBOURHOOD)
    return Query(" ".join(text.split()), latitude, longitude, near.strip())


def _degrees(value, most):
    if value is None or value == "":
        return None
    try:
        number = float(value) if len(value) <= 20 else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not -most <= number <= most:
        raise BadLocation()
    return round(number, PLACES)


@dataclass
class Found:
    """One site that has a matching item now."""

    site: Site
    item: Item
    name: str  # in the page's language
    quantity: int
    soonest: date | None
    km: float | None = None


def matching_items(session, query, language):
    """{item id: its name in `language`} for the items whose name in any language matches."""
    wanted = query.stems
    if not wanted:
        return {}
    names = {item_id: name for item_id, name in session.execute(select(Item.id, Item.name))}
    shown = dict(names)
    for item_id, name_language, name in session.execute(select(ItemName.item_id, ItemName.language, ItemName.name)):
        names[item_id] = names[item_id] + " " + name
        if name_language == language:
            shown[item_id] = name
    return {item_id: shown[item_id] for item_id, name in names.items() if words.matches(wanted, name)}


def find(session, query, language, shown=SHOWN):
    """(the first `shown` matches, how many in all), in the order the query asks for. The
    matches are sorted as plain rows; only those shown are read whole, with their soonest date."""
    items = matching_items(session, query, language)
    if not items:
        return [], 0
    rows = session.execute(
        select(Stock.site_id, Stock.item_id, Stock.quantity, Site.name, Site.latitude, Site.longitude,
               Site.neighbourhood)
        .join(Site, Site.id == Stock.site_id).where(Stock.item_id.in_(items), Stock.quantity > 0)
    ).all()
    first = ordered(session, rows, query, items)[:shown]
    sites = {site.id: site for site in session.scalars(select(Site).where(Site.id.in_({row[0] for row, _ in first})))}
    soonest = dict(((site_id, item_id), day) for site_id, item_id, day in session.execute(
        select(Batch.site_id, Batch.item_id, func.min(Batch.best_before))
        .where(Batch.site_id.in_(sites), Batch.item_id.in_(items), Batch.quantity > 0)
        .group_by(Batch.site_id, Batch.item_id)))
    item_rows = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(items)))}
    found = [Found(sites[row[0]], item_rows[row[1]], items[row[1]], row[2], soonest.get((row[0], row[1])), km)
             for row, km in first]
    return found, len(rows)


def ordered(session, rows, query, items):
    """[(row, km)] sorted: the chosen neighbourhood first, then nearest, then by name."""
    centre = (query.latitude, query.longitude) if query.located else neighbourhood_centre(session, query.neighbourhood)
    near = query.neighbourhood.casefold()
    placed = [(row, distance_km(centre, (row[4], row[5])) if centre and row[4] is not None else None) for row in rows]
    return sorted(placed, key=lambda pair: (
        bool(near) and pair[0][6].casefold() != near, pair[1] is None, pair[1] or 0, pair[0][3], items[pair[0][1]],
    ))


def neighbourhood_centre(session, neighbourhood):
    """The middle of a neighbourhood's sites that have a location (None without any), to sort by."""
    if not neighbourhood:
        return None
    centre = session.execute(
        select(func.avg(Site.latitude), func.avg(Site.longitude))
        .where(func.lower(Site.neighbourhood) == neighbourhood.lower(), Site.latitude.is_not(None))
    ).one()
    return tuple(centre) if centre[0] is not None else None


def distance_km(a, b):
    """The great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def geo_uri(site):
    return f"geo:{site.latitude:.5f},{site.longitude:.5f}"


def map_link(site):
    lat, lon = f"{site.latitude:.5f}", f"{site.longitude:.5f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
