"""What can go wrong when writing to the ledger, each with a stable code and an HTTP status."""
from flask_babel import lazy_gettext as _l

from pantry.refusals import Refusal


class LedgerError(Refusal):
    """`field` names what was sent wrong (key, item, quantity, best_before), where a door shows it."""

    code = "ledger_error"
    status = 400
    message = _l("That entry could not be logged.")
    field = None


class BadEntry(LedgerError):
    code = "bad_entry"
    status = 422


class BadKey(BadEntry):
    code = "bad_key"
    field = "key"
    message = _l("This entry has no valid key (8 to 64 letters, digits, - or _). Reload the page and try again.")


class BadQuantity(BadEntry):
    code = "bad_quantity"
    field = "quantity"

    def __init__(self, least, most):
        super().__init__(_l("Enter a whole number from %(least)d to %(most)d.", least=least, most=most))


class BadDate(BadEntry):
    code = "bad_best_before"
    field = "best_before"
    message = _l("Only food you added has a best-before date here.")


class NotThisLabel(BadEntry):
    """An entry at a label printed for one item, for another item."""

    code = "not_this_label"
    field = "item"

    def __init__(self, item_name):
        super().__init__(_l("This label is for %(item)s.", item=item_name))


class UnknownSite(LedgerError):
    code = "unknown_site"
    status = 404
    message = _l("There is no such site.")


class UnknownItem(LedgerError):
    code = "unknown_item"
    status = 404
    field = "item"
    message = _l("There is no such item.")


class UnknownMovement(LedgerError):
    code = "unknown_movement"
    status = 404
    message = _l("There is no such entry in the ledger.")


class UnknownBatch(LedgerError):
    code = "unknown_batch"
    status = 404
    message = _l("There is no such batch at this site.")


class IdempotencyConflict(LedgerError):
    code = "idempotency_conflict"
    status = 422
    message = _l("This entry was already sent with different details. Reload the page and try again.")


class AlreadyCorrected(LedgerError):
    code = "already_corrected"
    status = 409
    message = _l("This entry has already been corrected.")


class CannotCorrect(LedgerError):
    code = "cannot_correct"
    status = 409
    message = _l("A correction cannot itself be corrected. Log the entry again instead.")


class UndoExpired(LedgerError):
    code = "undo_expired"
    status = 409
    message = _l("It is too late to undo this entry. A coordinator can still correct it.")
