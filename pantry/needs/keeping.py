"""Where a restock reaches the promises: the ledger sends `restocked` inside the restock's own
transaction, and this keeps the promises it brings. Stock never imports needs; every door that
restocks (a label, the offline outbox, the API, a coordinator) keeps promises the same way."""
from pantry.needs.promises import keep_promises


def keep(session, movement, now, **extra):
    """The receiver of `restocked` (connected by create_app)."""
    keep_promises(session, movement, now)
