"""Transfers between sites (the van run between fridges): what leaves one site arrives at
another with the same best-before dates, as two movements of kind "transfer" that name each
other. Both stock rows are locked, always in the order of their site ids, so two transfers
the opposite ways cannot wait on each other; a correction of either leg reverses both."""
import hashlib
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l

from pantry.sites.models import Site
from pantry.stock.entries import get
from pantry.stock.errors import LedgerError, UnknownSite
from pantry.stock.models import Batch, Item, Movement
from pantry.stock.moves import Change, batch_for, book, find_replay, lock_stock, move, reverse, take_earliest_first


class SameSite(LedgerError):
    code = "same_site"
    status = 422
    message = _l("A transfer goes from one site to another: choose a different site to send it to.")


class NotEnoughToTransfer(LedgerError):
    code = "not_enough_to_transfer"
    status = 409
    message = _l("The site does not hold that many. A transfer moves food that is there: count it first, or send fewer.")


class ConfirmKind(LedgerError):
    code = "confirm_kind"
    status = 409
    message = _l("This item is kept cold and that site has no fridge. Tick the box to confirm it is right, then send again.")


@dataclass(frozen=True)
class Transfer:
    out: Movement  # at the site it left
    into: Movement  # at the site it reached


def twin_key(key):
    """The second leg's key, made from the first's: never a key a person could send (it has a ~)."""
    return "~" + hashlib.sha256(key.encode()).hexdigest()[:63]


def transfer(session, entry, now, check_exists, confirmed=False):
    """Record the checked transfer `entry` once: the same key again returns the first one."""
    if entry.site_id == entry.to_site_id:
        raise SameSite()
    check_exists(session, entry.site_id, entry.item_id)
    destination = get(session, Site, entry.to_site_id)
    if destination is None:
        raise UnknownSite()
    source_stock, destination_stock = _lock_both(session, entry.site_id, entry.to_site_id, entry.item_id)
    earlier = find_replay(session, entry)
    if earlier is not None:
        return Transfer(earlier, earlier.pair)
    if not confirmed and not takes(destination, session.get(Item, entry.item_id)):
        raise ConfirmKind()
    if source_stock.quantity < entry.quantity:
        raise NotEnoughToTransfer()
    taken = take_earliest_first(session, source_stock, entry.quantity)
    arrived = Change(stock={"last_restocked_at": now})
    for batch_id, delta in taken:
        best_before = session.get(Batch, batch_id).best_before
        arrived.batches.append(move(session, batch_for(session, destination_stock, best_before, now), -delta))
    out = book(session, source_stock, entry, Change(taken), now)
    into = book(session, destination_stock, entry, arrived, now, key=twin_key(entry.key))
    _pair(session, out, into)
    return Transfer(out, into)


def correct(session, original, entry, now, check_correctable):
    """Reverse both legs of the transfer `original` belongs to: two corrections that name each other.
    Returns the correction of `original`."""
    twin = original.pair
    first, second = sorted((original, twin), key=lambda leg: leg.site_id)
    stocks = {first.site_id: lock_stock(session, first.site_id, first.item_id),
              second.site_id: lock_stock(session, second.site_id, second.item_id)}
    earlier = find_replay(session, entry)
    if earlier is not None:
        return earlier
    check_correctable(session, original)
    check_correctable(session, twin)
    mine = book(session, stocks[original.site_id], entry, reverse(session, original), now)
    twin_entry = replace(entry, corrects_id=twin.id)
    theirs = book(session, stocks[twin.site_id], twin_entry, reverse(session, twin), now, key=twin_key(entry.key))
    _pair(session, mine, theirs)
    return mine


def takes(site, item):
    """Whether the site can keep the item: food kept cold needs a fridge or a freezer."""
    return not (item.keep_cold and site.kind == "pantry")


def _lock_both(session, source_id, destination_id, item_id):
    locked = {site_id: lock_stock(session, site_id, item_id) for site_id in sorted((source_id, destination_id))}
    return locked[source_id], locked[destination_id]


def _pair(session, one, other):
    one.pairs_id, other.pairs_id = other.id, one.id
    session.flush()


def legs(session, movement_id):
    """Both legs of a transfer, the one leaving first; None if the movement is not one."""
    movement = get(session, Movement, movement_id)
    if movement is None or movement.kind != "transfer":
        return None
    return (movement, movement.pair) if movement.delta < 0 else (movement.pair, movement)
