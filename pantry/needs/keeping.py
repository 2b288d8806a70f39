"""Where a restock reaches the promises: the ledger says what it recorded (movement_recorded,
connected in create_app) inside the restock's own transaction, and this keeps the promises it
brings. Stock never imports needs; every door that restocks (a label, the offline outbox, the
API, a coordinator) keeps promises the same way."""
from pantry.needs.promises import keep_promises


def keep_promises_of_restock(session, movement, now, **extra):
    if movement.kind == "restock":
        keep_promises(session, movement, now)
