"""Invitations, one-time links and passwords, called directly; and `flask pantry add-coordinator`."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from pantry.config import Defaults
from pantry.coordinators import invitations
from pantry.coordinators.models import Coordinator, Invitation, hash_token
from pantry.database import utcnow
from tests.books import count
from tests.conftest import NOW

BASE = "https://pantry.example"


def token_of(link):
    assert link.startswith(f"{BASE}/admin/welcome/")
    return link.rsplit("/", 1)[1]




def test_an_invitation_makes_a_coordinator_without_a_password(session):
    person, link = invitations.invite(
        session, "  Bea@Example.ORG ", "Bea", NOW, BASE, days=7, invited_by="ada@example.org"
    )
    session.commit()
    assert (person.email, person.name, person.password_hash) == ("bea@example.org", "Bea", None)
    invitation = session.scalar(select(Invitation))
    token = token_of(link)
    assert invitation.token_hash == hash_token(token) != token  # only the hash is kept
    assert invitation.expires_at == NOW + timedelta(days=7)
    assert invitation.invited_by == "ada@example.org"


@pytest.mark.parametrize("email", ["", "   ", "bea", "bea@", "@example.org", "bea@example", "b ea@example.org",
                                   "bea@@example.org", "x" * 250 + "@example.org", "bea\x00@example.org",
                                   "bea@example.org\nbcc@example.org"])
def test_an_email_that_is_not_one_is_refused(session, email):
    with pytest.raises(invitations.BadEmail):
        invitations.invite(session, email, "", NOW, BASE, days=7, invited_by="")
    session.rollback()
    assert count(session, Coordinator) == 0


@pytest.mark.parametrize("name", ["B" * 121, "Bea\x00"])
def test_a_name_that_is_too_long_or_strange_is_refused(session, name):
    with pytest.raises(invitations.BadName):
        invitations.invite(session, "bea@example.org", name, NOW, BASE, days=7, invited_by="")


def test_accepting_sets_the_password_once(session):
    person, link = invitations.invite(session, "bea@example.org", "", NOW, BASE, days=7, invited_by="")
    session.commit()
    accepted = invitations.accept(session, token_of(link), "correct horse battery", NOW + timedelta(days=1))
    session.commit()
    assert accepted.id == person.id
    assert person.check_password("correct horse battery")
    assert session.scalar(select(Invitation.used_at)) == NOW + timedelta(days=1)
    with pytest.raises(invitations.UsedInvitation) as refused:
        invitations.accept(session, token_of(link), "another long password", NOW + timedelta(days=1))
    assert refused.value.status == 410
    session.rollback()
    assert person.check_password("correct horse battery")


def test_an_expired_link_is_refused(session):
    person, link = invitations.invite(session, "bea@example.org", "", NOW, BASE, days=7, invited_by="")
    session.commit()
    with pytest.raises(invitations.ExpiredInvitation):
        invitations.accept(session, token_of(link), "correct horse battery", NOW + timedelta(days=7))
    session.rollback()
    assert session.get(Coordinator, person.id).password_hash is None


@pytest.mark.parametrize("token", ["", "nope", "x" * 500, None, 12])
def test_an_unknown_link_is_refused(session, token):
    with pytest.raises(invitations.UnknownInvitation) as refused:
        invitations.accept(session, token, "correct horse battery", NOW)
    assert refused.value.status == 404


def test_a_short_password_is_refused_and_the_link_still_works(session):
    person, link = invitations.invite(session, "bea@example.org", "", NOW, BASE, days=7, invited_by="")
    session.commit()
    with pytest.raises(invitations.BadPassword):
        invitations.accept(session, token_of(link), "nine char", NOW)
    session.rollback()
    invitations.accept(session, token_of(link), "ten chars!", NOW)
    session.commit()
    assert person.check_password("ten chars!")


def test_inviting_a_coordinator_again_is_a_password_reset(session):
    person, first = invitations.invite(session, "bea@example.org", "Bea", NOW, BASE, days=7, invited_by="")
    invitations.accept(session, token_of(first), "the first password", NOW)
    _, second = invitations.invite(session, "BEA@example.org", "Other", NOW, BASE, days=7, invited_by="ada@example.org")
    _, third = invitations.invite(session, "bea@example.org", "", NOW, BASE, days=7, invited_by="ada@example.org")
    session.commit()
    assert count(session, Coordinator) == 1
    assert person.name == "Bea"  # a name they have is kept
    assert person.check_password("the first password")  # nobody is locked out by a new link
    with pytest.raises(invitations.UsedInvitation):  # a newer link replaced this one
        invitations.accept(session, token_of(second), "the second password", NOW)
    session.rollback()
    invitations.accept(session, token_of(third), "the third password", NOW)
    session.commit()
    assert person.check_password("the third password")
    assert not person.check_password("the first password")


def test_a_coordinator_added_with_a_password_can_sign_in(session):
    person = invitations.add_with_password(session, " Cy@Example.org", "Cy", "a fine long password", NOW)
    session.commit()
    assert invitations.authenticate(session, "cy@example.org ", "a fine long password").id == person.id
    with pytest.raises(invitations.BadPassword):
        invitations.add_with_password(session, "dee@example.org", "", "short", NOW)


def test_passwords_are_hashed_with_scrypt_unless_the_settings_say_otherwise(app, session):
    """The tests' app hashes quickly (tests/conftest.py, QUICK_HASH); a deployment, as the defaults say."""
    assert Defaults.PASSWORD_HASH_METHOD == "scrypt"
    quick = invitations.add_with_password(session, "dee@example.org", "Dee", "a fine long password", NOW)
    assert quick.password_hash.startswith("pbkdf2:sha256:1000$")
    app.config["PASSWORD_HASH_METHOD"] = Defaults.PASSWORD_HASH_METHOD
    person = invitations.add_with_password(session, "cy@example.org", "Cy", "a fine long password", NOW)
    session.commit()
    assert person.password_hash.startswith("scrypt:32768:8:1$")
    for email in ("cy@example.org", "dee@example.org"):  # each checked by the method it was hashed with
        assert invitations.authenticate(session, email, "a fine long password").email == email
    with pytest.raises(invitations.SignInFailed):  # checked against a stand-in scrypt hash
        invitations.authenticate(session, "nobody@example.org", "a fine long password")


@pytest.mark.parametrize(
    "email, password",
    [("cy@example.org", "the wrong password"), ("nobody@example.org", "a fine long password"),
     ("", ""), ("cy@example.org", "x" * 10_000), ("invited@example.org", "a fine long password"),
     ("cy\x00@example.org", "a fine long password")],
)
def test_sign_in_fails_the_same_way_whatever_was_wrong(session, email, password):
    invitations.add_with_password(session, "cy@example.org", "", "a fine long password", NOW)
    invitations.invite(session, "invited@example.org", "", NOW, BASE, days=7, invited_by="")
    session.commit()
    with pytest.raises(invitations.SignInFailed) as refused:
        invitations.authenticate(session, email, password)
    assert str(refused.value.message) == "Email or password is wrong."


def test_the_command_prints_a_one_time_link(runner, session):
    result = runner.invoke(args=["pantry", "add-coordinator", "Ada@Example.org", "--name", "Ada"])
    assert result.exit_code == 0, result.output
    assert "One-time link for ada@example.org (valid 7 days):" in result.output
    link = result.output.strip().splitlines()[-1]
    session.expire_all()
    invitations.accept(session, token_of(link), "a fine long password", utcnow())
    session.commit()
    assert session.scalar(select(Coordinator)).check_password("a fine long password")


def test_the_command_sets_a_password(runner, session):
    typed = "a fine long password\na fine long password\n"
    result = runner.invoke(args=["pantry", "add-coordinator", "ada@example.org", "--password"], input=typed)
    assert result.exit_code == 0, result.output
    assert "Coordinator ada@example.org can sign in now." in result.output
    session.expire_all()
    assert invitations.authenticate(session, "ada@example.org", "a fine long password").email == "ada@example.org"


def test_the_command_refuses_bad_input_in_plain_words(runner, session):
    result = runner.invoke(args=["pantry", "add-coordinator", "not-an-email"])
    assert result.exit_code == 1
    assert "Enter an email address" in result.output
    short = runner.invoke(args=["pantry", "add-coordinator", "ada@example.org", "--password"], input="short\nshort\n")
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    session.expire_all()
    assert count(session, Coordinator) == 0
