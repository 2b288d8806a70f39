"""What a caller sends, turned into types before any rule runs: one JSON object (read as every
JSON body is, pantry.forms.json_object), with fields of the right type. A body that fails gets
every field's problem at once and writes nothing. The limits (the key's shape, how many, which
dates) are the rules' own (pantry.stock.entries for a movement); `Invalid.naming` answers a
rule's refusal of one field in the same shape."""
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from pantry.forms import json_object  # noqa: F401  (the API reads JSON as every door does)
from pantry.refusals import Refusal

MOVEMENT_KINDS = ("take", "restock", "discard", "count")
MOVEMENT_FIELDS = ("key", "kind", "item", "quantity", "best_before")
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class Invalid(Refusal):
    """Fields that are missing or of the wrong type or size; `fields` says which, and why."""

    code = "invalid"
    status = 422
    message = _l("Nothing was logged: please check the entry.")

    def __init__(self, fields):
        super().__init__()
        self.fields = fields

    @classmethod
    def naming(cls, refusal):
        """A rule's refusal of one field (its `field`), answered like a body's bad field."""
        return cls({refusal.field: [str(refusal.message)]})


@dataclass(frozen=True)
class MovementBody:
    key: str
    kind: str
    item: int
    quantity: int
    best_before: date | None


def movement(payload):
    """A movement's fields from `payload`, typed, or Invalid naming each field of the wrong type.
    The ledger says what is out of bounds (pantry.stock.entries.check)."""
    problems = {}
    for name in payload:
        if name not in MOVEMENT_FIELDS:
            problems[name] = [_l("This is not a field of a movement.")]
    key, kind, item, quantity = (payload.get(name) for name in ("key", "kind", "item", "quantity"))
    if not isinstance(key, str):
        problems["key"] = [_l("Send an idempotency key of 8 to 64 letters, digits, - or _.")]
    if not isinstance(kind, str) or kind not in MOVEMENT_KINDS:
        problems["kind"] = [_l("Choose take, restock, discard or count.")]
    if not _whole(item) or item < 1:
        problems["item"] = [_l("Give the item's id, a whole number (the ids are listed at /api/v1/items).")]
    if not _whole(quantity):
        problems["quantity"] = [_l("Say how many, as a whole number.")]
    best_before = _date(payload.get("best_before"), problems)
    _raise(problems)
    return MovementBody(key, kind, item, quantity, best_before)


def _whole(value):
    return type(value) is int  # not True, not 2.0, not "2"


def _date(value, problems):
    if value is None:
        return None
    try:
        if not isinstance(value, str) or not re.fullmatch(DATE_PATTERN, value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        problems["best_before"] = [_l("Give the best-before date as YYYY-MM-DD, or leave it out.")]
        return None


ASK_FIELDS = ("key", "item", "name")
PROMISE_FIELDS = ("key", "item", "quantity", "day", "email")


@dataclass(frozen=True)
class AskBody:
    key: str
    item: int | None
    name: str | None


@dataclass(frozen=True)
class PromiseBody:
    key: str
    item: int
    quantity: int
    day: date
    email: str | None


def _common(payload, names, problems):
    for name in payload:
        if name not in names:
            problems[name] = [_l("This is not a field here.")]
    key = payload.get("key")
    if not isinstance(key, str):  # its shape is the rule's (pantry.needs.asks.check_key)
        problems["key"] = [_l("Send an idempotency key of 8 to 64 letters, digits, - or _.")]
    return key


def _raise(problems):
    if problems:
        raise Invalid({name: [str(message) for message in messages] for name, messages in problems.items()})


def ask(payload):
    """An ask's fields: a key, and an item's id or a typed name (one of the two)."""
    problems = {}
    key = _common(payload, ASK_FIELDS, problems)
    item, name = payload.get("item"), payload.get("name")
    if item is not None and (not _whole(item) or item < 1):
        problems["item"] = [_l("Give the item's id, a whole number (the ids are listed at /api/v1/items).")]
    if name is not None and not isinstance(name, str):
        problems["name"] = [_l("Give the name as text.")]
    if (item is None) == (name is None):
        problems.setdefault("item", [_l("Send an item's id or a typed name, one of the two.")])
    _raise(problems)
    return AskBody(key, item, name)


def promise(payload):
    """A promise's fields, typed; the rule checks the limits (how many, which day, the email)."""
    problems = {}
    key = _common(payload, PROMISE_FIELDS, problems)
    item, quantity, email = payload.get("item"), payload.get("quantity"), payload.get("email")
    if not _whole(item) or item < 1:
        problems["item"] = [_l("Give the item's id, a whole number (the ids are listed at /api/v1/items).")]
    if not _whole(quantity):
        problems["quantity"] = [_l("Say how many, as a whole number.")]
    day = None
    try:
        value = payload.get("day")
        if not isinstance(value, str) or not re.fullmatch(DATE_PATTERN, value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        problems["day"] = [_l("Give the day as YYYY-MM-DD, today to 7 days ahead.")]
    if email is not None and not isinstance(email, str):
        problems["email"] = [_l("Give the email as text, or leave it out.")]
    _raise(problems)
    return PromiseBody(key, item, quantity, day, email)
