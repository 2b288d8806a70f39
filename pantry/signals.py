"""Signals between areas, so a lower floor can say something happened without importing
the face that acts on it (a warm fridge is mailed to coordinators by the coordinators' side)."""
from blinker import Namespace

signals = Namespace()

# Sent with the app as sender and `reading=` a care Reading that is out of range.
too_warm = signals.signal("too-warm")
