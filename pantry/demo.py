"""The demo network for `flask pantry demo` and `make run`: three sites with three weeks of
believable history, written through the ledger's own rules so the books balance, and their
volunteers' shifts, sign-ups and cleaning visits (pantry.demo_volunteers)."""
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import partial
from itertools import count

from sqlalchemy import func, select

from pantry import demo_network as network, demo_stories as stories, demo_volunteers as volunteers
from pantry.clock import deployment_zone, local_today
from pantry.coordinators.models import Coordinator
from pantry.sites.models import Site
from pantry.stock import ledger
from pantry.stock.models import Batch, Item, Movement, Stock
from pantry.tags.rules import issue_tag

DEMO_EMAIL = "demo@pantry.example"
DEMO_NAME = "Demo Coordinator"
DEMO_PASSWORD = "fridge-demo-2026"
SIGN_IN_PATH = "/admin/sign-in"
FIRST_KEY = "demo-000001"


def load(session, now, only_if_empty=False):
    """Load the demo network as it stands at `now`; the caller commits. Returns what to tell."""
    if only_if_empty and session.scalar(select(Site.id).limit(1)) is not None:
        return "The demo was not loaded: the database already has sites."
    if _already_loaded(session):
        return "The demo network is already loaded; nothing was added."
    opened = now - timedelta(days=network.DAYS + 7)
    items = _stock_items(session, opened)
    places = _open_places(session, items, opened)
    hood = Neighbourhood(session, random.Random(network.SEED), local_today(now), items)
    for moment, _order, event in _timeline(hood, places, items, now):
        event(moment)
    volunteers.van_run(hood, places, items, now)
    labels = _print_labels(session, places, hood.popularity, now)
    people = random.Random(network.SEED + 1)  # its own dice, so the ledger stays as it was
    visits = volunteers.record_visits(session, places, people, now, hood.today, hood.zone)
    shifts = volunteers.plan_shifts(session, places, now, hood.zone, opened.astimezone(hood.zone).date())
    sign_ups = volunteers.sign_up_volunteers(session, people, now, places)
    volunteers.neighbours_said(session, places, items, now)
    created = _demo_coordinator(session, opened)
    return _summary(places, items, hood.movements, labels, created, (shifts, sign_ups, visits))


@dataclass
class Place:
    """A demo site, what it keeps (item, target) and which of those are left to chance."""

    site: Site
    rhythm: network.Rhythm
    kept: list
    by_chance: list


class Neighbourhood:
    """Everyone who uses the demo sites, logging through the ledger under numbered keys.

    `on_shelf` follows each movement's delta only so that random takers take what is
    there; the ledger alone decides what the stock is."""

    def __init__(self, session, rng, today, items):
        self.session, self.rng, self.today = session, rng, today
        self.shelf_life = {items[name].id: life for name, _category, _unit, life, _weight in network.ITEMS}
        self.popularity = {items[name].id: weight for name, _category, _unit, _life, weight in network.ITEMS}
        self.zone = deployment_zone()
        self.on_shelf = Counter()
        self.movements = 0

    def at(self, day, minutes):
        """A local time of day on `day`, as the UTC moment the ledger stores."""
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return local.astimezone(UTC)

    def best_before(self, item, moment):
        """A believable date for what arrives at `moment`: days for milk, years for cans."""
        life = self.shelf_life[item.id]
        if life is None:
            return None
        return moment.astimezone(self.zone).date() + timedelta(days=self.rng.randint(*life))

    def restock(self, site_id, item_id, quantity, moment, best_before=None, **extra):
        return self._log(ledger.restock, site_id, item_id, quantity, moment, best_before=best_before, **extra)

    def take(self, site_id, item_id, quantity, moment, **extra):
        return self._log(ledger.take, site_id, item_id, quantity, moment, **extra)

    def discard(self, site_id, item_id, quantity, moment, batch_id, **extra):
        return self._log(ledger.discard, site_id, item_id, quantity, moment, batch_id=batch_id, **extra)

    def count(self, site_id, item_id, counted, moment, **extra):
        return self._log(ledger.count, site_id, item_id, counted, moment, **extra)

    def correct(self, movement_id, moment, **extra):
        movement = ledger.correct(self.session, movement_id, self._next_key(), moment, **extra)
        return self._followed(movement)

    def _log(self, rule, site_id, item_id, quantity, moment, **extra):
        movement = rule(self.session, site_id, item_id, quantity, self._next_key(), moment, **extra)
        return self._followed(movement)

    def _next_key(self):
        """Numbered keys: the same `now` gives the same keys, and a second load finds the first."""
        self.movements += 1
        return f"demo-{self.movements:06d}"

    def _followed(self, movement):
        self.on_shelf[movement.site_id, movement.item_id] += movement.delta
        return movement


def _already_loaded(session):
    """A second demo would collide with the first on its slugs and its keys."""
    slugs = [fields["slug"] for fields in network.SITES]
    if session.scalar(select(Site.id).where(Site.slug.in_(slugs)).limit(1)) is not None:
        return True
    return session.scalar(select(Movement.id).where(Movement.idempotency_key == FIRST_KEY)) is not None


def _stock_items(session, opened):
    """The demo's items by name, reusing any the network already keeps under that name."""
    lowered = [name.lower() for name, *_ in network.ITEMS]
    known = session.scalars(select(Item).where(func.lower(Item.name).in_(lowered)))
    found = {item.name.lower(): item for item in known}
    items = {}
    for name, category, unit, _life, _popularity in network.ITEMS:
        items[name] = found.get(name.lower()) or Item(
            name=name, category=category, unit=unit, keep_cold=category in network.KEPT_COLD,
            typical_grams=network.WEIGHTS.get(name), created_at=opened,
        )
        session.add(items[name])
    session.flush()
    return items


def _open_places(session, items, opened):
    """The three sites, each with a stock row carrying the target of every item it keeps."""
    sites = [Site(**fields, state="open", created_at=opened) for fields in network.SITES]
    session.add_all(sites)
    session.flush()
    story = network.STORY
    owned = {(slug, name) for slug, name, _days, _clock, kind, *_ in story if kind in ("restock", "take")}
    places = []
    for site in sites:
        assortment = network.ASSORTMENT[site.slug].items()
        kept = [(items[name], target) for name, target in assortment]
        by_chance = [(items[name], target) for name, target in assortment if (site.slug, name) not in owned]
        session.add_all(Stock(site_id=site.id, item_id=item.id, target=target) for item, target in kept)
        places.append(Place(site, network.RHYTHMS[site.slug], kept, by_chance))
    session.flush()
    return places


def _timeline(hood, places, items, now):
    """Every event of the demo's weeks as (moment, order, event), in time order, none after
    `now`. Events are called with their moment and write when played, seeing the stock then."""
    order = count()
    events = []
    for place in places:
        for moment, event in _ordinary_days(hood, place):
            events.append((moment, next(order), event))
    by_slug = {place.site.slug: place.site for place in places}
    for slug, name, days_ago, clock, kind, quantity, extra in network.STORY:
        hours, minutes = map(int, clock.split(":"))
        moment = hood.at(hood.today - timedelta(days=days_ago), hours * 60 + minutes)
        event = partial(stories.EVENTS[kind], hood, by_slug[slug].id, items[name], quantity, extra)
        events.append((moment, next(order), event))
    return sorted((event for event in events if event[0] <= now), key=lambda event: event[:2])


def _ordinary_days(hood, place):
    """The random rhythm of a site: takes through the day, small gifts, drops, cleaning visits."""
    rng, rhythm = hood.rng, place.rhythm
    opening, closing = (hour * 60 for hour in rhythm.hours)
    for days_ago in range(network.DAYS, -1, -1):
        day = hood.today - timedelta(days=days_ago)
        if days_ago in rhythm.cleaning_days_ago:
            yield hood.at(day, opening + rng.randrange(30)), partial(_cleaning_visit, hood, place, day)
        if day.weekday() in rhythm.drop_days:
            yield hood.at(day, rhythm.drop_hour * 60 + rng.randrange(60)), partial(_drop, hood, place)
        if day.weekday() not in rhythm.open_days:
            continue
        for _ in range(rng.randint(*rhythm.takes_per_day)):
            yield hood.at(day, rng.randrange(opening, closing)), partial(_someone_takes, hood, place)
        for _ in range(rng.randint(*rhythm.donations_per_day)):
            yield hood.at(day, rng.randrange(opening, closing)), partial(_someone_gives, hood, place)


def _popular(hood, choices):
    weights = [hood.popularity[item.id] for item, _target in choices]
    return hood.rng.choices(choices, weights=weights)[0][0]


def _someone_takes(hood, place, moment):
    """A neighbour takes one to three of something that is there; popular things go faster."""
    site_id = place.site.id
    there = [pair for pair in place.by_chance if hood.on_shelf[site_id, pair[0].id] > 0]
    if not there:
        return
    item = _popular(hood, there)
    wanted = hood.rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
    hood.take(site_id, item.id, min(wanted, hood.on_shelf[site_id, item.id]), moment)


def _someone_gives(hood, place, moment):
    """A neighbour brings a few of something from home."""
    item = _popular(hood, place.by_chance)
    quantity = hood.rng.randint(2, 6)
    hood.restock(place.site.id, item.id, quantity, moment, hood.best_before(item, moment))


def _drop(hood, place, moment):
    """A donation drop: most items topped up to about their target, a few extras besides."""
    site_id = place.site.id
    for step, (item, target) in enumerate(place.by_chance):
        if hood.rng.random() > (0.8 if target else 0.4):
            continue
        wanted = (target or 8) + hood.rng.randint(-2, 2) - hood.on_shelf[site_id, item.id]
        if wanted > 0:
            when = moment + timedelta(seconds=20 * step)
            hood.restock(site_id, item.id, wanted, when, hood.best_before(item, when), note="Donation drop")


def _cleaning_visit(hood, place, day, moment):
    """A volunteer's visit: everything past its best-before date comes out."""
    past = hood.session.execute(
        select(Batch.id, Batch.item_id, Batch.quantity)
        .where(Batch.site_id == place.site.id, Batch.quantity > 0, Batch.best_before < day)
        .order_by(Batch.id)
    ).all()
    for batch_id, item_id, quantity in past:
        hood.discard(place.site.id, item_id, quantity, moment, batch_id, note="Past its best-before date", reason="past_date")


def _print_labels(session, places, popularity, now):
    """A door label and a cleaning label for each site, and item labels for its most popular items."""
    labels = 0
    for place in places:
        issue_tag(session, place.site, "site", now)
        issue_tag(session, place.site, "care", now)
        popular = sorted(place.kept, key=lambda pair: -popularity[pair[0].id])
        for item, _target in popular[: network.ITEM_LABELS_PER_SITE]:
            issue_tag(session, place.site, "item", now, item=item)
        labels += 2 + min(len(popular), network.ITEM_LABELS_PER_SITE)
    return labels


def _demo_coordinator(session, opened):
    """The coordinator the README signs in as; an existing one keeps its password."""
    if session.scalar(select(Coordinator.id).where(Coordinator.email == DEMO_EMAIL)) is not None:
        return False
    coordinator = Coordinator(email=DEMO_EMAIL, name=DEMO_NAME, created_at=opened)
    coordinator.set_password(DEMO_PASSWORD)
    session.add(coordinator)
    session.flush()
    return True


def _summary(places, items, movements, labels, created, rota):
    """What the command prints: what was loaded and how to sign in."""
    shifts, sign_ups, visits = rota
    loaded = (
        f"Loaded the demo network: {len(places)} sites, {len(items)} items, "
        f"{movements} movements over {network.DAYS} days, {labels} labels, "
        f"{shifts} shifts ahead with {sign_ups} sign-ups, {visits} care records."
    )
    if created:
        return f"{loaded}\nSign in at {SIGN_IN_PATH} as {DEMO_EMAIL} with the password {DEMO_PASSWORD}."
    return f"{loaded}\n{DEMO_EMAIL} already existed: its password was left as it was."

