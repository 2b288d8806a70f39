"""'Where can I find...': the sites that have an item in stock now, nearest first when a
rounded location is given, else in the chosen neighbourhood first, else by name.

A location is rounded to about 1 km (two decimals) as it is read, used for the sort and
forgotten: it is never stored, and the access log drops it (pantry.needs.privacy)."""
import math
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from pantry.needs import words
from pantry.needs.errors import BadLocation, BadSearch
from pantry.needs.models import ItemName
from pantry.needs.words import stems
from pantry.sites.models import Site
from pantry.stock.models import Batch, Item, Stock
from pantry.text import has_control_characters

QUERY_MAX = 100
SHOWN = 10  # results on the page, the nearest (or first by name), as many as the home page shows: the rest are counted
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
    """(the first `shown` matches, how many in all), in the order the query asks for. The database
    counts the matches and sorts them, and sends only the first `shown`: however many sites have the
    item, the page reads the same few rows, then those sites whole, with their soonest date."""
    items = matching_items(session, query, language)
    if not items:
        return [], 0
    total = session.scalar(counted(items))
    centre = (query.latitude, query.longitude) if query.located else neighbourhood_centre(session, query.neighbourhood)
    first = session.execute(first_matches(query, centre, items, shown)).all()
    sites = {site.id: site for site in session.scalars(select(Site).where(Site.id.in_({row[0] for row in first})))}
    soonest = dict(((site_id, item_id), day) for site_id, item_id, day in session.execute(
        select(Batch.site_id, Batch.item_id, func.min(Batch.best_before))
        .where(Batch.site_id.in_(sites), Batch.item_id.in_(items), Batch.quantity > 0)
        .group_by(Batch.site_id, Batch.item_id)))
    item_rows = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(items)))}
    found = []
    for site_id, item_id, quantity in first:
        site = sites[site_id]
        km = distance_km(centre, (site.latitude, site.longitude)) if centre and site.latitude is not None else None
        found.append(Found(site, item_rows[item_id], items[item_id], quantity, soonest.get((site_id, item_id)), km))
    return found, total


def _matching(items):
    return Stock.item_id.in_(items), Stock.quantity > 0


def counted(items):
    """The SELECT of how many (site, item) pairs have one of `items` in stock now."""
    return select(func.count()).select_from(Stock).where(*_matching(items))


def first_matches(query, centre, items, shown):
    """The SELECT of the first `shown` (site id, item id, quantity) of `items` in stock, in `order`."""
    return (select(Stock.site_id, Stock.item_id, Stock.quantity).join(Site, Site.id == Stock.site_id)
            .where(*_matching(items)).order_by(*order(query, centre, items)).limit(shown))


def order(query, centre, items):
    """The matches' ORDER BY: the chosen neighbourhood first, then the nearest (along the great
    circle from `centre`, those without a location last), then by the site's name and the item's
    name in the page's language; then by ids, so the order is total."""
    by_name = {item_id: place for place, item_id in enumerate(sorted(items, key=items.get))}
    keys = [func.lower(Site.neighbourhood) != query.neighbourhood.lower()] if query.neighbourhood else []
    if centre:
        keys += [Site.latitude.is_(None), _haversine(centre)]
    return [*keys, Site.name, case(by_name, value=Stock.item_id), Site.id, Stock.item_id]


def _haversine(centre):
    """The haversine of the central angle from `centre` to a site, which grows as distance_km does."""
    latitude, longitude = map(math.radians, centre)
    north = func.sin((func.radians(Site.latitude) - latitude) / 2)
    east = func.sin((func.radians(Site.longitude) - longitude) / 2)
    return north * north + math.cos(latitude) * func.cos(func.radians(Site.latitude)) * east * east


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
