"""The demo network: loaded through the ledger rules, believable enough for `make run`,
the same for the same `now`, and loaded at most once. The app fixture checks the ledger."""
from datetime import timedelta

import pytest
import time_machine
from markupsafe import escape
from sqlalchemy import func, select

from pantry import demo, demo_network
from pantry.care.models import CareRecord, Reading
from pantry.care.rules import care_states
from pantry.clock import local_today
from pantry.coordinators.models import Coordinator
from pantry.database import writer
from pantry.shifts.models import Shift, ShiftPattern, SignUp
from pantry.sites.models import Site
from pantry.stock import shelves
from pantry.stock.models import KINDS, Batch, Item, Movement
from pantry.tags.models import Tag
from pantry.tags.rules import live_tags
from tests import demo_once
from tests.conftest import NOW, empty_tables


def load(session, now=NOW, **options):
    with writer():
        said = demo.load(session, now, **options)
        session.commit()
    return said


@pytest.fixture
def loaded(session):
    """The demo at NOW: loaded by its rules at the first use, copied after (tests/demo_once.py)."""
    return demo_once.load(session, NOW, "NOW")


def how_many(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_believable_network(session, loaded):
    assert how_many(session, Site) == 3
    assert how_many(session, Item) >= 20
    first, last = session.execute(select(func.min(Movement.created_at), func.max(Movement.created_at))).one()
    assert last - first >= timedelta(days=14)
    assert last <= NOW
    assert set(session.scalars(select(Movement.kind).distinct())) == set(KINDS)
    assert f"{how_many(session, Movement)} movements" in loaded
    assert "3 sites" in loaded and demo.DEMO_EMAIL in loaded and demo.DEMO_PASSWORD in loaded
    coordinator = session.scalar(select(Coordinator).where(Coordinator.email == demo.DEMO_EMAIL))
    assert coordinator.name == "Demo Coordinator"
    assert coordinator.check_password("fridge-demo-2026")


def test_every_site_has_something_to_show_and_flag(client, session, loaded):
    sites = session.scalars(select(Site)).all()
    home = client.get("/")
    assert home.status_code == 200
    for site in sites:
        assert str(escape(site.name)) in home.text
        page = client.get(f"/sites/{site.slug}")
        assert page.status_code == 200
        assert str(escape(site.name)) in page.text
        purposes = [tag.purpose for tag in live_tags(session, site)]
        assert purposes.count("site") == 1 and purposes.count("item") >= 3 and purposes.count("care") == 1
        assert shelves.needs(session, site.id), f"{site.name} needs nothing"
        assert 30 <= shelves.summaries(session, [site.id])[site.id].fullness < 100
    assert "Count looks off" in client.get("/sites/grand-ave-library-pantry").text
    today = local_today(NOW)
    live = select(func.count()).select_from(Batch).where(Batch.quantity > 0)
    assert session.scalar(live.where(Batch.best_before < today)) >= 2
    soon = Batch.best_before.between(today, today + timedelta(days=2))
    assert session.scalar(live.where(soon)) >= 2


def test_shifts_ahead_with_some_people_signed_up(session, loaded):
    assert how_many(session, ShiftPattern) == len(demo_network.PATTERNS)
    shifts = session.scalars(select(Shift).order_by(Shift.starts_at)).all()
    assert len(shifts) > 100 and shifts[0].starts_at > NOW
    assert shifts[-1].day <= local_today(NOW) + timedelta(weeks=8)
    assert {shift.kind for shift in shifts} == {"cleaning", "temperature", "restock"}
    assert f"{len(shifts)} shifts ahead" in loaded
    places = session.scalars(select(SignUp)).all()
    assert 15 <= len(places) == sum(shift.taken for shift in shifts)
    assert any(place.show_name for place in places) and not all(place.show_name for place in places)
    emails = {place.email for place in places if place.email}
    assert emails and all(email.endswith("@example.org") for email in emails)
    assert any(shift.taken == shift.capacity for shift in shifts)
    assert any(0 < shift.taken < shift.capacity for shift in shifts)
    soon = [shift for shift in shifts if shift.starts_at < NOW + timedelta(days=2)]
    assert any(shift.open_places for shift in soon), "no short shift for the coordinators' reminder"


@pytest.mark.clock
def test_weeks_of_care_with_one_fridge_too_warm_now(app, session, loaded):
    sites = session.scalars(select(Site).order_by(Site.slug)).all()
    records = session.scalars(select(CareRecord).order_by(CareRecord.created_at)).all()
    assert f"{len(records)} care records" in loaded
    assert NOW - records[0].created_at >= timedelta(days=14) and records[-1].created_at <= NOW
    readings = session.scalars(select(Reading)).all()
    assert len(readings) >= 40
    assert sum(reading.in_range for reading in readings) == len(readings) - 1
    states = care_states(session, sites, NOW, timedelta(hours=app.config["CLEANING_OVERDUE_HOURS"]))
    warm = [site.slug for site in sites if states[site.id].too_warm]
    assert warm == ["fulton-corner-fridge"]
    [fulton] = [site for site in sites if site.slug == "fulton-corner-fridge"]
    assert 7 <= states[fulton.id].last_reading.celsius <= 8
    assert states[fulton.id].last_reading.taken_at == max(reading.taken_at for reading in readings)
    assert {site.slug for site in sites if states[site.id].cleaning_overdue} == {"grand-ave-library-pantry"}


def test_neighbours_have_reported_and_asked_lately(client, session, loaded):
    """The demo shows what neighbours say: open reports in words on the pages, asks on the needs
    list, and a typed name as the coordinators' suggestion, never shown publicly as typed."""
    from pantry.needs.models import Ask, Suggestion
    from pantry.reports.models import Report

    reports = session.scalars(select(Report).order_by(Report.id)).all()
    assert [(report.kind, report.people, report.closed_at) for report in reports] == [("broken", 3, None), ("other", 1, None)]
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):  # the demo's `now`, a minute on
        assert "Reported broken" in client.get("/").text
    assert how_many(session, Ask) == sum(len(minutes) for _site, _wanted, minutes in demo_network.ASKS)
    assert sorted(session.scalars(select(Suggestion.name))) == ["Diapers size 5", "Gluten-free bread"]
    assert "Diapers size 5" not in client.get("/sites/fulton-corner-fridge").text


def test_the_same_now_gives_the_same_demo_next_to_a_network(session, make_site, make_item):
    demo_once.load(session, NOW, "NOW")  # the load at NOW, as it wrote it (test_a_copy_is_the_load)
    first = ledger_lines(session)
    volunteers = rota_lines(session)
    empty_tables(session)
    session.commit()
    session.expunge_all()
    make_site("Elm Street Fridge")
    beans = make_item("Canned Beans", "canned", "tin")
    make_item("yogurt", "dairy", "pot")
    load(session)
    assert ledger_lines(session) == first
    assert rota_lines(session) == volunteers
    assert how_many(session, Site) == 4
    assert session.scalar(select(func.count()).where(func.lower(Item.name) == "canned beans")) == 1
    assert session.get(Item, beans.id).unit == "tin"


def test_a_copy_is_the_load(session, make_site):
    """What the tests above stand on: a copy of the demo has every row the load wrote, as it wrote
    it, and rows added after it get ids of their own."""
    said = demo_once.load(session, NOW, "NOW")
    first = demo_once.rows_of(session)
    assert sum(map(len, first.values())) > 1000
    empty_tables(session)
    session.commit()
    assert demo_once.load(session, NOW, "NOW") == said
    assert demo_once.rows_of(session) == first
    site = make_site("Elm Street Fridge")
    assert site.id > max(row["id"] for row in first["site"])


def ledger_lines(session):
    query = (
        select(
            Movement.idempotency_key, Movement.kind, Site.slug, func.lower(Item.name), Movement.quantity,
            Movement.delta, Movement.best_before, Movement.created_at,
        )
        .join(Site, Movement.site_id == Site.id)
        .join(Item, Movement.item_id == Item.id)
        .order_by(Movement.idempotency_key)
    )
    return [tuple(row) for row in session.execute(query)]


def rota_lines(session):
    """The demo's shifts, sign-ups, care records and readings, without database ids."""
    shifts = session.execute(
        select(Site.slug, Shift.kind, Shift.starts_at, Shift.capacity, Shift.taken)
        .join(Site, Shift.site_id == Site.id).order_by(Shift.starts_at, Site.slug, Shift.kind)).all()
    places = session.execute(
        select(SignUp.idempotency_key, SignUp.name, SignUp.email, Shift.starts_at, Shift.kind, SignUp.created_at)
        .join(Shift, SignUp.shift_id == Shift.id).order_by(SignUp.idempotency_key)).all()
    care = session.execute(
        select(CareRecord.idempotency_key, Site.slug, CareRecord.created_at, CareRecord.checklist, Reading.celsius)
        .join(Site, CareRecord.site_id == Site.id).outerjoin(Reading, Reading.care_record_id == CareRecord.id)
        .order_by(CareRecord.idempotency_key)).all()
    return [tuple(row) for row in (*shifts, *places, *care)]


def test_the_command_loads_once(runner, session):
    result = runner.invoke(args=["pantry", "demo"])
    assert result.exit_code == 0, result.output
    assert "3 sites" in result.output
    movements = how_many(session, Movement)

    again = runner.invoke(args=["pantry", "demo", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "not loaded" in again.output
    plain = runner.invoke(args=["pantry", "demo"])
    assert plain.exit_code == 0, plain.output
    assert "already loaded" in plain.output
    assert how_many(session, Movement) == movements
    assert how_many(session, Site) == 3
    assert how_many(session, Tag) == 18


def test_the_command_refuses_in_production(app, runner, session):
    """Its coordinator's password is in the README: a real network never gets it."""
    app.config["ENVIRONMENT"] = "production"
    for args in (["pantry", "demo"], ["pantry", "demo", "--if-empty"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "not loaded in production" in result.output
    assert how_many(session, Site) == 0 and how_many(session, Coordinator) == 0


def test_if_empty_leaves_a_real_network_alone(session, make_site):
    make_site("Elm Street Fridge")
    said = load(session, only_if_empty=True)
    assert said == "The demo was not loaded: the database already has sites."
    assert how_many(session, Site) == 1
    assert how_many(session, Movement) == 0
