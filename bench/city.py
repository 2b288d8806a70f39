"""A city's network for `make bench-scale`: a thousand sites in forty neighbourhoods, 120 items with
targets, five years of restocks and takes, coordinators and shifts. The ledger is written in bulk
(executemany on SQLite, COPY on PostgreSQL) yet booked as the rules book it: each movement lands on
its batch through an allocation, each stock is the sum of its movements and of its batches, a take
only ever finds one live batch (so earliest best-before first holds), last_restocked_at is the last
restock, and the ids of the ledger follow its time."""
from contextlib import contextmanager
from dataclasses import astuple, dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from city_ledger import ALLOCATION, BATCH, MOVEMENT, STOCK, Ledger
from seed import ITEMS
from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from pantry.care.models import CareRecord, Reading
from pantry.config import Defaults
from pantry.coordinators.models import Coordinator
from pantry.database import writer
from pantry.extensions import db
from pantry.network import Network
from pantry.shifts.models import Shift, ShiftPattern, SignUp
from pantry.sites.models import Site
from pantry.stock.models import Allocation, Batch, Item, Movement, Stock
from pantry.tags.rules import issue_tag

VERSION = 2  # bump when what is seeded changes: a kept seed of another version is seeded again
PASSWORD = "a bench coordinator's password"  # every seeded coordinator's
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
CHECKLIST = list(Defaults.CARE_CHECKLIST)
COLD = {"fridge": 3.5, "freezer": -18.0}  # a reading at each cleaning, in range


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
    those ahead with one sign-up of two places; each past one done, with its care record and, at a
    fridge or a freezer, a reading in range."""
    zone = ZoneInfo(session.get(Network, 1).timezone)
    patterns, shifts, sign_ups, cares, readings = [], [], [], [], []
    kinds = dict(session.execute(select(Site.id, Site.kind)).all())
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
            done = starts + timedelta(minutes=20) if starts + timedelta(minutes=20) < now else None
            shifts.append({"id": len(shifts) + 1, "site_id": site, "pattern_id": site, "kind": "cleaning", "day": day,
                           "starts_at": starts, "ends_at": starts + timedelta(minutes=30), "capacity": 2,
                           "taken": taken, "sequence": 0, "updated_at": now, "done_at": done})
            if done:
                cares.append({"id": len(cares) + 1, "site_id": site, "shift_id": len(shifts), "checklist": CHECKLIST,
                              "note": "", "idempotency_key": f"city-care-{len(shifts)}", "created_at": done})
                if kinds[site] in COLD:
                    readings.append({"id": len(readings) + 1, "site_id": site, "care_record_id": len(cares),
                                     "celsius": COLD[kinds[site]], "in_range": True, "taken_at": done})
            if taken:
                sign_ups.append({"id": len(sign_ups) + 1, "shift_id": len(shifts), "name": "Sam Volunteer",
                                 "email": None, "show_name": True, "language": "en",
                                 "token_hash": f"{len(shifts):064d}", "idempotency_key": f"city-sign-up-{len(shifts)}",
                                 "created_at": now - timedelta(days=1)})
    for model, rows in ((ShiftPattern, patterns), (Shift, shifts), (SignUp, sign_ups), (CareRecord, cares),
                        (Reading, readings)):
        if rows:
            session.execute(insert(model), rows)


@contextmanager
def _indexes_later(session, *models):
    """The big tables' own indexes built once, after their rows, not row by row."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":  # room for the indexes being built, for this connection only
        connection.exec_driver_sql("PRAGMA cache_size = -262144")
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
        ("shifts", Shift), ("stocks", Stock), ("care records", CareRecord))} | {
        "neighbourhoods": session.scalar(select(func.count(func.distinct(Site.neighbourhood)))),
        "targets": session.scalar(select(func.count()).where(Stock.target.is_not(None)))}
