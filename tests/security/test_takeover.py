"""Nobody takes over another coordinator's account, and nobody edits the journal.

Signed in as Ada, every coordinator route in app.url_map is opened with every method it takes, a
POST carrying a valid CSRF token and values aimed at Bea (her email, a new password, a name, a
language, scores against her, her phone's two-step code, her session's id). Bea's row (password, email,
name, language, membership, two-step secret as read and as stored), her recovery codes and her sessions
never change, and no journal line already written changes or goes: the
journal only grows."""
from sqlalchemy import select, text

from pantry.coordinators.models import Coordinator, RecoveryCode, SignedIn
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
    """Bea's row, as the ORM reads it and as the database keeps it (her sealed two-step secret), her
    recovery codes and her signed-in sessions."""
    session.rollback()
    person = session.scalar(select(Coordinator).where(Coordinator.email == email))
    row = {name: getattr(person, name) for name in ("id", "email", "name", "password_hash", "language", "left_at",
                                                     "totp_secret", "two_step_since", "session_generation")}
    row["stored_secret"] = session.execute(text("SELECT totp_secret FROM coordinator WHERE id = :id"),
                                           {"id": person.id}).scalar_one()
    row["recovery_codes"] = session.execute(select(RecoveryCode.code_hash, RecoveryCode.used_at)
                                            .where(RecoveryCode.coordinator_id == person.id)
                                            .order_by(RecoveryCode.id)).all()
    row["sessions"] = session.execute(select(SignedIn.id, SignedIn.ended_at, SignedIn.token_hash)
                                      .where(SignedIn.coordinator_id == person.id).order_by(SignedIn.id)).all()
    return row


def two_step_code(secret):
    from pantry.coordinators import two_step
    from pantry.database import utcnow

    return two_step.current_code(secret, utcnow())  # Bea's phone's code now: no route takes it for her


def journal_lines(session):
    session.rollback()
    return {entry.id: (entry.at, entry.who, entry.action, entry.subject, entry.before, entry.after)
            for entry in session.scalars(select(JournalEntry))}


def test_no_route_lets_one_coordinator_change_anothers_account_or_the_journal(app, client, session, network,
                                                                            peers, network_fillings):
    bea = account(session, peers.peer_email)
    assert bea["totp_secret"] and len(bea["recovery_codes"]) == 10 and len(bea["sessions"]) == 1
    aimed = {**AIMED_AT_BEA, "session": str(peers.peer_session), "code": two_step_code(bea["totp_secret"])}
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
            data = None if method == "GET" else {"csrf_token": csrf, **aimed}
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
