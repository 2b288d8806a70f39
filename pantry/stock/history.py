"""What moved: a site's ledger a page at a time, narrowed by item, kind and local days; and the
last few days, day by day. Read from the ledger along its (site_id, created_at, id) index, so the
cost grows with the page or the days asked for, never with years of history."""
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from itertools import groupby

from sqlalchemy import bindparam, case, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from pantry import seek
from pantry.clock import day_start
from pantry.stock.models import Movement, Stock

LEDGER_ORDER = seek.Order((Movement.created_at, Movement.id), descending=True)  # newest first


def ledger_query(site_id, zone, item_id=None, kind=None, first_day=None, last_day=None):
    """The site's movements narrowed by item, kind and the local days `first_day` to `last_day`
    (both included, days of `zone`), in no order yet (LEDGER_ORDER pages it)."""
    query = select(Movement).where(Movement.site_id == site_id)
    if item_id is not None:
        query = query.where(Movement.item_id == item_id)
    if kind:
        query = query.where(Movement.kind == kind)
    if first_day:
        query = query.where(Movement.created_at >= day_start(first_day, zone))
    if last_day:
        query = query.where(Movement.created_at < day_start(last_day + timedelta(days=1), zone))
    return query


def site_ledger(session, site_id, zone, where, size, **filters):
    """A page (a seek.Page) of the site's movements, newest first, `size` to a page, from `where`
    (a seek.Seek), narrowed by `filters` (see ledger_query), with what each corrects or is corrected by."""
    query = ledger_query(site_id, zone, **filters).options(
        selectinload(Movement.corrected_by), selectinload(Movement.corrects))
    return seek.page(session, query, LEDGER_ORDER, where, size)


@dataclass
class Flow:
    """Per day, oldest first: how many items were added (restocks) and taken."""

    added: list
    taken: list

    @property
    def total_added(self):
        return sum(self.added)

    @property
    def total_taken(self):
        return sum(self.taken)

    @property
    def top(self):
        return max(self.added + self.taken, default=0)


def daily_flows(session, site_ids, days):
    """A Flow for each site in `site_ids` over `days` (a pantry.clock.Days): the quantities
    people said they restocked and took, an entry that was later undone or corrected left out.
    One query, summed by the database, whatever the number of sites."""
    flows = {site_id: Flow([0] * len(days), [0] * len(days)) for site_id in site_ids}
    if not flows:
        return flows
    query, parameters = _flows_query(len(days)), _flows_parameters(list(flows), days)
    for site_id, kind, day, quantity in session.execute(query, parameters):
        flow = flows[site_id]
        (flow.added if kind == "restock" else flow.taken)[day] = int(quantity)
    return flows


def flows_query(site_ids, days):
    """daily_flows' query with its parameters' values (the coordinators' list of queries explains it)."""
    return _flows_select(len(days), _flows_parameters(site_ids, days))


def _flows_parameters(site_ids, days):
    return {"site_ids": list(site_ids), **{f"bound_{number}": moment for number, moment in enumerate(days.bounds)}}


@cache
def _flows_query(count):
    """daily_flows' query over `count` days, made once: the sites and the days' bounds are its
    parameters (the site's page draws the flows every render, and making the query, with its
    alias and its CASE of a branch a day, cost more than the database's answer)."""
    return _flows_select(count)


def _flows_select(count, values=None):
    values = values or {}
    corrector = aliased(Movement, name="corrector")
    bounds = [bindparam(name, values.get(name), type_=Movement.created_at.type)
              for name in (f"bound_{number}" for number in range(count + 1))]
    day = case(*((Movement.created_at < ends, number) for number, ends in enumerate(bounds[1:-1])), else_=count - 1)
    moved = (
        select(Movement.site_id, Movement.kind, Movement.quantity, day.label("day"))
        .where(
            Movement.site_id.in_(bindparam("site_ids", values.get("site_ids"), expanding=True)),
            Movement.created_at >= bounds[0],
            Movement.created_at < bounds[-1],
            Movement.kind.in_(("restock", "take")),
            ~exists().where(corrector.corrects_id == Movement.id),
        )
        .subquery()
    )
    # Grouped outside the subquery: PostgreSQL would not see that the CASE in the select
    # and the one in the GROUP BY are the same expression once each has its own parameters.
    return select(moved.c.site_id, moved.c.kind, moved.c.day, func.sum(moved.c.quantity)).group_by(
        moved.c.site_id, moved.c.kind, moved.c.day
    )


@dataclass
class Empty:
    """An item a site aims to keep (it has a target) and on how many of the days it ran out."""

    stock: Stock
    days: int


def empty_days(session, site_ids, days):
    """For every item with a target at the sites in `site_ids`: on how many of `days` its stock
    was at zero at some moment (the day began empty, or an entry that day left none), most first.

    The stock at the start of the window is today's stock minus what the window's movements did
    (the ledger's invariant: stock is the sum of its movements), then the window is replayed
    forward. Today's target is the measure: the ledger does not keep older targets."""
    stocks = session.scalars(
        select(Stock).where(Stock.site_id.in_(site_ids), Stock.target > 0)
    ).all()
    if not stocks:
        return []
    moves = session.execute(window_query(site_ids, days))
    by_pair = {pair: [(moment, delta) for _, _, moment, delta in rows]
               for pair, rows in groupby(moves, key=lambda row: (row.site_id, row.item_id))}
    found = [Empty(stock, _days_at_zero(stock.quantity, by_pair.get((stock.site_id, stock.item_id), []), days))
             for stock in stocks]
    found.sort(key=lambda empty: (-empty.days, -empty.stock.shortfall, empty.stock.item.name))
    return [empty for empty in found if empty.days]


def window_query(site_ids, days):
    """Every movement at the sites since the first of `days`, by site, item and time."""
    return (
        select(Movement.site_id, Movement.item_id, Movement.created_at, Movement.delta)
        .where(Movement.site_id.in_(site_ids), Movement.created_at >= days.start)
        .order_by(Movement.site_id, Movement.item_id, Movement.created_at, Movement.id)
    )


def _days_at_zero(quantity, moves, days):
    on_day = [[] for _ in days.days]
    for moment, delta in moves:
        day = days.index(moment)
        if day is not None:
            on_day[day].append(delta)
    held = quantity - sum(delta for _, delta in moves)
    count = 0
    for deltas in on_day:
        ran_out = held == 0
        for delta in deltas:
            held += delta
            ran_out = ran_out or held == 0
        count += ran_out
    return count
