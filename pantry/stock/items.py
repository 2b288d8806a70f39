"""Adding and changing items, and the target level of each item at each site.

A target is a setting, not a movement: setting one never touches the ledger or the stock."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from pantry import seek
from pantry.refusals import Refusal
from pantry.sites.models import Site
from pantry.sites.rules import UNUSUAL_CHARACTERS
from pantry.stock.errors import UnknownItem, UnknownSite
from pantry.stock.ledger import lock_stock
from pantry.stock.models import CATEGORIES, LARGEST_GRAMS, Item, Stock
from pantry.text import has_control_characters

NAME_MAX = 80
UNIT_MAX = 40
TARGET_MAX = 9999


class ItemError(Refusal):
    """An item or a target that cannot be saved. `field` names the form field the message belongs to."""

    code = "bad_item"
    status = 422
    message = _l("That item could not be saved.")
    field = None

    def __init__(self, message=None, field=None):
        super().__init__(message)
        if field is not None:
            self.field = field


class BadItemName(ItemError):
    code = "bad_item_name"
    field = "name"
    message = _l("Give the item a name of up to 80 characters, without unusual invisible characters.")


class ItemNameTaken(ItemError):
    code = "item_name_taken"
    field = "name"
    message = _l("There is already an item with this name.")


class BadItemDetail(ItemError):
    code = "bad_item_detail"


class BadTarget(ItemError):
    code = "bad_target"
    message = _l("A target is a whole number from 0 to 9999, or empty for no target.")


ORDER = seek.Order((Item.category, Item.name, Item.id))  # the items list: by category, then name


def select_items():
    return select(Item)


def items_page(session, where, size):
    """A page (a seek.Page) of the network's items by category and name, along their index."""
    return seek.page(session, select_items(), ORDER, where, size)


def create_item(session, now, name, category="other", unit="", keep_cold=False, typical_grams=None):
    details = _checked(session, None, name, category, unit) | _kept(keep_cold, typical_grams)
    item = Item(created_at=now, **details)
    session.add(item)
    session.flush()
    return item


def update_item(session, item, now, name, category="other", unit="", keep_cold=False, typical_grams=None):
    details = _checked(session, item, name, category, unit) | _kept(keep_cold, typical_grams)
    for attribute, value in details.items():
        setattr(item, attribute, value)
    session.flush()
    return item


def set_targets(session, site_id, targets, now):
    """Set the target of each item named in `targets` ({item_id: number or None}) at a site.

    None means no target. Each changed stock row is locked (pantry.stock.ledger.lock_stock)
    in item order before its target is written. Returns the ids of the items that changed."""
    if session.get(Site, site_id) is None:
        raise UnknownSite()
    for item_id, target in targets.items():
        if target is not None and (type(target) is not int or not 0 <= target <= TARGET_MAX):
            raise BadTarget(field=item_id)
    wanted = set(targets)
    known = set(session.scalars(select(Item.id).where(Item.id.in_(wanted)))) if wanted else set()
    if known != wanted:
        raise UnknownItem()
    current = dict(session.execute(
        select(Stock.item_id, Stock.target).where(Stock.site_id == site_id, Stock.item_id.in_(wanted))
    ).all())
    changed = []
    for item_id in sorted(wanted):
        target = targets[item_id]
        if item_id in current and current[item_id] == target:
            continue
        if item_id not in current and target is None:
            continue  # no stock row, no target: nothing to say
        stock = lock_stock(session, site_id, item_id)
        if stock.target != target:
            stock.target = target
            changed.append(item_id)
    session.flush()
    return changed


def _checked(session, item, name, category, unit):
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX or has_control_characters(name):
        raise BadItemName()
    # The same letters, or the same but for case: SQLite's lower() folds only A to Z, so the exact
    # name is asked for too (hypothesis found "Ú╂..." passing the check, then failing the unique index).
    same_name = select(Item.id).where(or_(Item.name == name, func.lower(Item.name) == name.lower()))
    if item is not None:
        same_name = same_name.where(Item.id != item.id)
    if session.scalar(same_name.limit(1)) is not None:
        raise ItemNameTaken()
    if category not in CATEGORIES:
        raise BadItemDetail(_l("Choose one of the categories."), "category")
    unit = " ".join((unit or "").split())
    if len(unit) > UNIT_MAX:
        raise BadItemDetail(_l("Use at most %(most)d characters.", most=UNIT_MAX), "unit")
    if has_control_characters(unit):
        raise BadItemDetail(UNUSUAL_CHARACTERS, "unit")
    return {"name": name, "category": category, "unit": unit}


def _kept(keep_cold, typical_grams):
    """Whether the item is cold-chain food, and its typical weight (for the impact report's estimate)."""
    if typical_grams is not None and (type(typical_grams) is not int or not 1 <= typical_grams <= LARGEST_GRAMS):
        raise BadItemDetail(_l("A typical weight is a whole number of grams from 1 to %(most)d, or empty.",
                               most=LARGEST_GRAMS), "typical_grams")
    return {"keep_cold": bool(keep_cold), "typical_grams": typical_grams}
