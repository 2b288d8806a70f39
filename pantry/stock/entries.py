"""What may be asked of the ledger: an Entry, its idempotency key, and the checks that refuse
(BadEntry) what no rule could record, before anything is read or locked. Ids and quantities
the database could not hold name nothing, rather than reach it.

Every door (a label's form, the offline outbox, the API, a coordinator) only turns what it was
sent into types; the limits are here, each refusal naming the `field` it belongs to, so a door
shows it where it was typed: the key's shape, the quantity's bounds (at most `most`, the
deployment's MAX_LOG_QUANTITY at the public doors), a best-before date only on a restock."""
import hashlib
import json
from dataclasses import astuple, dataclass
from datetime import date

from pantry.stock.errors import BadDate, BadEntry, BadKey, BadQuantity
from pantry.text import KEY_RE, is_key  # noqa: F401  (KEY_RE is the ledger's word too)

KINDS = {"restock", "take", "discard", "count", "correction", "transfer"}
REASONS = {"past_date", "warm", "damaged"}  # pantry.stock.models.DISCARD_REASONS
LARGEST_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL: a larger number names nothing
LARGEST_QUANTITY = 100_000  # far above any one entry, far below what a stock row can hold


@dataclass(frozen=True)
class Entry:
    """What someone asks the ledger to record. `key` makes the request idempotent."""

    kind: str
    key: str
    site_id: int | None = None
    item_id: int | None = None
    quantity: int = 0
    best_before: date | None = None
    batch_id: int | None = None
    corrects_id: int | None = None
    source: str = "scan"
    recorded_by: str = ""
    note: str = ""
    reason: str | None = None  # a discard's: "past_date", "warm" or "damaged"
    to_site_id: int | None = None  # a transfer's destination

    def digest(self):
        """The payload a replayed key must match: everything but who sent it and how.
        The fields added later count only when set, so older keys keep their digests."""
        payload = astuple(self)[:8] + tuple(
            (name, getattr(self, name)) for name in ("reason", "to_site_id") if getattr(self, name) is not None
        )
        raw = json.dumps(payload, default=str, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


def within_ids(value):
    """Whether `value` can be the id of a row: a whole number the database can be asked about."""
    return type(value) is int and 0 < value <= LARGEST_ID


def findable(value):
    """The id to look for; None (which finds nothing) for a number no row can have."""
    return value if within_ids(value) else None


def get(session, model, id, **options):
    """session.get, for an id a row could have; None for any other."""
    return session.get(model, id, **options) if within_ids(id) else None


def check(entry, most=LARGEST_QUANTITY):
    """Refuse (BadEntry) what no rule could record, or more than `most` at once: checked before
    anything is read or locked."""
    if not is_key(entry.key):
        raise BadKey()
    for name in ("site_id", "item_id", "batch_id", "corrects_id", "to_site_id"):
        if getattr(entry, name) is not None and type(getattr(entry, name)) is not int:  # not True, not "3"
            raise BadEntry(f"The {name} must be a whole number.")
    if entry.kind == "correction":
        if entry.corrects_id is None:
            raise BadEntry("A correction names the entry it corrects.")
        return
    if entry.kind not in KINDS:
        raise BadEntry(f"Unknown kind of entry: {entry.kind!r}.")
    if type(entry.quantity) is not int:
        raise BadEntry("The quantity must be a whole number.")
    least, most = (0 if entry.kind == "count" else 1), min(most, LARGEST_QUANTITY)
    if not least <= entry.quantity <= most:
        raise BadQuantity(least, most)
    if entry.reason is not None and (entry.kind != "discard" or entry.reason not in REASONS):
        raise BadEntry("A reason is one of past_date, warm or damaged, and only a discard has one.")
    if (entry.kind == "transfer") != (entry.to_site_id is not None):
        raise BadEntry("A transfer, and only a transfer, names the site it goes to.")
    if entry.best_before is not None and entry.kind != "restock":
        raise BadDate()
    if entry.best_before is not None and type(entry.best_before) is not date:  # not a datetime, not a string
        raise BadEntry("The best-before date must be a date.")
