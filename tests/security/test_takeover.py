"""Nobody takes over another coordinator's account, and nobody edits the journal.

Signed in as Ada, every coordinator route in app.url_map is opened with every method it takes, a
POST carrying a valid CSRF token and values aimed at Bea (her email, a new password, a name, a
language, scores against her, a two-step code, a session id). Bea's row (password, email, name, language,
membership, two-step secret) never changes, and no journal line already written changes or goes: the
journal only grows."""
from sqlalchemy import select

from pantry.coordinators.models import Coordinator
from pantry.journal import JournalEntry
from tests.conftest import PASSWORD
from tests.security.addresses import first_address, guarded_rules, methods
from tests.security.conftest import page_csrf_token
from tests.security.test_access import sign_in_path

AIMED_AT_BEA = {
    "email": "bea@example.org", "name": "Mallory", "password": "mallory's long password",
    "confirm": "mallory's long password", "new_password": "mallory's long password", "language": "es",
    "reason": "Because I say so.", "answer": "Bea agrees to leave.", "remove": "2", "keep": "-2",
    "discuss": "-2", "code": "123456", "coordinator": "2", "coordinator_id": "2", "session": "2",
}
LAST = {"coordinators.step_down", "coordinators.sign_out"}  # they end Ada's session: tried at the end


def account(session, email):
    session.rollback()
    person = session.scalar(select(Coordinator).where(Coordinator.email == email))
    return {name: getattr(person, name) for name in ("id", "email", "name", "password_hash", "language", "left_at",
                                                      "totp_secret", "two_step_since")}


def journal_lines(session):
    session.rollback()
    return {entry.id: (entry.at, entry.who, entry.action, entry.subject, entry.before, entry.after)
            for entry in session.scalars(select(JournalEntry))}


def test_no_route_lets_one_coordinator_change_anothers_account_or_the_journal(app, client, session, network,
                                                                            peers, network_fillings):
    bea = account(session, peers.peer_email)
    written = journal_lines(session)
    assert written, "the network should have journal lines to try to change"
    client.post(sign_in_path(app), data={"csrf_token": page_csrf_token(client, sign_in_path(app)),
                                         "email": network.coordinator_email, "password": PASSWORD})
    csrf = page_csrf_token(client, "/admin/coordinators")
    rules = sorted(guarded_rules(app), key=lambda rule: rule.endpoint in LAST)
    tried = 0
    for rule in rules:
        path, _values = first_address(rule, network_fillings)
        for method in methods(rule):
            data = None if method == "GET" else {"csrf_token": csrf, **AIMED_AT_BEA}
            answer = client.open(path, method=method, data=data, buffered=True)
            assert answer.status_code < 500, f"{method} {path}: {answer.status_code}"
            tried += 1
            assert account(session, peers.peer_email) == bea, f"{method} {path} changed Bea's account"
    assert tried > 60
    after = journal_lines(session)
    assert {line: after.get(line) for line in written} == written
    assert len(after) > len(written)  # the walk did things, and each went into the journal


def test_inviting_a_member_gives_no_link_to_their_password(app, client, session, network, peers):
    client.post(sign_in_path(app), data={"csrf_token": page_csrf_token(client, sign_in_path(app)),
                                         "email": network.coordinator_email, "password": PASSWORD})
    answer = client.post("/admin/invite", data={"csrf_token": page_csrf_token(client, "/admin/invite"),
                                                "email": peers.peer_email, "name": ""})
    assert answer.status_code == 409
    assert "/admin/welcome/" not in answer.text
