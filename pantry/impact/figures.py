"""The impact report's figures, per site and for the network, over a range of local days.

Each figure is read from the rows of the range alone, along an index on the time column it
is kept by (movements' created_at, care records' created_at, readings' taken_at, shifts'
starts_at, excursions' started_at), so a month costs what a month holds, however long the
history. The definitions match the coordinators' CSV exports of the same days line for line
(tests/impact/test_figures.py recomputes the figures from them):

- taken, added: what takes and restocks did to the stock (their deltas), not what was said;
- discarded: what discards did, by reason (past its date, warm, damaged, or not said);
- sent, received: transfers out of and into the site, each leg counted, never netted against the
  other way (in the network's total the two are equal);
- corrected: what corrections did, all together (a correction of a take puts food back);
- kilograms: the taken items times their item's typical weight, an estimate; the taken items
  whose item has no weight are counted apart;
- visits: care records; days cared: the local days with at least one;
- readings, and those in range;
- shifts done (marked done, not cancelled, starting in the range) and volunteer hours: each
  such shift's length times the people signed up for it;
- asks made in the range, and promises for a day of the range that restocks kept (what they
  brought, too); a promise that lapsed is never counted, since nobody is blamed;
- excursions that began in the range, and those that put food in question;
- of those excursions, the batches put in question ("check before eating") and the flags a
  coordinator cleared with a reason (whenever it was cleared: a month's excursions, told whole)."""
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import case, func, select

from pantry.care.models import CareRecord, Excursion, Flag, Reading
from pantry.clock import day_start, deployment_zone
from pantry.needs.models import Ask, Promise
from pantry.shifts.models import Shift
from pantry.stock.models import DISCARD_REASONS, Item, Movement

REASONS = tuple(DISCARD_REASONS) + ("unspecified",)


@dataclass
class Figures:
    days: int = 0  # site-days for the network: the days times the sites
    taken: int = 0
    added: int = 0
    discarded: dict = field(default_factory=lambda: dict.fromkeys(REASONS, 0))
    sent: int = 0
    received: int = 0
    corrected: int = 0
    grams: int = 0
    taken_without_weight: int = 0
    visits: int = 0
    days_cared: int = 0
    readings: int = 0
    readings_in_range: int = 0
    shifts_done: int = 0
    volunteer_minutes: int = 0
    asks: int = 0
    promises_kept: int = 0
    brought_as_promised: int = 0
    excursions: int = 0
    excursions_flagged: int = 0
    batches_flagged: int = 0
    flags_cleared: int = 0

    @property
    def kilograms(self):
        return self.grams / 1000

    @property
    def discarded_total(self):
        return sum(self.discarded.values())

    @property
    def cared_share(self):
        return self.days_cared / self.days if self.days else None

    @property
    def in_range_share(self):
        return self.readings_in_range / self.readings if self.readings else None

    @property
    def volunteer_hours(self):
        return self.volunteer_minutes / 60

    def add(self, other):
        for name in (f.name for f in fields(self)):
            if name == "discarded":
                for reason, count in other.discarded.items():
                    self.discarded[reason] += count
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class Range:
    """Local days `first` to `last`, both included, and the UTC moments they span."""

    first: date
    last: date

    @property
    def days(self):
        return (self.last - self.first).days + 1

    def bounds(self):
        zone = deployment_zone()
        return day_start(self.first, zone), day_start(self.last + timedelta(days=1), zone)


def figures(session, sites, within):
    """Figures for each site of `sites` over `within` (a Range), and for all of them together."""
    ids = [site.id for site in sites]
    found = {site_id: Figures(days=within.days) for site_id in ids}
    if ids:
        start, end = within.bounds()
        _movements(session, found, start, end)
        _care(session, found, start, end)
        _readings(session, found, start, end)
        _shifts(session, found, start, end)
        _asks(session, found, start, end)
        _promises_kept(session, found, within)
        _excursions(session, found, start, end)
        _flags(session, found, start, end)
    network = Figures()
    for one in found.values():
        network.add(one)
    return found, network


def _window(column, found, start, end, site_column):
    return (column >= start, column < end, site_column.in_(list(found)))


def _movements(session, found, start, end):
    weighed = case((Item.typical_grams.is_(None), 0), else_=Item.typical_grams) * Movement.delta
    unweighed = case((Item.typical_grams.is_(None), Movement.delta), else_=0)
    # A transfer's legs are summed apart by their direction: a site that sent 5 and received 2
    # of an item sent 5 and received 2, as the export's lines say, not "sent 3".
    leaving = case((Movement.delta < 0, -Movement.delta), else_=0)
    arriving = case((Movement.delta > 0, Movement.delta), else_=0)
    rows = session.execute(
        select(Movement.site_id, Movement.kind, Movement.reason, func.sum(Movement.delta),
               func.sum(weighed), func.sum(unweighed), func.sum(leaving), func.sum(arriving))
        .join(Item, Item.id == Movement.item_id)
        .where(*_window(Movement.created_at, found, start, end, Movement.site_id))
        .group_by(Movement.site_id, Movement.kind, Movement.reason)
    )
    for site_id, kind, reason, delta, grams, without, left, arrived in rows:
        one, delta = found[site_id], int(delta or 0)
        if kind == "take":
            one.taken -= delta
            one.grams -= int(grams or 0)
            one.taken_without_weight -= int(without or 0)
        elif kind == "restock":
            one.added += delta
        elif kind == "discard":
            one.discarded[reason or "unspecified"] -= delta
        elif kind == "transfer":
            one.sent += int(left or 0)
            one.received += int(arrived or 0)
        elif kind == "correction":
            one.corrected += delta


def _care(session, found, start, end):
    zone, days = deployment_zone(), {}
    rows = session.execute(
        select(CareRecord.site_id, CareRecord.created_at)
        .where(*_window(CareRecord.created_at, found, start, end, CareRecord.site_id))
    )
    for site_id, created_at in rows:
        found[site_id].visits += 1
        days.setdefault(site_id, set()).add(created_at.astimezone(zone).date())
    for site_id, cared in days.items():
        found[site_id].days_cared = len(cared)


def _readings(session, found, start, end):
    rows = session.execute(
        select(Reading.site_id, func.count(), func.sum(case((Reading.in_range.is_(True), 1), else_=0)))
        .where(*_window(Reading.taken_at, found, start, end, Reading.site_id))
        .group_by(Reading.site_id)
    )
    for site_id, every, in_range in rows:
        found[site_id].readings, found[site_id].readings_in_range = every, int(in_range or 0)


def _shifts(session, found, start, end):
    rows = session.execute(
        select(Shift.site_id, Shift.starts_at, Shift.ends_at, Shift.taken)
        .where(*_window(Shift.starts_at, found, start, end, Shift.site_id),
               Shift.done_at.is_not(None), Shift.cancelled_at.is_(None))
    )
    for site_id, starts_at, ends_at, taken in rows:
        found[site_id].shifts_done += 1
        found[site_id].volunteer_minutes += round((ends_at - starts_at).total_seconds() / 60) * taken


def _asks(session, found, start, end):
    rows = session.execute(
        select(Ask.site_id, func.count())
        .where(*_window(Ask.created_at, found, start, end, Ask.site_id))
        .group_by(Ask.site_id)
    )
    for site_id, every in rows:
        found[site_id].asks = every


def _promises_kept(session, found, within):
    """By the promise's day (a local day, as the range's are), along its site's index."""
    rows = session.execute(
        select(Promise.site_id, func.count(Promise.kept_at), func.sum(Promise.brought))
        .where(Promise.site_id.in_(list(found)), Promise.day >= within.first, Promise.day <= within.last,
               Promise.cancelled_at.is_(None))
        .group_by(Promise.site_id)
    )
    for site_id, kept, brought in rows:
        found[site_id].promises_kept, found[site_id].brought_as_promised = kept, int(brought or 0)


def _excursions(session, found, start, end):
    rows = session.execute(
        select(Excursion.site_id, func.count(), func.count(Excursion.flagged_at))
        .where(*_window(Excursion.started_at, found, start, end, Excursion.site_id))
        .group_by(Excursion.site_id)
    )
    for site_id, every, flagged in rows:
        found[site_id].excursions, found[site_id].excursions_flagged = every, flagged


def _flags(session, found, start, end):
    """Along the excursions of the range (their site and start index), then each one's flags."""
    rows = session.execute(
        select(Excursion.site_id, func.count(Flag.id), func.count(Flag.cleared_at))
        .join(Flag, Flag.excursion_id == Excursion.id)
        .where(*_window(Excursion.started_at, found, start, end, Excursion.site_id))
        .group_by(Excursion.site_id)
    )
    for site_id, flagged, cleared in rows:
        found[site_id].batches_flagged, found[site_id].flags_cleared = flagged, cleared
