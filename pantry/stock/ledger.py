"""The ledger's rules: restock, take, discard, count, correct, and transfer (pantry.stock.transfers).

Each rule takes the session and `now`, locks the stock row of the item at the
site, applies its change with conditional `quantity = quantity + :delta`
updates, appends one movement, and flushes. The caller commits.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pantry import outbox
from pantry.signals import movement_recorded
from pantry.sites.models import Site
from pantry.stock import transfers
from pantry.stock.entries import (  # noqa: F401  (Entry and the limits are the ledger's words too)
    KEY_RE,
    LARGEST_ID,
    LARGEST_QUANTITY,
    Entry,
    check,
    findable,
    get,
    within_ids,
)
from pantry.stock.errors import (
    AlreadyCorrected,
    CannotCorrect,
    NotThisLabel,
    UndoExpired,
    UnknownBatch,
    UnknownItem,
    UnknownMovement,
    UnknownSite,
)
from pantry.stock.models import Batch, Item, Movement
from pantry.stock.moves import (  # noqa: F401  (lock_stock is the ledger's word too)
    Change,
    batch_for,
    book,
    find_replay,
    lock_stock,
    lock_with_replay,
    move,
    reverse,
    take_earliest_first,
)


def restock(session, site_id, item_id, quantity, key, now, best_before=None, **extra):
    entry = Entry("restock", key, site_id, item_id, quantity, best_before=best_before, **extra)
    return record(session, entry, now)


def take(session, site_id, item_id, quantity, key, now, **extra):
    return record(session, Entry("take", key, site_id, item_id, quantity, **extra), now)


def discard(session, site_id, item_id, quantity, key, now, batch_id=None, **extra):
    entry = Entry("discard", key, site_id, item_id, quantity, batch_id=batch_id, **extra)
    return record(session, entry, now)


def count(session, site_id, item_id, counted, key, now, **extra):
    return record(session, Entry("count", key, site_id, item_id, counted, **extra), now)


def correct(session, movement_id, key, now, **extra):
    return record(session, Entry("correction", key, corrects_id=movement_id, **extra), now)


def transfer(session, site_id, to_site_id, item_id, quantity, key, now, confirmed=False, **extra):
    """Move `quantity` of an item from one site to another (pantry.stock.transfers)."""
    entry = Entry("transfer", key, site_id, item_id, quantity, to_site_id=to_site_id, **extra)
    check(entry)
    return transfers.transfer(session, entry, now, check_exists=_check_exists, confirmed=confirmed)


def undo(session, movement_id, key, now, window):
    """A correction asked for by the person who logged the entry, within `window`.
    The same undo sent again later still answers like the first time."""
    entry = Entry("correction", key, corrects_id=movement_id, source="undo")
    check(entry)
    original = get(session, Movement, movement_id)
    if original is None:
        raise UnknownMovement()
    if now - original.created_at > window and find_replay(session, entry) is None:
        raise UndoExpired()
    return record(session, entry, now)


def undoable(session, movement_ids, now, window):
    """Which of `movement_ids` can still be undone: made within `window` before `now`, neither
    a correction nor corrected since. The newest first."""
    movement_ids = [movement_id for movement_id in movement_ids if within_ids(movement_id)]
    if not movement_ids:
        return []
    query = (
        select(Movement)
        .where(Movement.id.in_(movement_ids), Movement.created_at >= now - window, Movement.kind != "correction")
        .order_by(Movement.id.desc())
        .options(selectinload(Movement.corrected_by))
    )
    return [movement for movement in session.scalars(query) if movement.corrected_by is None]


@dataclass(frozen=True)
class Admitted:
    """An entry `admit` has checked: what `record_admitted` books without checking it again."""

    entry: Entry


def admit(session, entry, most=LARGEST_QUANTITY, label_item_id=None, label_item_name=None):
    """Refuse (BadEntry) what may not be recorded: a key of the wrong shape, a quantity beyond 1
    to `most`, a date where none belongs and, at a label printed for one item (`label_item_id`,
    named `label_item_name` when the caller has it), any other item. Reads nothing and locks
    nothing (but for the label's item's name, when a refusal needs it): a door admits its entry
    before the write begins, so a refused one never waits for the write lock."""
    check(entry, most)
    if label_item_id is not None and entry.kind not in ("transfer", "correction") and entry.item_id != label_item_id:
        raise NotThisLabel(label_item_name or session.get(Item, label_item_id).name)
    return Admitted(entry)


def record(session, entry, now, most=LARGEST_QUANTITY, label_item_id=None):
    """Apply `entry` once: at most `most` at once and, at a label printed for one item
    (`label_item_id`), only that item. The same key again returns the first movement;
    the same key with another payload raises IdempotencyConflict."""
    return record_admitted(session, admit(session, entry, most, label_item_id), now)


def record_admitted(session, admitted, now):
    """Apply an entry `admit` let through, once (see `record`)."""
    entry = admitted.entry
    if entry.kind == "transfer":
        return transfers.transfer(session, entry, now, check_exists=_check_exists).out
    if entry.kind == "correction":
        return _record_correction(session, entry, now)
    return _book_once(session, entry, entry.site_id, entry.item_id, now)


def _record_correction(session, entry, now):
    original = get(session, Movement, entry.corrects_id)
    if original is None:
        raise UnknownMovement()
    if original.kind == "transfer":
        return transfers.correct(session, original, entry, now, check_correctable)
    return _book_once(session, entry, original.site_id, original.item_id, now, corrected=original)


def _book_once(session, entry, site_id, item_id, now, corrected=None):
    """Lock the stock row, answer a replay as the first time, else apply and book the entry and
    say so (pantry.signals.movement_recorded: the followers, the promises, the reports)."""
    # A site and an item with a stock row exist (its foreign keys say so): they are looked up
    # only when this is the item's first movement at the site (or an id no row can have).
    def exists():
        _check_exists(session, site_id, item_id)

    if not (within_ids(site_id) and within_ids(item_id)):
        exists()  # refuses
    stock, earlier = lock_with_replay(session, site_id, item_id, entry, making=exists)
    if earlier is not None:
        return earlier
    if corrected is not None:
        check_correctable(session, corrected)
    change = _APPLY[entry.kind](session, stock, entry, now)
    movement = book(session, stock, entry, change, now)
    emptied = entry.kind == "take" and bool(stock.target) and stock.quantity > 0 and stock.quantity + change.delta == 0
    movement_recorded.send(session, movement=movement, now=now, emptied=emptied)
    return movement


def tell_ran_out(session, movement, now, emptied, **extra):
    """A take emptied an item the site keeps a target of: its followers hear it ran out.
    Connected to movement_recorded in create_app, with the promises and the reports."""
    if emptied:
        site, item = session.get(Site, movement.site_id), session.get(Item, movement.item_id)
        outbox.announce(session, site, "needs", {"item": item.name}, now, key=f"needs:{movement.id}")


def _check_exists(session, site_id, item_id):
    site, item = session.execute(select(
        select(Site.id).where(Site.id == findable(site_id)).exists(),
        select(Item.id).where(Item.id == findable(item_id)).exists(),
    )).one()
    if not site:
        raise UnknownSite()
    if not item:
        raise UnknownItem()


def _restock(session, stock, entry, now):
    batch = batch_for(session, stock, entry.best_before, now)
    return Change([move(session, batch, entry.quantity)], {"last_restocked_at": now})


def _take(session, stock, entry, now):
    change = Change(take_earliest_first(session, stock, entry.quantity))
    if -change.delta < entry.quantity:
        change.stock["count_looks_off"] = True
    return change


def _discard(session, stock, entry, now):
    if entry.batch_id is None:
        return _take(session, stock, entry, now)
    batch = get(session, Batch, entry.batch_id, populate_existing=True)
    if batch is None or (batch.site_id, batch.item_id) != (stock.site_id, stock.item_id):
        raise UnknownBatch()
    removed = min(batch.quantity, entry.quantity)
    change = Change([move(session, batch, -removed)] if removed else [])
    if removed < entry.quantity:
        change.stock["count_looks_off"] = True
    return change


def _count(session, stock, entry, now):
    """Set the stock to what was counted: surplus comes off the earliest batches,
    a shortfall of the record goes on a batch with no date."""
    difference = entry.quantity - stock.quantity
    change = Change(stock={"count_looks_off": False})
    if difference < 0:
        change.batches = take_earliest_first(session, stock, -difference)
    elif difference > 0:
        change.batches = [move(session, batch_for(session, stock, None, now), difference)]
    return change


def _correct(session, stock, entry, now):
    """Reverse the named movement batch by batch, as far as the batches still allow."""
    return reverse(session, session.get(Movement, entry.corrects_id))


def check_correctable(session, original):
    if original.kind == "correction":
        raise CannotCorrect()
    # Asked of the database under the lock, not of a relationship loaded earlier.
    if session.scalar(select(Movement.id).where(Movement.corrects_id == original.id)) is not None:
        raise AlreadyCorrected()


_APPLY = {
    "restock": _restock,
    "take": _take,
    "discard": _discard,
    "count": _count,
    "correction": _correct,
}
