"""Asks: a neighbour's "I'd need..." at a site, for an item or a typed name, and what
coordinators do with a typed name (make it an item, or dismiss it). Nothing about the person."""
import hashlib
import json

from sqlalchemy import func, select, update

from pantry.needs.errors import BadKey, BadName, ContactInName, KeyReused, NeedsError, UnknownSuggestion
from pantry.needs.models import Ask, Suggestion
from pantry.needs.words import fold, looks_like_contact
from pantry.sites.models import Site
from pantry.stock.entries import findable, get
from pantry.stock.errors import UnknownItem, UnknownSite
from pantry.stock.items import create_item
from pantry.stock.models import Item, Stock
from pantry.text import has_control_characters, is_key

NAME_MAX = 60


def digest(*parts):
    """The payload a replayed idempotency key must match."""
    return hashlib.sha256(json.dumps(parts, default=str, separators=(",", ":")).encode()).hexdigest()


def check_key(key):
    if not is_key(key):
        raise BadKey()  # the form's check lets a trailing newline through; this one does not


def clean_name(name):
    """A typed name as it is kept, or BadName / ContactInName."""
    if not isinstance(name, str) or has_control_characters(name, allowed=""):
        raise BadName()
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise BadName()
    if looks_like_contact(name):
        raise ContactInName()
    return name


def ask(session, site_id, key, now, item_id=None, name=None):
    """Count one ask at the site. A typed name that is an item's name counts for the item;
    any other goes to the coordinators as a suggestion, never shown publicly as typed."""
    check_key(key)
    if (item_id is None) == (name is None):
        raise NeedsError("An ask names an item or types a name, one of the two.")
    if get(session, Site, site_id) is None:
        raise UnknownSite()
    if item_id is not None and get(session, Item, item_id) is None:
        raise UnknownItem()
    name = clean_name(name) if name is not None else None
    earlier = session.scalar(select(Ask).where(Ask.idempotency_key == key))
    if earlier is not None:
        if earlier.payload_digest != digest(site_id, item_id, name and fold(name)):
            raise KeyReused()
        return earlier
    found = Ask(site_id=site_id, idempotency_key=key, payload_digest=digest(site_id, item_id, name and fold(name)),
                created_at=now)
    if name is None:
        found.item_id = item_id
    else:
        found.item_id = _item_named(session, name)
        if found.item_id is None:
            suggestion = _suggestion(session, site_id, name, now)
            found.suggestion_id, found.item_id = suggestion.id, suggestion.item_id
    session.add(found)
    session.flush()
    return found


def _item_named(session, name):
    """The item whose name, folded, is the typed name folded ('milk 1 l' is 'Milk 1 L')."""
    folded = fold(name)
    return next((item_id for item_id, item_name in session.execute(select(Item.id, Item.name))
                 if fold(item_name) == folded), None)


def _suggestion(session, site_id, name, now):
    folded = fold(name)
    found = session.scalar(select(Suggestion).where(Suggestion.site_id == site_id, Suggestion.folded == folded))
    if found is None:
        found = Suggestion(site_id=site_id, name=name, folded=folded, created_at=now)
        session.add(found)
        session.flush()
    return found


MOST_SUGGESTIONS = 30  # the most asked open suggestions a coordinator sees at once


def open_suggestions(session, since, limit=MOST_SUGGESTIONS):
    """The `limit` most asked open suggestions, with their asks since `since`: (suggestion, asks)."""
    return [(suggestion, count) for suggestion, count in session.execute(open_suggestions_query(since, limit)) if count]


def open_suggestions_query(since, limit=MOST_SUGGESTIONS):
    """Each open suggestion's asks are counted along the asks' suggestion index."""
    asks = (select(func.count(Ask.id)).where(Ask.suggestion_id == Suggestion.id, Ask.created_at >= since)
            .scalar_subquery())
    return (select(Suggestion, asks).where(Suggestion.state == "open").order_by(asks.desc(), Suggestion.id)
            .limit(limit))


def make_item(session, suggestion_id, item_id, now):
    """The suggestion becomes (or joins) an item: its asks, past and to come, count for it,
    and the item is stocked at the site (no target) so it shows on the site's needs list."""
    suggestion = _open_suggestion(session, suggestion_id)
    if get(session, Item, item_id) is None:
        raise UnknownItem()
    suggestion.state, suggestion.item_id, suggestion.decided_at = "made", item_id, now
    session.execute(update(Ask).where(Ask.suggestion_id == suggestion.id).values(item_id=item_id)
                    .execution_options(synchronize_session=False))
    if session.scalar(select(Stock.id).where(Stock.site_id == suggestion.site_id, Stock.item_id == item_id)) is None:
        session.add(Stock(site_id=suggestion.site_id, item_id=item_id, quantity=0, count_looks_off=False))
    session.flush()
    return suggestion


def dismiss(session, suggestion_id, now):
    suggestion = _open_suggestion(session, suggestion_id)
    suggestion.state, suggestion.decided_at = "dismissed", now
    session.flush()
    return suggestion


def _open_suggestion(session, suggestion_id):
    suggestion = session.get(Suggestion, findable(suggestion_id)) if findable(suggestion_id) else None
    if suggestion is None or suggestion.state != "open":
        raise UnknownSuggestion()
    return suggestion


def make_new_item(session, suggestion_id, name, category, unit, now):
    """A new item from a suggestion (pantry.stock.items checks its name), then as make_item."""
    _open_suggestion(session, suggestion_id)
    item = create_item(session, now, name, category, unit)
    return make_item(session, suggestion_id, item.id, now)
