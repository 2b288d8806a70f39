"""Reviews of a coordinator's membership: nobody is removed by one person.

Everyone who was a member when a review opened (the person concerned too) may score each choice
from -2 to +2 for 7 days, or until all of them have voted. The highest total wins; a tie, or
"discuss further" winning, starts a new 7-day round; a round nobody voted in closes with no change.
Votes stay secret until the review closes. Each review row is locked while a vote is counted, and
closing is a conditional update, so the last two votes arriving at once decide it once."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from pantry import journal
from pantry.coordinators.membership import members, under_review
from pantry.coordinators.models import Coordinator, Review, ReviewVote, ReviewVoter
from pantry.refusals import Refusal

ROUND = timedelta(days=7)
OPENING_GAP = timedelta(days=7)  # a coordinator opens at most one review a week
CHOICES = ("remove", "keep", "discuss")
SCORES = range(-2, 3)
REASON_MAX = 2000


class ReviewError(Refusal):
    code = "review_error"
    status = 422
    message = _l("That could not be done.")


class UnknownReview(ReviewError):
    code = "unknown_review"
    status = 404
    message = _l("There is no such review.")


class NotAMember(ReviewError):
    code = "not_a_member"
    status = 404
    message = _l("There is no such coordinator.")


class OwnReview(ReviewError):
    code = "own_review"
    status = 403
    message = _l("You cannot open a review of yourself. If you want to leave, step down from your own page.")


class ReviewOpenAlready(ReviewError):
    code = "review_open_already"
    status = 409
    message = _l("A review of this coordinator is open already: vote on it there.")


class OneReviewAWeek(ReviewError):
    code = "one_review_a_week"
    status = 429
    message = _l("You opened a review less than a week ago. Each coordinator opens at most one a week.")


class BadReason(ReviewError):
    code = "bad_reason"
    field = "reason"
    message = _l("Say why, in up to 2,000 characters: everyone will read it.")


class ReviewClosed(ReviewError):
    code = "review_closed"
    status = 409
    message = _l("This review is closed: votes are no longer counted.")


class NotAVoter(ReviewError):
    code = "not_a_voter"
    status = 403
    message = _l("Only those who were coordinators when this review opened vote on it.")


class VotedAlready(ReviewError):
    code = "voted_already"
    status = 409
    message = _l("You have voted in this round already.")


class BadScore(ReviewError):
    code = "bad_score"
    message = _l("Give each choice a score from -2 to +2.")


class NotYourReview(ReviewError):
    code = "not_your_review"
    status = 403
    message = _l("Only the person this review is about answers it here.")


def open_review(session, who, subject_id, reason, now):
    """Open a review of another member; the members now are its voters."""
    reason = _clean_text(reason)
    subject = _lock_member(session, subject_id)
    if subject.id == who.id:
        raise OwnReview()
    if under_review(session, subject.id):
        raise ReviewOpenAlready()
    latest = session.scalar(select(func.max(Review.opened_at)).where(Review.opened_by_id == who.id))
    if latest is not None and now - latest < OPENING_GAP:
        raise OneReviewAWeek()
    review = Review(subject_id=subject.id, opened_by_id=who.id, reason=reason, opened_at=now,
                    round_ends_at=now + ROUND)
    session.add(review)
    session.flush()
    session.add_all(ReviewVoter(review_id=review.id, coordinator_id=member.id) for member in members(session))
    journal.record(session, who, "review.opened", subject.display_name, {}, {"reason": reason}, now)
    return review


def vote(session, who, review_id, scores, now):
    """Count one voter's scores; the review closes (or starts a new round) once everyone has voted."""
    if set(scores) != set(CHOICES) or any(type(score) is not int or score not in SCORES
                                          for score in scores.values()):
        raise BadScore()
    review = lock_review(session, review_id)
    settle_if_due(session, review, now)
    if not review.is_open:
        raise ReviewClosed()
    if not is_voter(session, review, who):
        raise NotAVoter()
    if session.scalar(select(ReviewVote.id).where(ReviewVote.review_id == review.id, ReviewVote.round == review.round,
                                                  ReviewVote.voter_id == who.id)) is not None:
        raise VotedAlready()
    session.add(ReviewVote(review_id=review.id, round=review.round, voter_id=who.id, cast_at=now, **scores))
    journal.record(session, who, "review.voted", review.subject.display_name, {}, {"round": review.round}, now)
    if len(voted(session, review)) == len(voters(session, review)):
        settle(session, review, now)
    return review


def answer(session, who, review_id, text, now):
    review = lock_review(session, review_id)
    if review.subject_id != who.id:
        raise NotYourReview()
    if not review.is_open:
        raise ReviewClosed()
    before, review.answer = review.answer, _clean_text(text)
    journal.record_change(session, who, "review.answered", who.display_name, {"answer": before},
                          {"answer": review.answer}, now)
    return review


def settle_if_due(session, review, now):
    if review.is_open and review.round_ends_at <= now:
        settle(session, review, now)


def settle_due(session, now):
    """Close or renew every review whose round has ended (run by the clock, and before pages are shown)."""
    due = session.scalars(select(Review.id).where(Review.closed_at.is_(None), Review.round_ends_at <= now)).all()
    for review_id in due:
        settle_if_due(session, lock_review(session, review_id), now)
    return len(due)


def settle(session, review, now):
    """What this round's scores decide: remove, no change, or a new round."""
    totals = round_totals(session, review)
    best = max(totals.values())
    winners = [choice for choice in CHOICES if totals[choice] == best]
    if not voted(session, review):
        outcome = "keep"
    elif len(winners) > 1 or winners == ["discuss"]:
        outcome = None
    else:
        outcome = winners[0]
    if outcome is None:
        _next_round(session, review, totals, now)
    else:
        _close(session, review, outcome, totals, now)


def round_totals(session, review, round_=None):
    query = select(*(func.coalesce(func.sum(getattr(ReviewVote, choice)), 0) for choice in CHOICES)).where(
        ReviewVote.review_id == review.id, ReviewVote.round == (round_ or review.round))
    return dict(zip(CHOICES, (int(total) for total in session.execute(query).one()), strict=True))


def voters(session, review):
    return session.scalars(select(ReviewVoter.coordinator_id).where(ReviewVoter.review_id == review.id)).all()


def voted(session, review):
    return session.scalars(select(ReviewVote.voter_id).where(ReviewVote.review_id == review.id,
                                                             ReviewVote.round == review.round)).all()


def is_voter(session, review, who):
    return who.id in voters(session, review)


def lock_review(session, review_id):
    query = select(Review).where(Review.id == review_id) if 0 < review_id < 2**31 else None
    review = session.scalar(query.with_for_update().execution_options(populate_existing=True)) if query is not None \
        else None
    if review is None:
        raise UnknownReview()
    return review


def _close(session, review, outcome, totals, now):
    closed = session.execute(update(Review).where(Review.id == review.id, Review.closed_at.is_(None),
                                                  Review.round == review.round)
                             .values(closed_at=now, outcome=outcome).execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        return
    session.refresh(review)
    journal.record(session, None, "review.closed", review.subject.display_name, {},
                   {"outcome": outcome, "round": review.round, **totals}, now)
    if outcome == "remove" and review.subject.left_at is None:
        review.subject.left_at = now
        journal.record(session, None, "coordinator.removed", review.subject.email, {}, {"review": review.id}, now)


def _next_round(session, review, totals, now):
    renewed = session.execute(update(Review).where(Review.id == review.id, Review.closed_at.is_(None),
                                                   Review.round == review.round)
                              .values(round=review.round + 1, round_ends_at=now + ROUND)
                              .execution_options(synchronize_session=False))
    if renewed.rowcount == 1:
        session.refresh(review)
        journal.record(session, None, "review.new_round", review.subject.display_name, {},
                       {"round": review.round, **totals}, now)


def _lock_member(session, coordinator_id):
    found = session.scalar(select(Coordinator).where(Coordinator.id == coordinator_id).with_for_update()) \
        if 0 < coordinator_id < 2**31 else None
    if found is None or not found.is_member:
        raise NotAMember()
    return found


def _clean_text(text):
    text = (text or "").strip()
    if not text or len(text) > REASON_MAX or any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        raise BadReason()
    return text
