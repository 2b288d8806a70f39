"""What closes a report: the care and stock rules announce what they recorded (pantry.signals,
connected in create_app), and this closes, in the same transaction, the reports the event puts right.

Stock and care stand below reports (or beside them) and never import them; they only say
what happened. Every door is covered so: the scan page, the API, a coordinator's count,
the cleaning checklist, the demo."""
from pantry.reports.rules import close_fixed

MOVEMENT_FIXES = {"restock": "restocked", "take": "counted", "count": "counted"}


def movement_closes(session, movement, now, **extra):
    fix = MOVEMENT_FIXES.get(movement.kind)
    if fix is not None:
        close_fixed(session, movement.site_id, fix, now)


def care_closes(session, record, now, **extra):
    """A cleaning check (a ticked checklist) closes dirty and unwanted; a reading in range, not cold."""
    if record.checklist:
        close_fixed(session, record.site_id, "cleaned", now)
    reading = record.reading
    if reading is not None and reading.in_range:
        close_fixed(session, record.site_id, "reading", now)
