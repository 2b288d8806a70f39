"""Who coordinates, called directly: joining by agreement from three coordinators on, one's own
details and email, stepping down; and the coordinators page over HTTP."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pantry.coordinators import invitations, membership
from pantry.coordinators.models import Coordinator, Invitation
from pantry.journal import JournalEntry
from tests.conftest import NOW, csrf_token
from tests.coordinators.conftest import PASSWORD, post_form

BASE = "https://pantry.example"


@pytest.fixture
def peers(session, coordinator):
    """Ada (the signed-in coordinator of `admin`), Bea and Cai: three members."""
    made = [coordinator]
    for name in ("Bea", "Cai"):
        person = Coordinator(email=f"{name.lower()}@example.org", name=name, joined_at=NOW,
                             password_hash=coordinator.password_hash)
        session.add(person)
        made.append(person)
    session.commit()
    return made


def actions(session):
    return session.scalars(select(JournalEntry.action).order_by(JournalEntry.id)).all()


def test_with_fewer_than_three_an_invitation_works_at_once(session, coordinator):
    invitation, link = membership.invite(session, coordinator, "bea@example.org", "Bea", NOW, BASE, days=7)
    session.commit()
    assert not invitation.waiting
    joined = membership.join(session, link.rsplit("/", 1)[1], "a long enough password", NOW)
    session.commit()
    assert joined.is_member and joined.joined_at == NOW
    assert actions(session) == ["invitation.made", "coordinator.joined"]


def test_from_three_on_the_link_waits_for_a_second_coordinator(session, peers):
    ada, bea, cai = peers
    invitation, link = membership.invite(session, ada, "eve@example.org", "Eve", NOW, BASE, days=7)
    session.commit()
    token = link.rsplit("/", 1)[1]
    with pytest.raises(invitations.WaitingForAgreement) as waiting:
        membership.join(session, token, "a long enough password", NOW)
    assert waiting.value.status == 403
    session.rollback()
    with pytest.raises(membership.OwnInvitation):
        membership.agree(session, ada, invitation.id, NOW)
    session.rollback()
    membership.agree(session, bea, invitation.id, NOW)
    session.commit()
    with pytest.raises(membership.AlreadyAgreed) as again:
        membership.agree(session, cai, invitation.id, NOW)
    assert again.value.status == 409
    session.rollback()
    eve = membership.join(session, token, "a long enough password", NOW)
    session.commit()
    assert eve.is_member
    lines = session.execute(select(JournalEntry.action, JournalEntry.who).order_by(JournalEntry.id)).all()
    assert lines == [("invitation.made", "Ada"), ("invitation.agreed", "Bea"), ("coordinator.joined", "Eve")]


def test_a_member_cannot_be_invited_so_nobody_gets_a_link_to_their_password(session, peers):
    ada, bea, _cai = peers
    with pytest.raises(membership.AlreadyCoordinator):
        membership.invite(session, ada, "bea@example.org", "", NOW, BASE, days=7)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_one_edits_ones_own_name_and_language(session, coordinator):
    membership.edit_self(session, coordinator, "  Ada   Lovelace ", "es", ("en", "es"), NOW)
    session.commit()
    assert (coordinator.name, coordinator.language) == ("Ada Lovelace", "es")
    with pytest.raises(membership.BadLanguage):
        membership.edit_self(session, coordinator, "Ada", "klingon", ("en", "es"), NOW)
    session.rollback()
    assert actions(session) == ["coordinator.changed"]


def test_a_new_email_is_used_once_its_link_is_opened(session, peers):
    ada, bea, _cai = peers
    email, token = membership.ask_new_email(session, ada, "Ada.New@example.org", NOW, days=7)
    session.commit()
    assert (email, ada.email) == ("ada.new@example.org", "ada@example.org")
    with pytest.raises(invitations.UnknownInvitation):
        membership.confirm_email(session, bea, token, NOW)  # only its owner, signed in, uses it
    session.rollback()
    with pytest.raises(invitations.ExpiredInvitation):
        membership.confirm_email(session, ada, token, NOW + timedelta(days=7))
    session.rollback()
    assert membership.confirm_email(session, ada, token, NOW) == "ada@example.org"
    session.commit()
    assert ada.email == "ada.new@example.org"
    with pytest.raises(invitations.UsedInvitation):
        membership.confirm_email(session, ada, token, NOW)
    session.rollback()
    with pytest.raises(membership.EmailTaken):
        membership.ask_new_email(session, ada, "bea@example.org", NOW, days=7)


def test_the_last_coordinator_cannot_step_down(session, coordinator):
    with pytest.raises(membership.LastCoordinator) as last:
        membership.step_down(session, coordinator, NOW)
    assert last.value.status == 409
    session.rollback()
    assert coordinator.left_at is None and actions(session) == []


def test_stepping_down_ends_the_membership(session, peers):
    ada, _bea, _cai = peers
    membership.step_down(session, ada, NOW)
    session.commit()
    assert not ada.is_member
    with pytest.raises(invitations.SignInFailed):
        invitations.authenticate(session, "ada@example.org", PASSWORD)


def test_the_coordinators_page_shows_everyone_and_the_invitations_waiting(admin, session, peers):
    ada, bea, _cai = peers
    membership.invite(session, bea, "eve@example.org", "Eve", NOW, BASE, days=100_000)
    session.commit()
    page = admin.get("/admin/coordinators")
    assert page.status_code == 200
    for text in ("Ada", "Bea", "Cai", "Eve", "invited by Bea", "Agree"):
        assert text in page.text
    invitation_id = session.scalar(select(Invitation.id))
    agreed = admin.post(f"/admin/invitations/{invitation_id}/agree", data={"csrf_token": csrf_token(page.text)})
    assert agreed.status_code == 303
    again = admin.post(f"/admin/invitations/{invitation_id}/agree", data={"csrf_token": csrf_token(page.text)})
    assert again.status_code == 409 and "agreed to this invitation already" in again.text


def test_stepping_down_over_http(admin, session, coordinator):
    answer = post_form(admin, "/admin/coordinators/me/step-down")
    assert answer.status_code == 409 and "only coordinator" in answer.text
    assert session.get(Coordinator, coordinator.id).left_at is None


def test_own_details_over_http(admin, session, coordinator):
    answer = post_form(admin, "/admin/coordinators/me", name="Ada L", language="es")
    assert answer.status_code == 303
    assert session.get(Coordinator, coordinator.id).language == "es"
    bad = post_form(admin, "/admin/coordinators/me", name="Ada", language="xx")
    assert bad.status_code == 422
    taken = post_form(admin, "/admin/coordinators/me", name="A" * 121, language="")
    assert taken.status_code == 422
    assert session.get(Coordinator, coordinator.id).name == "Ada L"
