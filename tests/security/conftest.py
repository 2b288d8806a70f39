"""Fixtures for the access and privacy tests: what the routes of tests/network.py can be filled
with, the demo network, and a fingerprint of every table, to show that a refused request wrote nothing."""
import hashlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from pantry.coordinators import membership, recovery, reviews, sessions, two_step
from pantry.coordinators.models import Coordinator
from pantry.database import utcnow, writer
from pantry.extensions import db
from pantry.reports import photos, rules as reports
from tests import demo_once
from tests.conftest import csrf_token, key
from tests.reports.conftest import png
from tests.security.addresses import fillings

BEA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class Peers:
    email_token: str  # Ada's link to confirm a new address, not used yet
    peer_email: str  # Bea, a second coordinator, under review, who asked for a link for Ada
    peer_session: int = 0  # Bea's one live signed-in session (she has two-step sign-in on, too)


@pytest.fixture
def peers(app, session, network):
    """On top of the network: Bea, a second coordinator, with two-step sign-in on and signed in on one
    phone; an invitation Ada made (so it names its inviter); Ada's link to a new address; a review of
    Bea; Bea's request for a link for Ada."""
    from tests.conftest import PASSWORD, cheap_hash

    now = utcnow()
    with writer():
        ada = session.scalar(select(Coordinator).where(Coordinator.email == network.coordinator_email))
        ada.joined_at = now
        bea = Coordinator(email="bea@example.org", name="Bea", joined_at=now, password_hash=cheap_hash(PASSWORD))
        session.add(bea)
        session.flush()
        two_step.turn_on(session, bea, BEA_SECRET, two_step.current_code(BEA_SECRET, now), now)
        bea_session = int(sessions.start(session, bea, "Mozilla/5.0 (Android 14) Firefox/133.0", now).partition(":")[0])
        membership.invite(session, ada, "noor@example.org", "Noor", now, app.config["BASE_URL"], days=7)
        _, email_token = membership.ask_new_email(session, ada, "ada.new@example.org", now, days=7)
        reviews.open_review(session, ada, bea.id, "Bea has not come to a shift in months.", now)
        recovery.ask(session, bea, ada.id, now)
        session.commit()
    return Peers(email_token, bea.email, bea_session)


@pytest.fixture
def network_fillings(app, session, network, peers):
    """The network's fillings, with a report and its photo at the fridge (for the routes that name them)."""
    photo = photos.prepare(png((64, 48)), photos.Limits(10**6, 1600, 400 * 1024))
    with writer():
        reports.report(session, network.fridge, reports.Word("dirty", "Spilt milk", key(), photo), utcnow(),
                       window=timedelta(hours=6))
        session.commit()
    return fillings(app, session, invitation_tokens=[network.invitation_token], email_tokens=[peers.email_token])


@pytest.fixture
def demo_network(app, session):
    """The demo network of `flask pantry demo`, loaded as it stands now (the pages use the real
    clock), with shifts planned two weeks ahead instead of eight: its volunteers sign up at
    most ten days ahead, so the later shifts would add pages to fetch but nobody on them. Loaded
    once a leg, at its first use, and copied after (tests/demo_once.py): minutes apart at most,
    which moves no shift past what these tests look at."""
    app.config["SHIFT_WEEKS_AHEAD"] = 2
    demo_once.load(session, utcnow(), "now, shifts two weeks ahead")


def fingerprint(session):
    """Per table, its row count and a digest of every row: a refused request that wrote,
    updated or deleted anything changes it."""
    session.rollback()  # read what the requests committed, not an older snapshot
    found = {}
    for table in db.metadata.sorted_tables:
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        found[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


def changed_tables(before, after):
    return sorted(name for name in before if before[name] != after[name])


def page_csrf_token(client, path):
    """This client's CSRF token, read from the form on the page at `path`."""
    page = client.get(path)
    assert page.status_code == 200, f"{path} answered {page.status_code}"
    return csrf_token(page.text)
