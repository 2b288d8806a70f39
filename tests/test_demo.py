"""The demo network: loaded through the ledger rules, believable enough for `make run`,
the same for the same `now`, and loaded at most once. The app fixture checks the ledger."""
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from pantry import demo
from pantry.clock import local_today
from pantry.coordinators.models import Coordinator
from pantry.database import writer
from pantry.extensions import db
from pantry.sites.models import Site
from pantry.stock import shelves
from pantry.stock.models import KINDS, Batch, Item, Movement
from pantry.tags.models import Tag
from pantry.tags.rules import live_tags
from tests.conftest import NOW


def load(session, now=NOW, **options):
    with writer():
        said = demo.load(session, now, **options)
        session.commit()
    return said


@pytest.fixture
def loaded(session):
    return load(session)


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
        assert purposes.count("site") == 1 and purposes.count("item") >= 3
        assert shelves.needs(session, site.id), f"{site.name} needs nothing"
        assert 30 <= shelves.summaries(session, [site.id])[site.id].fullness < 100
    assert "Count looks off" in client.get("/sites/grand-ave-library-pantry").text
    today = local_today(NOW)
    live = select(func.count()).select_from(Batch).where(Batch.quantity > 0)
    assert session.scalar(live.where(Batch.best_before < today)) >= 2
    soon = Batch.best_before.between(today, today + timedelta(days=2))
    assert session.scalar(live.where(soon)) >= 2


def test_the_same_now_gives_the_same_demo_next_to_a_network(session, make_site, make_item):
    load(session)
    first = ledger_lines(session)
    for table in reversed(db.metadata.sorted_tables):
        session.execute(table.delete())
    session.commit()
    session.expunge_all()
    make_site("Elm Street Fridge")
    beans = make_item("Canned Beans", "canned", "tin")
    make_item("yogurt", "dairy", "pot")
    load(session)
    assert ledger_lines(session) == first
    assert how_many(session, Site) == 4
    assert session.scalar(select(func.count()).where(func.lower(Item.name) == "canned beans")) == 1
    assert session.get(Item, beans.id).unit == "tin"


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
    assert how_many(session, Tag) == 15


def test_if_empty_leaves_a_real_network_alone(session, make_site):
    make_site("Elm Street Fridge")
    said = load(session, only_if_empty=True)
    assert said == "The demo was not loaded: the database already has sites."
    assert how_many(session, Site) == 1
    assert how_many(session, Movement) == 0
