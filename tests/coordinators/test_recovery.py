"""A forgotten password: a link mailed to the owner's own address, or, with no mail set up, two
other coordinators issuing one together; the owner told at their next sign-in; changes mailed to
the old address."""
import re

import pytest
from sqlalchemy import func, select

from pantry.coordinators import membership, recovery
from pantry.coordinators.models import Coordinator, Invitation
from pantry.journal import JournalEntry
from tests.conftest import NOW, csrf_token
from tests.coordinators.conftest import PASSWORD, post_form, sign_in
from tests.mailbox import body, mailbox  # noqa: F401  (the fixture)

BASE = "https://pantry.example"


@pytest.fixture
def three(session, coordinator):
    made = [coordinator]
    for name in ("Bea", "Cai"):
        person = Coordinator(email=f"{name.lower()}@example.org", name=name, joined_at=NOW,
                             password_hash=coordinator.password_hash)
        session.add(person)
        made.append(person)
    session.commit()
    return made


def test_two_others_issue_a_link_and_only_the_first_to_hand_it_over_sees_it(session, three):
    ada, bea, cai = three
    with pytest.raises(recovery.OwnRecovery):
        recovery.ask(session, ada, ada.id, NOW)
    session.rollback()
    asked = recovery.ask(session, bea, ada.id, NOW)
    session.commit()
    with pytest.raises(recovery.RecoveryOpenAlready):
        recovery.ask(session, cai, ada.id, NOW)
    session.rollback()
    with pytest.raises(recovery.NotAgreedYet):
        recovery.hand_over(session, bea, asked.id, NOW, BASE, days=7)
    session.rollback()
    for who in (bea, ada):  # neither the one who asked nor the owner agrees
        with pytest.raises(recovery.OwnRecovery):
            recovery.agree(session, who, asked.id, NOW)
        session.rollback()
    recovery.agree(session, cai, asked.id, NOW)
    session.commit()
    _found, link = recovery.hand_over(session, cai, asked.id, NOW, BASE, days=7)
    session.commit()
    assert link.startswith(f"{BASE}/admin/welcome/")
    with pytest.raises(recovery.HandedAlready):
        recovery.hand_over(session, bea, asked.id, NOW, BASE, days=7)
    session.rollback()
    assert ada.check_password(PASSWORD)  # her password works until the link is used
    actions = session.scalars(select(JournalEntry.action).order_by(JournalEntry.id)).all()
    assert actions == ["coordinator.recovery_asked", "coordinator.recovery_agreed", "coordinator.recovery_handed"]


def test_with_mail_set_up_peers_cannot_issue_a_link(session, three):
    ada, bea, _cai = three
    with pytest.raises(recovery.MailInstead):
        recovery.ask(session, bea, ada.id, NOW, mail_set_up=True)


def test_the_owner_is_told_at_their_next_sign_in(client, session, three):
    ada, bea, cai = three
    asked = recovery.ask(session, bea, ada.id, NOW)
    recovery.agree(session, cai, asked.id, NOW)
    recovery.hand_over(session, bea, asked.id, NOW, BASE, days=7)
    session.commit()
    answer = sign_in(client, "ada@example.org", PASSWORD)
    assert answer.status_code == 303
    home = client.get("/admin/").text
    assert "Bea and Cai issued a one-time link to your account" in home
    assert "issued a one-time link" not in client.get("/admin/").text  # told once


def test_a_reset_link_goes_to_the_owners_own_address_only(client, session, three, mailbox):
    page = client.get("/admin/forgot")
    known = client.post("/admin/forgot", data={"csrf_token": csrf_token(page.text), "email": "Ada@example.org"})
    unknown = client.post("/admin/forgot", data={"csrf_token": csrf_token(page.text), "email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    said = re.compile(r"a link to choose a new password is on its way")
    assert said.search(known.text) and said.search(unknown.text)
    [letter] = mailbox.messages
    assert letter["To"] == "ada@example.org" and "/admin/welcome/" in body(letter)
    assert session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_a_password_or_email_change_is_mailed_to_the_old_address(admin, session, coordinator, three, mailbox):
    _email, token = membership.ask_new_email(session, coordinator, "ada.new@example.org", NOW, days=100_000)
    session.commit()
    answer = post_form(admin, f"/admin/email/{token}")
    assert answer.status_code == 303
    assert [message["To"] for message in mailbox.messages] == ["ada@example.org"]
    assert "ada.new@example.org" in body(mailbox.messages[0])
    reused = post_form(admin, f"/admin/email/{token}")
    assert reused.status_code == 410


def test_a_new_password_is_mailed_to_the_owner(client, session, coordinator, mailbox):
    found = recovery.mail_reset(session, "ada@example.org", NOW, BASE, days=100_000)
    session.commit()
    page = client.get(found[1].replace(BASE, ""))
    answer = client.post(found[1].replace(BASE, ""), data={"csrf_token": csrf_token(page.text),
                                                           "password": "another long password",
                                                           "confirm": "another long password"})
    assert answer.status_code == 303
    subjects = [str(message["Subject"]) for message in mailbox.messages]
    assert subjects == ["Your Pantry password was changed"]
