"""Signals between areas, so a lower floor can say something happened without importing
the face that acts on it (a warm fridge is mailed to coordinators by the coordinators' side)."""
from blinker import Namespace

signals = Namespace()

# Sent with the site as sender and `reading=` a care Reading that is out of range, inside the
# reading's own transaction: a receiver only adds rows (to the outbox), never commits.
too_warm = signals.signal("too-warm")

# Sent by the ledger (pantry.stock.ledger.record) inside the restock's own transaction, with the
# session as sender and `movement=` the restock just flushed and `now=`: pantry.needs keeps
# promises on it, so a promise is kept with the restock that kept it, or not at all.
restocked = signals.signal("restocked")
# Sent inside a rule's own transaction, with the rule's session as sender and `now=`: a new
# movement (`movement=`) or a new care record (`record=`), never a replayed one. Receivers
# (pantry/reports/closing.py closes what the event puts right) write in that same
# transaction and only flush, so the event and its consequences commit or roll back together.
movement_recorded = signals.signal("movement-recorded")
care_recorded = signals.signal("care-recorded")
