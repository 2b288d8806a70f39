"""The demo's volunteers: weekly shift patterns and the shifts they make, sign-ups on the
coming ones, and three weeks of cleaning visits and thermometer readings, with one fridge
too warm right now; a few followers; and what neighbours reported and asked for lately. Played
through the shifts', care's, the reports', the needs' and the outbox's own rules; the same for
the same `now`."""
from datetime import UTC, datetime, time, timedelta

from flask import current_app

from pantry import demo_network as network
from pantry.care.rules import record_care
from pantry.needs import asks
from pantry.outbox import followers
from pantry.reports import rules as reports
from pantry.shifts import listing, planning, signups
from pantry.shifts.models import ShiftPattern
from pantry.stock import ledger


def record_visits(session, places, rng, now, today, zone):
    """Cleaning visits on each site's cleaning days and an evening reading wherever there is a
    thermometer; the warm fridge's latest reading is the one that is too warm. Returns how many."""
    config = current_app.config
    checklist, limits = config["CARE_CHECKLIST"], config["TEMPERATURE_LIMITS"]
    warm_slug, warm_celsius, warm_minutes, warm_note = network.WARM
    warm_at = now - timedelta(minutes=warm_minutes)
    visits = []
    for place in places:
        site, rhythm = place.site, place.rhythm
        usual, limit = network.USUAL_READINGS.get(site.kind), limits.get(site.kind)
        latest = warm_at - timedelta(hours=3) if site.slug == warm_slug else now
        for days_ago in range(network.DAYS, -1, -1):
            day = today - timedelta(days=days_ago)
            found = []
            if days_ago in rhythm.cleaning_days_ago:
                moment = _at(day, rhythm.hours[0], 45 + rng.randrange(15), zone)
                found.append((moment, site, list(checklist), _reading(rng, usual, limit)))
            if usual:
                moment = _at(day, network.READING_HOUR, rng.randrange(30), zone)
                found.append((moment, site, [], _reading(rng, usual, limit)))
            visits.extend(visit for visit in found if visit[0] <= latest)
    visits.sort(key=lambda visit: (visit[0], visit[1].id))
    for number, (moment, site, ticked, celsius) in enumerate(visits, start=1):
        record_care(session, site, ticked, celsius, "", f"demo-care-{number:04d}", moment,
                    checklist=checklist, limits=limits)
    warm = next(place.site for place in places if place.site.slug == warm_slug)
    record_care(session, warm, list(checklist), warm_celsius, warm_note, f"demo-care-{len(visits) + 1:04d}",
                warm_at, checklist=checklist, limits=limits)
    return len(visits) + 1


def plan_shifts(session, places, now, zone, first_day):
    """Each site's weekly patterns, and their shifts as far ahead as the deployment plans."""
    by_slug = {place.site.slug: place.site for place in places}
    for slug, kind, weekdays, starts_at, ends_at, capacity in network.PATTERNS:
        fields = dict(kind=kind, weekdays=weekdays, starts_at=time.fromisoformat(starts_at),
                      ends_at=time.fromisoformat(ends_at), capacity=capacity, first_day=first_day, last_day=None)
        planning.check_pattern(**fields)
        session.add(ShiftPattern(site=by_slug[slug], created_at=now - timedelta(days=network.DAYS), **fields))
    session.flush()
    return planning.make_shifts(session, now, zone, weeks=current_app.config["SHIFT_WEEKS_AHEAD"])


def sign_up_volunteers(session, rng, now, places=()):
    """Places taken on the coming shifts, fewer the further ahead; nobody twice on one day. And
    a few neighbours follow the sites by mail (one has not confirmed yet)."""
    secret = current_app.secret_key
    busy, made = set(), 0
    for shift in listing.upcoming(session, now, now + timedelta(days=network.SIGN_UP_DAYS)):
        ahead = (shift.starts_at - now) / timedelta(days=1)
        chance = next(chance for days, chance in network.SIGN_UP_CHANCE if ahead <= days)
        for _place in range(sum(rng.random() < chance for _ in range(shift.capacity))):
            free = [number for number in range(len(network.VOLUNTEERS)) if (number, shift.day) not in busy]
            number = rng.choice(free)
            busy.add((number, shift.day))
            name, email, phone, shown, language = network.VOLUNTEERS[number]
            made += 1
            key = f"demo-sign-up-{made:04d}"
            signed_at = now - timedelta(hours=rng.randint(2, 96))
            place = signups.sign_up(session, shift.id, name, email, phone, shown, key,
                                    signups.manage_token(secret, key), signed_at)
            place.language = language
    session.flush()
    _follow(session, [place.site for place in places], now)
    return made


def _follow(session, sites, now):
    for number, site in enumerate(sites):
        email, kinds, hour = network.FOLLOWERS[number % len(network.FOLLOWERS)]
        follower = followers.follow(session, site, email, kinds, hour, "en", now - timedelta(hours=30))
        if number:  # the first site's follower has not opened the confirmation link yet
            follower.confirmed_at = now - timedelta(hours=29)
    session.flush()


def neighbours_said(session, places, items, now):
    """The demo's open reports and this week's asks (demo_network.REPORTS and ASKS). Returns how many."""
    by_slug = {place.site.slug: place.site for place in places}
    window = timedelta(hours=current_app.config["REPORT_MERGE_HOURS"])
    said = 0
    for slug, kind, note, minutes in network.REPORTS:
        for ago in minutes:
            said += 1
            word = reports.Word(kind, note if ago == minutes[0] else "", f"demo-report-{said:03d}", source="demo")
            reports.report(session, by_slug[slug], word, now - timedelta(minutes=ago), window=window)
    for slug, wanted, minutes in network.ASKS:
        for ago in minutes:
            said += 1
            known = items.get(wanted)
            asks.ask(session, by_slug[slug].id, f"demo-ask-{said:04d}", now - timedelta(minutes=ago),
                     item_id=known.id if known else None, name=None if known else wanted)
    session.flush()
    return said


def _reading(rng, usual, limit):
    """A believable reading near the usual one, in range (the warm fridge is the story's, not chance's)."""
    if usual is None:
        return None
    mean, spread = usual
    celsius = rng.gauss(mean, spread)
    if limit is not None:
        celsius = min(celsius, limit - 0.4)
    return round(max(celsius, mean - 2 * spread), 1)


def _at(day, hour, minutes, zone):
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC) + timedelta(minutes=minutes)


def van_run(hood, places, items, now):
    """Yesterday's van run: the corner fridge's spare water to the hall, a transfer."""
    by_slug = {place.site.slug: place.site for place in places}
    water, corner = items["Water"], by_slug["fulton-corner-fridge"]
    spare = min(6, hood.on_shelf[corner.id, water.id])
    if spare:
        moved = ledger.transfer(hood.session, corner.id, by_slug["st-brigids-hall-freezer"].id, water.id, spare,
                                hood._next_key(), now - timedelta(days=1), source="demo")
        hood._followed(moved.out)
        hood._followed(moved.into)
        hood.movements += 1  # two movements under one key
