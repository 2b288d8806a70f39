"""Where a restock reaches the promises: the ledger says what it recorded (movement_recorded,
connected in create_app) inside the restock's own transaction, and this keeps the promises it
brings, or, for a correction (an undo is one), takes back what the corrected restock brought.
Stock never imports needs; every door that restocks or corrects (a label, the offline outbox,
the API, a coordinator) keeps promises the same way."""
from pantry.needs.promises import keep_promises, take_back


def keep_promises_of_restock(session, movement, now, **extra):
    if movement.kind == "restock":
        keep_promises(session, movement, now)
    elif movement.kind == "correction":
        take_back(session, movement.corrects_id, now)
