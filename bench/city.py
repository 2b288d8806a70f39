"""A city's network for `make bench-scale`: a thousand sites in forty neighbourhoods, 120 items with
targets, five years of restocks and takes, coordinators and shifts. The ledger is written in bulk
(executemany on SQLite, COPY on PostgreSQL) yet booked as the rules book it: each movement lands on
its batch through an allocation, each stock is the sum of its movements and of its batches, a take
only ever finds one live batch (so earliest best-before first holds), last_restocked_at is the last
restock, and the ids of the ledger follow its time."""
import math
from contextlib import contextmanager
from dataclasses import astuple, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from seed import ITEMS
from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from pantry.coordinators.models import Coordinator, Network
from pantry.database import writer
from pantry.extensions import db
from pantry.shifts.models import Shift, ShiftPattern, SignUp
from pantry.sites.models import Site
from pantry.stock.models import Allocation, Batch, Item, Movement, Stock
from pantry.tags.rules import issue_tag

VERSION = 1  # bump when what is seeded changes: a kept seed of another version is seeded again
PASSWORD = "a bench coordinator's password"  # every seeded coordinator's
CHUNK = 100_000  # ledger rows written at once
STEPS = 4  # a cycle of one item at one site: a restock, then three takes that empty it
NEIGHBOURHOODS = (
    "Riverside", "Old Town", "Harbour", "Hillcrest", "Market Square", "Northgate", "Southbank", "Eastfield",
    "Westbrook", "Mill End", "Station Road", "Parkside", "Canal Street", "Orchard", "Brickworks", "Chapel Hill",
    "Docklands", "Greenway", "Kingsmead", "Lakeview", "Meadowbank", "Newtown", "Oakfield", "Pottery Lane",
    "Queens Park", "Ropewalk", "Saltmarsh", "Tannery", "Upper Green", "Victoria", "Wharfside", "Yardley",
    "Ashgrove", "Beacon", "Cloverdale", "Dovecote", "Elmwood", "Foundry", "Glassworks", "Hollybush",
)
VARIANTS = ("", " (small)", " (large)", " (organic)", " (value pack)")
KINDS = ("fridge",) * 7 + ("pantry",) * 2 + ("freezer",)
CENTRE = (40.70, -73.95)


@dataclass(frozen=True)
class Size:
    sites: int = 1_000
    neighbourhoods: int = 40
    items: int = 120
    held: int = 40  # items each site keeps, each with a target
    movements: int = 10_000_000
    coordinators: int = 200
    shifts: int = 20_000
    years: int = 5

    def at(self, sites):
        """The same network with `sites` sites: as much history, as many shifts per site."""
        share = sites / self.sites
        return replace(self, sites=sites, neighbourhoods=max(1, round(self.neighbourhoods * share)),
                       movements=round(self.movements * share), coordinators=max(2, round(self.coordinators * share)),
                       shifts=round(self.shifts * share))

    @property
    def key(self):
        return f"v{VERSION}-" + "-".join(str(value) for value in astuple(self))


def seed(session, size, now):
    """Seed an empty database with a network of `size`; return the site a bench measures."""
    if size.held > size.items or size.movements < size.sites * size.held:
        raise ValueError("each site keeps at most every item, and each kept item has at least a restock")
    with writer():
        sites = _sites(session, size, now)
        items = _items(session, size, now)
        pairs = [(site, items[1 + (number * 7 + k - 1) % (len(items) - 1)] if k else items[0])  # milk everywhere
                 for number, site in enumerate(sites) for k in range(size.held)]
        ledger = Ledger(pairs, size, now)
        with _indexes_later(session, Batch, Movement, Allocation):
            for rows in ledger.batches():
                _bulk(session, Batch, BATCH, rows)
            for movements, allocations in ledger.chunks():
                _bulk(session, Movement, MOVEMENT, movements)
                _bulk(session, Allocation, ALLOCATION, allocations)
        _bulk(session, Stock, STOCK, ledger.stocks())
        _coordinators(session, size, now)
        _shifts(session, size, sites, now)
        first = session.get(Site, sites[0])
        codes = {purpose: issue_tag(session, first, purpose, now).code for purpose in ("site", "care")}
        session.commit()
    _after(session)
    return {"slug": first.slug, **codes}


MOVEMENT = ("id", "site_id", "item_id", "kind", "quantity", "delta", "best_before", "source", "recorded_by", "note",
            "idempotency_key", "payload_digest", "created_at")
ALLOCATION = ("id", "movement_id", "batch_id", "delta")
BATCH = ("id", "site_id", "item_id", "quantity", "best_before", "created_at")
STOCK = ("id", "site_id", "item_id", "quantity", "target", "count_looks_off", "last_restocked_at")
DAY = 86_400


class Ledger:
    """The history of every (site, item): cycles of a restock of 4 to 12 and three takes that empty
    it, busier items with more cycles; every item's last cycle ends in the last days, later items
    began later. One pass in time order: each cycle's rows at their global moment, pairs by phase.
    Moments are seconds since the epoch, written as SQLAlchemy writes naive UTC on both databases."""

    def __init__(self, pairs, size, now):
        self.pairs = pairs
        weights = [4 + number % 5 for number in range(len(pairs))]  # milk moves more than soap
        whole = sum(weights)
        self.counts = [size.movements * weight // whole for weight in weights]
        for number in range(size.movements - sum(self.counts)):
            self.counts[number % len(pairs)] += 1
        self.cycles = math.ceil(max(self.counts) / STEPS)
        self.lates = [self.cycles - math.ceil(count / STEPS) for count in self.counts]  # items that began later
        self.end = now.timestamp() - 3600
        self.length = 365 * size.years * DAY / self.cycles  # of one cycle, in seconds
        self.start = self.end - self.length * self.cycles
        self.today = int(now.timestamp()) // DAY
        # Each pair's moment within a step, spread evenly; the pairs in that order, so ids follow time.
        self.phases = [self.length / STEPS * ((number * 7919) % len(pairs)) / len(pairs) for number in range(len(pairs))]
        self.order = sorted(range(len(pairs)), key=self.phases.__getitem__)
        self._days = {}

    def quantity(self, number, cycle):
        restocked = 4 + (number * 31 + cycle * 17) % 9
        third = restocked // 3
        return restocked, (third, third, restocked - 2 * third)

    def moment(self, number, cycle, step):
        return self.start + self.length * cycle + self.length / STEPS * step + self.phases[number]

    def best_before(self, number, cycle, restocked_at):
        if cycle == self.cycles - 1:  # today's stock: some past its date, some soon, some later
            return self.day(self.today + number * 3 % 12 - 2)
        return self.day(int(restocked_at) // DAY + 3 + (number + cycle) % 12)

    def day(self, number):
        found = self._days.get(number)
        if found is None:
            found = self._days[number] = (date(1970, 1, 1) + timedelta(days=number)).isoformat()
        return found

    def stamp(self, seconds):
        whole = int(seconds)
        rest = whole % DAY
        return (f"{self.day(whole // DAY)} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}"
                f".{int((seconds - whole) * 1e6):06d}")

    def _restocks(self):
        """(pair number, global cycle) of every restock, in time order: the batches' order too."""
        for cycle in range(self.cycles):
            for number in self.order:
                if cycle >= self.lates[number]:
                    yield number, cycle

    def batches(self):
        rows = []
        for batch_id, (number, cycle) in enumerate(self._restocks(), 1):
            site, item = self.pairs[number]
            restocked_at = self.moment(number, cycle, 0)
            rows.append((batch_id, site, item, self._left(number, cycle), self.best_before(number, cycle, restocked_at),
                         self.stamp(restocked_at)))
            if len(rows) == CHUNK:
                yield rows
                rows = []
        yield rows

    def _left(self, number, cycle):
        """What is left of the cycle's batch now: nothing, unless its takes are still to come."""
        done = self.counts[number] - STEPS * (cycle - self.lates[number])
        if done >= STEPS:
            return 0
        restocked, takes = self.quantity(number, cycle)
        return restocked - sum(takes[: done - 1])

    def chunks(self):
        """Movements and their allocations, CHUNK at a time, in time order."""
        movements, allocations, batch = [], [], {}
        batch_id = movement_id = 0
        digest = "0" * 64
        for cycle in range(self.cycles):
            for step in range(STEPS):
                at = self.start + self.length * cycle + self.length / STEPS * step
                for number in self.order:
                    late = self.lates[number]
                    if cycle < late or STEPS * (cycle - late) + step >= self.counts[number]:
                        continue
                    site, item = self.pairs[number]
                    restocked, takes = self.quantity(number, cycle)
                    moment = at + self.phases[number]
                    movement_id += 1
                    if step == 0:
                        batch_id += 1
                        batch[number] = batch_id
                        kind, quantity, delta = "restock", restocked, restocked
                        best_before = self.best_before(number, cycle, moment)
                    else:
                        kind, quantity, delta, best_before = "take", takes[step - 1], -takes[step - 1], None
                    movements.append((movement_id, site, item, kind, quantity, delta, best_before, "scan", "", "",
                                      f"city-{movement_id:09d}", digest, self.stamp(moment)))
                    allocations.append((movement_id, movement_id, batch[number], delta))
                    if len(movements) == CHUNK:
                        yield movements, allocations
                        movements, allocations = [], []
        yield movements, allocations

    def stocks(self):
        last = {}
        for number, cycle in self._restocks():
            last[number] = cycle
        return [(number + 1, site, item, self._left(number, last[number]), 8 + number % 5, False,
                 self.stamp(self.moment(number, last[number], 0))) for number, (site, item) in enumerate(self.pairs)]


def _sites(session, size, now):
    names = [NEIGHBOURHOODS[n % len(NEIGHBOURHOODS)] + (f" {n // len(NEIGHBOURHOODS) + 1}" if n >= len(NEIGHBOURHOODS) else "")
             for n in range(size.neighbourhoods)]
    rows = []
    for number in range(size.sites):
        place = number % size.neighbourhoods
        kind = KINDS[number % len(KINDS)]
        rows.append({
            "id": number + 1, "slug": f"site-{number + 1:04d}", "name": f"{names[place]} {kind.title()} {number + 1}",
            "kind": kind, "state": "open", "address": f"{number + 1} {names[place]} Street", "hours": "Always open",
            "neighbourhood": names[place], "notes": "",
            "latitude": round(CENTRE[0] + (place // 8 - 2) * 0.03 + (number * 37 % 21 - 10) / 1000, 5),
            "longitude": round(CENTRE[1] + (place % 8 - 4) * 0.03 + (number * 53 % 21 - 10) / 1000, 5),
            "created_at": now - timedelta(days=365 * size.years + 1)})
    session.execute(insert(Site), rows)
    return [row["id"] for row in rows]


def _items(session, size, now):
    names = [(name + variant, category, unit) for variant in VARIANTS for name, category, unit in ITEMS]
    rows = [{"id": number + 1, "name": name, "category": category, "unit": unit, "keep_cold": category == "dairy",
             "created_at": now - timedelta(days=365 * size.years + 1)}
            for number, (name, category, unit) in enumerate(names[: size.items])]
    session.execute(insert(Item), rows)
    return [row["id"] for row in rows]


def _coordinators(session, size, now):
    hashed = generate_password_hash(PASSWORD)  # once: the same password for all
    session.execute(insert(Coordinator), [
        {"id": number + 1, "email": coordinator_email(number), "name": f"Coordinator {number + 1}",
         "password_hash": hashed, "created_at": now - timedelta(days=number), "joined_at": now - timedelta(days=number),
         "language": "", "session_generation": 0} for number in range(size.coordinators)])
    session.add(Network(id=1, name="Bench City", timezone="America/New_York", language="en", set_up_at=now))


def coordinator_email(number=0):
    return f"coordinator{number + 1:03d}@bench.example"


def _shifts(session, size, sites, now):
    """Each site's cleaning on two weekdays, half of its shifts past and half ahead; a third of
    those ahead with one sign-up of two places."""
    zone = ZoneInfo(session.get(Network, 1).timezone)
    patterns, shifts, sign_ups = [], [], []
    for number, site in enumerate(sites):
        wanted = size.shifts // len(sites) + (number < size.shifts % len(sites))
        weekdays = 1 << number % 7 | 1 << (number + 3) % 7
        day = now.date() - timedelta(days=7 * (wanted // 4) + 1)
        days = []
        while len(days) < wanted:
            days += [day] if weekdays >> day.weekday() & 1 else []
            day += timedelta(days=1)
        if not days:
            continue
        patterns.append({"id": site, "site_id": site, "kind": "cleaning", "weekdays": weekdays,
                         "starts_at": time(9), "ends_at": time(9, 30), "capacity": 2, "first_day": days[0],
                         "created_at": now - timedelta(days=400)})
        for day in days:
            starts = datetime.combine(day, time(9), zone).astimezone(UTC)
            taken = int(starts > now and len(shifts) % 3 == 0)
            shifts.append({"id": len(shifts) + 1, "site_id": site, "pattern_id": site, "kind": "cleaning", "day": day,
                           "starts_at": starts, "ends_at": starts + timedelta(minutes=30), "capacity": 2,
                           "taken": taken, "sequence": 0, "updated_at": now})
            if taken:
                sign_ups.append({"id": len(sign_ups) + 1, "shift_id": len(shifts), "name": "Sam Volunteer",
                                 "email": None, "show_name": True, "language": "en",
                                 "token_hash": f"{len(shifts):064d}", "idempotency_key": f"city-sign-up-{len(shifts)}",
                                 "created_at": now - timedelta(days=1)})
    for model, rows in ((ShiftPattern, patterns), (Shift, shifts), (SignUp, sign_ups)):
        if rows:
            session.execute(insert(model), rows)


@contextmanager
def _indexes_later(session, *models):
    """The big tables' own indexes built once, after their rows, not row by row."""
    connection = session.connection()
    indexes = [index for model in models for index in model.__table__.indexes]
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)


def _bulk(session, model, columns, rows):
    """Rows of one table, as tuples in the order of `columns`: COPY on PostgreSQL (text lines),
    executemany on SQLite; moments and days come as text already."""
    if not rows:
        return
    raw = session.connection().connection.driver_connection
    names = ", ".join(columns)
    if session.get_bind().dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {model.__table__.name} ({names}) FROM STDIN") as copy:
            copy.write("".join("\t".join(_copied(value) for value in row) + "\n" for row in rows))
    else:
        raw.executemany(f"INSERT INTO {model.__table__.name} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)


def _copied(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _after(session):
    """Sequences past the ids written by hand, and the planner's statistics (PostgreSQL; as
    autovacuum would have them on a network this old)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c:
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))
    session.commit()
    with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def counts(session):
    """How many of each thing the database holds, to check a seed against its size."""
    return {name: session.scalar(select(func.count()).select_from(model)) for name, model in (
        ("sites", Site), ("items", Item), ("movements", Movement), ("coordinators", Coordinator),
        ("shifts", Shift), ("stocks", Stock))} | {
        "neighbourhoods": session.scalar(select(func.count(func.distinct(Site.neighbourhood)))),
        "targets": session.scalar(select(func.count()).where(Stock.target.is_not(None)))}
