"""Who coordinates: joining (by agreement from three coordinators on), one's own name, language and
email, and stepping down. No rule here lets one coordinator change another's account."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from pantry import journal
from pantry.coordinators import invitations, sessions
from pantry.coordinators.models import Coordinator, EmailConfirmation, Invitation, Review, hash_token, new_token
from pantry.refusals import Refusal

AGREEMENT_FROM = 3  # members; fewer invite alone
SELF_FIELDS = ("name", "language")


class MembershipError(Refusal):
    code = "membership_error"
    status = 422
    message = _l("That could not be done.")


class AlreadyCoordinator(MembershipError):
    code = "already_coordinator"
    status = 409
    message = _l("This person is a coordinator already. If they forgot their password, they can ask for a "
                 "reset link from the sign-in page.")


class UnderReview(MembershipError):
    code = "under_review"
    status = 403
    message = _l("While a review of your membership is open, you cannot invite anyone.")


class UnknownInvitation(MembershipError):
    code = "unknown_invitation"
    status = 404
    message = _l("There is no such invitation waiting.")


class OwnInvitation(MembershipError):
    code = "own_invitation"
    status = 403
    message = _l("Another coordinator must agree to your invitation: you cannot agree to it yourself.")


class AlreadyAgreed(MembershipError):
    code = "already_agreed"
    status = 409
    message = _l("Another coordinator agreed to this invitation already.")


class LastCoordinator(MembershipError):
    code = "last_coordinator"
    status = 409
    message = _l("You are the only coordinator: invite another before you step down.")


class BadLanguage(MembershipError):
    code = "bad_language"
    field = "language"
    message = _l("Choose one of the languages offered.")


class SameEmail(MembershipError):
    code = "same_email"
    field = "email"
    message = _l("That is your address already.")


class EmailTaken(MembershipError):
    code = "email_taken"
    field = "email"
    message = _l("Another coordinator uses this address.")


def members(session):
    """The coordinators who count: joined and not left, in the order they joined."""
    query = select(Coordinator).where(Coordinator.password_hash.is_not(None), Coordinator.left_at.is_(None))
    return session.scalars(query.order_by(Coordinator.joined_at, Coordinator.created_at, Coordinator.id)).all()


def under_review(session, coordinator_id):
    query = select(Review.id).where(Review.subject_id == coordinator_id, Review.closed_at.is_(None))
    return session.scalar(query.limit(1)) is not None


def invite(session, who, email, name, now, base_url, days):
    """Invite a new coordinator; returns (invitation, link). From three members on, the link waits
    for a second coordinator's agreement."""
    if under_review(session, who.id):
        raise UnderReview()
    known = session.scalar(select(Coordinator).where(Coordinator.email == invitations.normalise_email(email)))
    if known is not None and known.is_member:
        raise AlreadyCoordinator()
    waits = len(members(session)) >= AGREEMENT_FROM
    coordinator, link = invitations.invite(session, email, name, now, base_url, days=days, invited_by=who.email)
    invitation = session.scalar(select(Invitation).where(Invitation.coordinator_id == coordinator.id,
                                                         Invitation.used_at.is_(None)))
    invitation.invited_by_id, invitation.needs_agreement = who.id, waits
    journal.record(session, who, "invitation.made", coordinator.email, {},
                   {"name": coordinator.name, "needs_agreement": waits}, now)
    return invitation, link


def agree(session, who, invitation_id, now):
    """A second coordinator agrees to an invitation: its link starts working. Decided once: of two
    agreeing at once, one agrees and the other is told it was done."""
    invitation = session.get(Invitation, invitation_id) if 0 < invitation_id < 2**31 else None
    if invitation is None or not invitation.needs_agreement or invitation.used_at is not None \
            or invitation.expires_at <= now:
        raise UnknownInvitation()
    if who.id in (invitation.invited_by_id, invitation.coordinator_id):
        raise OwnInvitation()
    agreed = session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.agreed_at.is_(None))
        .values(agreed_at=now, agreed_by_id=who.id).execution_options(synchronize_session=False))
    if agreed.rowcount != 1:
        raise AlreadyAgreed()
    inviter = session.get(Coordinator, invitation.invited_by_id) if invitation.invited_by_id else None
    journal.record(session, who, "invitation.agreed", invitation.coordinator.email,
                   {}, {"invited_by": inviter.display_name if inviter else invitation.invited_by}, now)
    return invitation


def join(session, token, password, now):
    """Use a welcome link: the password is set, and a newcomer (or one coming back) is a member."""
    coordinator = invitations.accept(session, token, password, now)
    coming = coordinator.joined_at is None or coordinator.left_at is not None
    if coming:
        coordinator.joined_at, coordinator.left_at = now, None
    journal.record(session, coordinator, "coordinator.joined" if coming else "coordinator.password_set",
                   coordinator.email, {}, {}, now)
    sessions.end_others(session, coordinator, None, now)  # a new password: every session before it ends
    return coordinator


def edit_self(session, who, name, language, languages, now):
    if language not in ("", *languages):
        raise BadLanguage()
    before = journal.snapshot(who, *SELF_FIELDS)
    who.name, who.language = invitations.clean_name(name), language
    journal.record_change(session, who, "coordinator.changed", who.email, before,
                          journal.snapshot(who, *SELF_FIELDS), now)
    return who


def ask_new_email(session, who, email, now, days):
    """A link for the new address; nothing changes until it is opened. Returns (email, token)."""
    email = invitations.normalise_email(email)
    if email == who.email:
        raise SameEmail()
    if session.scalar(select(Coordinator.id).where(Coordinator.email == email)) is not None:
        raise EmailTaken()
    _retire_email_links(session, who, now)
    token = new_token()
    session.add(EmailConfirmation(coordinator_id=who.id, new_email=email, token_hash=hash_token(token),
                                  created_at=now, expires_at=now + timedelta(days=days)))
    journal.record(session, who, "coordinator.email_asked", who.email, {}, {"email": email}, now)
    return email, token


def confirm_email(session, who, token, now):
    """Open the link from the new address (signed in as its owner): the address changes. Returns the old one."""
    link = _email_link(session, who, token, now)
    spent = session.execute(update(EmailConfirmation).where(EmailConfirmation.id == link.id,
                                                            EmailConfirmation.used_at.is_(None))
                            .values(used_at=now).execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        raise invitations.UsedInvitation()
    if session.scalar(select(Coordinator.id).where(Coordinator.email == link.new_email)) is not None:
        raise EmailTaken()
    old, who.email = who.email, link.new_email
    journal.record(session, who, "coordinator.email_changed", who.email, {"email": old}, {"email": who.email}, now)
    return old


def step_down(session, who, now):
    """Leave the network, never as its last member (the members are locked, so two cannot both leave
    each thinking the other stays)."""
    locked = session.scalars(select(Coordinator.id).where(
        Coordinator.password_hash.is_not(None), Coordinator.left_at.is_(None)).order_by(Coordinator.id)
        .with_for_update()).all()
    if not [member for member in locked if member != who.id]:
        raise LastCoordinator()
    who.left_at = now
    journal.record(session, who, "coordinator.stepped_down", who.email, {}, {}, now)
    return who


def _email_link(session, who, token, now):
    if not isinstance(token, str) or not 0 < len(token) <= invitations.TOKEN_MAX:
        raise invitations.UnknownInvitation()
    link = session.scalar(select(EmailConfirmation).where(EmailConfirmation.token_hash == hash_token(token)))
    if link is None or link.coordinator_id != who.id:
        raise invitations.UnknownInvitation()
    if link.used_at is not None:
        raise invitations.UsedInvitation()
    if link.expires_at <= now:
        raise invitations.ExpiredInvitation()
    return link


def _retire_email_links(session, who, now):
    session.execute(update(EmailConfirmation).where(EmailConfirmation.coordinator_id == who.id,
                                                    EmailConfirmation.used_at.is_(None))
                    .values(used_at=now).execution_options(synchronize_session=False))
