"""Fixtures for the access and privacy tests: a small network with one of everything a route
can name (made through the app's own rules), the demo network, and a fingerprint of every
table, to show that a refused request wrote nothing."""
import hashlib
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from pantry import demo
from pantry.care.rules import record_care
from pantry.clock import deployment_zone, local_today
from pantry.coordinators import invitations
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow, writer
from pantry.extensions import db
from pantry.reports import photos, rules as reports
from pantry.shifts import planning, signups
from pantry.sites.rules import create_site
from pantry.stock import ledger
from pantry.stock.items import create_item
from pantry.tags.rules import issue_tag
from tests.conftest import csrf_token, key
from tests.reports.conftest import png
from tests.security.addresses import fillings

PASSWORD = "a long enough password"


@dataclass
class Network:
    coordinator_email: str
    shift_id: int  # a shift open for sign-up: its page has a form, so a CSRF token
    manage_token: str  # the volunteer's private link
    invitation_token: str  # a coordinator's one-time welcome link, not used yet


@pytest.fixture
def network(app, session):
    """One site with one of each thing a route names: an item, a movement, a label of each
    kind, a care record, a report with a photo, a weekly pattern and its shifts, a one-off shift with a volunteer
    on it, a coordinator with a password and another invited but not yet welcomed."""
    config, now, zone = current_app.config, utcnow(), deployment_zone()
    tomorrow = local_today(now) + timedelta(days=1)
    with writer():
        site = create_site(session, now, "Corner Fridge", address="12 Elm St")
        item = create_item(session, now, "Milk 1 L", "dairy", "carton")
        ledger.restock(session, site.id, item.id, 6, key(), now)
        for purpose in ("site", "care"):
            issue_tag(session, site, purpose, now)
        issue_tag(session, site, "item", now, item=item)
        record_care(session, site, [], None, "", key(), now,
                    checklist=list(config["CARE_CHECKLIST"]), limits=config["TEMPERATURE_LIMITS"])
        photo = photos.prepare(png((64, 48)), photos.Limits(10**6, 1600, 400 * 1024))
        reports.report(session, site, reports.Word("dirty", "Spilt milk", key(), photo), now, window=timedelta(hours=6))
        planning.save_pattern(session, site, now, zone, weeks=1, kind="cleaning", weekdays=0b1111111,
                              starts_at=time(9), ends_at=time(9, 30), capacity=2, first_day=tomorrow, last_day=None)
        shift = planning.add_shift(session, site, "restock", tomorrow, time(17), time(18), 3, now, zone)
        sign_up_key = key()
        token = signups.manage_token(app.secret_key, sign_up_key)
        signups.sign_up(session, shift.id, "Bo Chen", "bo.chen@example.org", "555-0142", False,
                        sign_up_key, token, now)
        # A cheap hash keeps the tests quick; the real default is exercised in tests/coordinators.
        session.add(Coordinator(email="ada@example.org", name="Ada",
                                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")))
        _, link = invitations.invite(session, "new@example.org", "Nia", now, config["BASE_URL"],
                                     days=config["INVITATION_DAYS"], invited_by="ada@example.org")
        session.commit()
    return Network("ada@example.org", shift.id, token, link.rsplit("/", 1)[1])


@pytest.fixture
def network_fillings(app, session, network):
    return fillings(app, session, invitation_tokens=[network.invitation_token])


@pytest.fixture
def demo_network(app, session):
    """The demo network of `flask pantry demo`, loaded as it stands now (the pages use the real
    clock), with shifts planned two weeks ahead instead of eight: its volunteers sign up at
    most ten days ahead, so the later shifts would add pages to fetch but nobody on them."""
    app.config["SHIFT_WEEKS_AHEAD"] = 2
    with writer():
        demo.load(session, utcnow())
        session.commit()


def fingerprint(session):
    """Per table, its row count and a digest of every row: a refused request that wrote,
    updated or deleted anything changes it."""
    session.rollback()  # read what the requests committed, not an older snapshot
    found = {}
    for table in db.metadata.sorted_tables:
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        count = session.scalar(select(func.count()).select_from(table))
        found[table.name] = (count, hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


def changed_tables(before, after):
    return sorted(name for name in before if before[name] != after[name])


def page_csrf_token(client, path):
    """This client's CSRF token, read from the form on the page at `path`."""
    page = client.get(path)
    assert page.status_code == 200, f"{path} answered {page.status_code}"
    return csrf_token(page.text)
