"""The impact figures worked out again from the coordinators' CSV exports, by another road:
rows of text, summed in Python."""
import csv
import io
from datetime import datetime

from pantry.impact.figures import Figures


def rows(client, site, name, first, last):
    answer = client.get(f"/admin/sites/{site.slug}/exports/{name}.csv?date_from={first}&date_to={last}", buffered=True)
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.text)))


def from_exports(client, site, first, last):
    figures = Figures(days=(last - first).days + 1)
    for row in rows(client, site, "movements", first, last):
        _movement(figures, row)
    visits = rows(client, site, "care-records", first, last)
    figures.visits = len(visits)
    figures.days_cared = len({datetime.fromisoformat(row["time"]).date() for row in visits})
    readings = rows(client, site, "temperatures", first, last)
    figures.readings = len(readings)
    figures.readings_in_range = sum(row["in_range"] == "true" for row in readings)
    shifts = {row["shift"]: row for row in rows(client, site, "sign-ups", first, last)}
    for row in shifts.values():
        if row["shift_done"] and not row["shift_cancelled"]:
            minutes = (datetime.fromisoformat(row["ends"]) - datetime.fromisoformat(row["starts"])).total_seconds() / 60
            figures.shifts_done += 1
            figures.volunteer_minutes += round(minutes) * int(row["taken"])
    return figures


def _movement(figures, row):
    delta, kind = int(row["delta"]), row["kind"]
    if kind == "take":
        figures.taken -= delta
        if row["typical_grams"]:
            figures.grams -= delta * int(row["typical_grams"])
        else:
            figures.taken_without_weight -= delta
    elif kind == "restock":
        figures.added += delta
    elif kind == "discard":
        figures.discarded[row["reason"] or "unspecified"] -= delta
    elif kind == "transfer" and delta < 0:
        figures.sent -= delta
    elif kind == "transfer":
        figures.received += delta
    elif kind == "correction":
        figures.corrected += delta


UNEXPORTED = {"excursions", "excursions_flagged", "batches_flagged", "flags_cleared", "asks", "promises_kept",
              "brought_as_promised"}


def comparable(figures):
    """Everything the exports can tell (the excursions and their flags, the asks and the promises have no export of their own)."""
    return {name: value for name, value in vars(figures).items() if name not in UNEXPORTED}


