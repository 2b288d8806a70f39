"""Signals between areas, so a lower floor can say something happened without importing
the face that acts on it (a warm fridge is mailed to coordinators by the coordinators' side)."""
from blinker import Namespace

signals = Namespace()

# Sent with the site as sender and `reading=` a care Reading that is out of range, inside the
# reading's own transaction: a receiver only adds rows (to the outbox), never commits.
too_warm = signals.signal("too-warm")

# Sent inside a rule's own transaction, with the rule's session as sender and `now=`: a new
# movement (`movement=`, and `emptied=` whether a take emptied an item the site keeps a target
# of) or a new care record (`record=`), never a replayed one. Receivers write in that same
# transaction and only flush, so the event and its consequences commit or roll back together.
# They are connected in create_app, in plain calls: the followers told an item ran out
# (pantry.stock.ledger.tell_ran_out), the promises a restock keeps and a correction of it takes back (pantry.needs.keeping), the
# reports the event puts right (pantry.reports.closing).
movement_recorded = signals.signal("movement-recorded")
care_recorded = signals.signal("care-recorded")
