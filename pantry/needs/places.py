"""What coordinators tell the search: where a site is (typed or pasted from OpenStreetMap), its
neighbourhood, and an item's name in another language."""
import math
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from pantry.needs.errors import BadLocation, NeedsError
from pantry.needs.models import ItemName
from pantry.stock.entries import get
from pantry.stock.errors import UnknownItem
from pantry.stock.models import Item
from pantry.text import has_control_characters

PAIR = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,;\s/]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
NEIGHBOURHOOD_MAX = 80
NAME_MAX = 80


class BadPlaceName(NeedsError):
    code = "bad_place_name"
    field = "neighbourhood"
    message = _l("Keep it to at most 80 letters, without control characters.")


class BadItemName(NeedsError):
    code = "bad_item_name"
    field = "name"
    message = _l("Keep it to at most 80 letters, without control characters.")


def parse_point(text):
    """'40.6928, -73.9903' (as OpenStreetMap shows it) -> (40.6928, -73.9903); '' -> (None, None)."""
    if not text or not text.strip():
        return None, None
    match = PAIR.match(text)
    if not match:
        raise BadLocation()
    latitude, longitude = float(match[1]), float(match[2])
    if not (math.isfinite(latitude) and -90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadLocation()
    return latitude, longitude


def set_location(session, site, point, neighbourhood, now):
    """Set where the site is (or forget it, with an empty point) and its neighbourhood."""
    latitude, longitude = parse_point(point)
    neighbourhood = " ".join((neighbourhood or "").split())
    if len(neighbourhood) > NEIGHBOURHOOD_MAX or has_control_characters(neighbourhood, allowed=""):
        raise BadPlaceName()
    site.latitude, site.longitude, site.neighbourhood = latitude, longitude, neighbourhood
    session.flush()
    return site


def set_item_name(session, item_id, language, name, now):
    """The item's name in `language`; an empty name forgets it."""
    if get(session, Item, item_id) is None:
        raise UnknownItem()
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX or has_control_characters(name, allowed=""):
        raise BadItemName()
    session.execute(delete(ItemName).where(ItemName.item_id == item_id, ItemName.language == language))
    if name:
        session.add(ItemName(item_id=item_id, language=language, name=name))
    session.flush()


def item_names(session, item_id):
    return dict(session.execute(select(ItemName.language, ItemName.name).where(ItemName.item_id == item_id)).all())
