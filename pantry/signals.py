"""Signals between areas, so a lower floor can say something happened without importing
the face that acts on it (a warm fridge is mailed to coordinators by the coordinators' side)."""
from blinker import Namespace

signals = Namespace()

# Sent with the site as sender and `reading=` a care Reading that is out of range, inside the
# reading's own transaction: a receiver only adds rows (to the outbox), never commits.
too_warm = signals.signal("too-warm")
