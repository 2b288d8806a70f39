"""A forgotten password, without handing anyone a way into another's account.

With mail set up, the owner asks for a link mailed to their own address (the answer is the same
for an address nobody has). Without mail, two other coordinators agree to issue one: the first
of them to hand it over in person is shown it, once. The owner is told at their next sign-in."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from pantry import journal
from pantry.coordinators import invitations
from pantry.coordinators.models import Coordinator, Recovery
from pantry.refusals import Refusal

OPEN_FOR = timedelta(days=7)


class RecoveryError(Refusal):
    code = "recovery_error"
    status = 422
    message = _l("That could not be done.")


class UnknownRecovery(RecoveryError):
    code = "unknown_recovery"
    status = 404
    message = _l("There is no such request, or it is more than a week old.")


class OwnRecovery(RecoveryError):
    code = "own_recovery"
    status = 403
    message = _l("Two other coordinators issue a link together: you cannot ask for yourself or agree twice.")


class RecoveryOpenAlready(RecoveryError):
    code = "recovery_open_already"
    status = 409
    message = _l("Someone has asked for a link for this coordinator already: agree to that request instead.")


class MailInstead(RecoveryError):
    code = "recovery_by_mail"
    status = 409
    message = _l("Mail is set up: they ask for a link to their own address from the sign-in page.")


class RecoveryAgreedAlready(RecoveryError):
    code = "recovery_agreed_already"
    status = 409
    message = _l("A second coordinator agreed to this already.")


class NotAgreedYet(RecoveryError):
    code = "recovery_not_agreed"
    status = 409
    message = _l("A second coordinator has to agree before the link can be made.")


class HandedAlready(RecoveryError):
    code = "recovery_handed_already"
    status = 409
    message = _l("The other coordinator has the link already: it is shown only once.")


def mail_reset(session, email, now, base_url, days):
    """For a member's own address, a reset link to mail them: (coordinator, link); None for any other."""
    email = (email or "").strip().lower()
    coordinator = session.scalar(select(Coordinator).where(Coordinator.email == email)) \
        if invitations.EMAIL_PATTERN.fullmatch(email) and len(email) <= invitations.EMAIL_MAX else None
    if coordinator is None or not coordinator.is_member:
        return None
    coordinator, link = invitations.invite(session, email, "", now, base_url, days=days, invited_by=email)
    journal.record(session, coordinator, "coordinator.reset_mailed", email, {}, {}, now)
    return coordinator, link


def ask(session, who, subject_id, now, mail_set_up=False):
    if mail_set_up:
        raise MailInstead()
    subject = session.get(Coordinator, subject_id) if 0 < subject_id < 2**31 else None
    if subject is None or not subject.is_member:
        raise UnknownRecovery()
    if subject.id == who.id:
        raise OwnRecovery()
    if open_for(session, subject.id, now) is not None:
        raise RecoveryOpenAlready()
    recovery = Recovery(subject_id=subject.id, asked_by_id=who.id, asked_at=now)
    session.add(recovery)
    journal.record(session, who, "coordinator.recovery_asked", subject.display_name, {}, {}, now)
    return recovery


def agree(session, who, recovery_id, now):
    recovery = _open(session, recovery_id, now)
    if who.id in (recovery.asked_by_id, recovery.subject_id):
        raise OwnRecovery()
    agreed = session.execute(update(Recovery).where(Recovery.id == recovery.id, Recovery.agreed_at.is_(None))
                             .values(agreed_at=now, agreed_by_id=who.id).execution_options(synchronize_session=False))
    if agreed.rowcount != 1:
        raise RecoveryAgreedAlready()
    journal.record(session, who, "coordinator.recovery_agreed", recovery.subject.display_name, {},
                   {"asked_by": recovery.asked_by.display_name}, now)
    return recovery


def hand_over(session, who, recovery_id, now, base_url, days):
    """The link, for the first of the two to ask for it; decided once. Returns (recovery, link)."""
    recovery = _open(session, recovery_id, now)
    if who.id not in (recovery.asked_by_id, recovery.agreed_by_id):
        raise OwnRecovery()
    if recovery.agreed_at is None:
        raise NotAgreedYet()
    handed = session.execute(update(Recovery).where(Recovery.id == recovery.id, Recovery.handed_at.is_(None))
                             .values(handed_at=now, handed_by_id=who.id).execution_options(synchronize_session=False))
    if handed.rowcount != 1:
        raise HandedAlready()
    subject = recovery.subject
    _person, link = invitations.invite(session, subject.email, "", now, base_url, days=days, invited_by=who.email)
    journal.record(session, who, "coordinator.recovery_handed", subject.display_name, {}, {}, now)
    return recovery, link


def untold(session, coordinator):
    """The links others issued for this coordinator since they last signed in."""
    return session.scalars(select(Recovery).where(Recovery.subject_id == coordinator.id,
                                                  Recovery.handed_at.is_not(None), Recovery.told_at.is_(None))).all()


def tell(session, coordinator, now):
    told = untold(session, coordinator)
    for recovery in told:
        recovery.told_at = now
    if told:
        journal.record(session, coordinator, "coordinator.recovery_told", coordinator.display_name, {},
                       {"links": len(told)}, now)
    return told


def open_recoveries(session, now):
    return session.scalars(select(Recovery).where(Recovery.handed_at.is_(None), Recovery.asked_at > now - OPEN_FOR)
                           .order_by(Recovery.asked_at)).all()


def open_for(session, subject_id, now):
    return session.scalar(select(Recovery).where(Recovery.subject_id == subject_id, Recovery.handed_at.is_(None),
                                                 Recovery.asked_at > now - OPEN_FOR))


def _open(session, recovery_id, now):
    recovery = session.get(Recovery, recovery_id, populate_existing=True) if 0 < recovery_id < 2**31 else None
    if recovery is None or recovery.asked_at <= now - OPEN_FOR:
        raise UnknownRecovery()
    return recovery
