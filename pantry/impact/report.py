"""One impact report: the sites it covers, its range, and their figures; and its version for the page cache."""
from dataclasses import dataclass

from flask import abort, current_app
from sqlalchemy import func, select

from pantry.care.models import CareRecord, Excursion, Flag, Reading
from pantry.clock import local_today
from pantry.impact import ranges
from pantry.impact.figures import REASONS, figures
from pantry.shifts.models import Shift
from pantry.sites.lookup import by_slug
from pantry.sites.models import Site
from pantry.stock.models import Movement


@dataclass
class Report:
    site: Site | None  # None: the whole network
    sites: list
    within: ranges.Range
    per_site: dict
    total: object

    @property
    def rows(self):
        """(name, figures) per site, then the network's when there are several."""
        lines = [(site.name, self.per_site[site.id]) for site in self.sites]
        return lines + ([(None, self.total)] if self.site is None else [])


def report_for(session, slug, args):
    site = None
    if slug is not None:
        site = by_slug(session, slug) or abort(404)
    within = ranges.asked(args, local_today(), current_app.config["IMPACT_MAX_DAYS"])
    sites = [site] if site else session.scalars(select(Site).order_by(Site.name)).all()
    per_site, total = figures(session, sites, within)
    return Report(site, sites, within, per_site, total)


def version(session):
    """What the cached report sees: the newest movement, reading, care record, shift change, excursion,
    and how many flags were cleared."""
    return tuple(session.execute(select(
        select(func.max(Movement.id)).scalar_subquery(),
        select(func.max(Reading.id)).scalar_subquery(),
        select(func.max(CareRecord.id)).scalar_subquery(),
        select(func.max(Shift.updated_at)).scalar_subquery(),
        select(func.max(Excursion.id)).scalar_subquery(),
        select(func.count(Flag.cleared_at)).scalar_subquery(),  # a flag cleared since
    )).one())


COLUMNS = (["site", "first_day", "last_day", "days", "taken", "added"]
           + [f"discarded_{reason}" for reason in REASONS]
           + ["sent", "received", "corrected", "estimated_kg_taken", "taken_without_weight", "visits",
              "days_with_a_visit", "readings", "readings_in_range", "shifts_done", "volunteer_hours",
              "asks", "promises_kept", "brought_as_promised", "excursions", "excursions_putting_food_in_question", "batches_put_in_question", "flags_cleared"])


def line(name, figures, within):
    """One row of the report's CSV and of its API answer, in COLUMNS' order."""
    return [name, within.first.isoformat(), within.last.isoformat(), figures.days, figures.taken, figures.added,
            *(figures.discarded[reason] for reason in REASONS),
            figures.sent, figures.received, figures.corrected, round(figures.kilograms, 1),
            figures.taken_without_weight, figures.visits, figures.days_cared, figures.readings,
            figures.readings_in_range, figures.shifts_done, round(figures.volunteer_hours, 1),
            figures.asks, figures.promises_kept, figures.brought_as_promised, figures.excursions, figures.excursions_flagged, figures.batches_flagged, figures.flags_cleared]
