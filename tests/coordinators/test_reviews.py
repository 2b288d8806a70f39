"""Reviews of a coordinator's membership, called directly, and their bad input over HTTP."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pantry.coordinators import membership, review_pages, reviews
from pantry.coordinators.models import Coordinator, Review, ReviewVote
from pantry.database import utcnow
from pantry.journal import JournalEntry
from tests.conftest import NOW, csrf_token
from tests.coordinators.conftest import PASSWORD, sign_in

REMOVE = {"remove": 2, "keep": -2, "discuss": 0}
KEEP = {"remove": -2, "keep": 2, "discuss": 0}
DISCUSS = {"remove": 0, "keep": 0, "discuss": 2}


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """The review pages' clock stands at NOW, when the reviews below open."""
    monkeypatch.setattr(review_pages, "utcnow", lambda: NOW)


@pytest.fixture
def four(session, coordinator):
    """Ada, Bea, Cai and Dan: four members."""
    made = [coordinator]
    for name in ("Bea", "Cai", "Dan"):
        person = Coordinator(email=f"{name.lower()}@example.org", name=name, joined_at=NOW,
                             password_hash=coordinator.password_hash)
        session.add(person)
        made.append(person)
    session.commit()
    return made


def opened(session, by, about, now=NOW):
    review = reviews.open_review(session, by, about.id, "Has not come in months.", now)
    session.commit()
    return review


def cast(session, review, votes, now=NOW):
    for who, scores in votes:
        reviews.vote(session, who, review.id, scores, now)
        session.commit()


def test_the_highest_total_wins_once_everyone_voted(session, four):
    ada, bea, cai, dan = four
    review = opened(session, cai, dan)
    cast(session, review, [(ada, REMOVE), (bea, REMOVE), (cai, REMOVE)])
    assert review.is_open  # Dan has not voted yet
    cast(session, review, [(dan, KEEP)])
    assert (review.outcome, review.closed_at) == ("remove", NOW)
    assert not session.get(Coordinator, dan.id).is_member
    journal = session.execute(select(JournalEntry.action, JournalEntry.who).order_by(JournalEntry.id)).all()
    assert journal == [("review.opened", "Cai"), ("review.voted", "Ada"), ("review.voted", "Bea"),
                       ("review.voted", "Cai"), ("review.voted", "Dan"), ("review.closed", "Pantry"),
                       ("coordinator.removed", "Pantry")]
    assert '"remove": 4' in session.scalar(select(JournalEntry.after).where(JournalEntry.action == "review.closed"))


def test_a_tie_means_discuss_further_and_a_new_round(session, four):
    ada, bea, cai, dan = four
    review = opened(session, cai, dan)
    cast(session, review, [(ada, REMOVE), (bea, REMOVE), (cai, KEEP), (dan, KEEP)])
    assert review.is_open and review.round == 2 and review.round_ends_at == NOW + timedelta(days=7)
    cast(session, review, [(ada, KEEP)])  # a new round: everyone votes afresh
    assert review.round == 2


def test_discuss_further_winning_means_a_new_round(session, four):
    ada, bea, cai, dan = four
    review = opened(session, cai, dan)
    cast(session, review, [(ada, DISCUSS), (bea, DISCUSS), (cai, DISCUSS), (dan, KEEP)])
    assert review.is_open and review.round == 2


def test_after_seven_days_the_votes_cast_decide(session, four):
    ada, _bea, cai, dan = four
    review = opened(session, cai, dan)
    cast(session, review, [(ada, KEEP)])
    assert reviews.settle_due(session, NOW + timedelta(days=7)) == 1
    session.commit()
    assert (review.outcome, session.get(Coordinator, dan.id).is_member) == ("keep", True)


def test_nobody_voting_closes_with_no_change(session, four):
    _ada, _bea, cai, dan = four
    review = opened(session, cai, dan)
    reviews.settle_due(session, NOW + timedelta(days=8))
    session.commit()
    assert review.outcome == "keep" and dan.is_member


def test_who_joined_after_the_review_opened_does_not_vote(session, four):
    _ada, _bea, cai, dan = four
    review = opened(session, cai, dan)
    eve = Coordinator(email="eve@example.org", name="Eve", joined_at=NOW, password_hash="x")
    session.add(eve)
    session.commit()
    with pytest.raises(reviews.NotAVoter) as refused:
        reviews.vote(session, eve, review.id, KEEP, NOW)
    assert refused.value.status == 403


@pytest.mark.parametrize("scores", [{"remove": 3, "keep": 0, "discuss": 0}, {"remove": -3, "keep": 0, "discuss": 0},
                                    {"remove": 1, "keep": 0}, {"remove": "1", "keep": 0, "discuss": 0},
                                    {"remove": True, "keep": 0, "discuss": 0}])
def test_a_score_outside_minus_two_to_two_is_refused(session, four, scores):
    _ada, _bea, cai, dan = four
    review = opened(session, cai, dan)
    with pytest.raises(reviews.BadScore):
        reviews.vote(session, cai, review.id, scores, NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ReviewVote)) == 0


def test_what_cannot_be_opened(session, four):
    ada, bea, cai, dan = four
    with pytest.raises(reviews.OwnReview):
        reviews.open_review(session, cai, cai.id, "I want to leave.", NOW)
    session.rollback()
    opened(session, cai, dan)
    with pytest.raises(reviews.ReviewOpenAlready):
        reviews.open_review(session, ada, dan.id, "Me too.", NOW)
    session.rollback()
    with pytest.raises(reviews.OneReviewAWeek) as weekly:
        reviews.open_review(session, cai, bea.id, "And Bea.", NOW + timedelta(days=6))
    assert weekly.value.status == 429
    session.rollback()
    with pytest.raises(reviews.BadReason):
        reviews.open_review(session, ada, bea.id, "   ", NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Review)) == 1


def test_under_review_one_works_but_cannot_invite(session, four):
    _ada, _bea, cai, dan = four
    opened(session, cai, dan)
    with pytest.raises(membership.UnderReview):
        membership.invite(session, dan, "eve@example.org", "", NOW, "https://x", days=7)


def test_a_closed_review_takes_no_votes_and_only_its_person_answers(session, four):
    ada, bea, cai, dan = four
    review = opened(session, cai, dan)
    with pytest.raises(reviews.NotYourReview):
        reviews.answer(session, ada, review.id, "Not you.", NOW)
    session.rollback()
    reviews.answer(session, dan, review.id, "I was ill; I am back now.", NOW)
    cast(session, review, [(ada, KEEP), (bea, KEEP), (cai, KEEP), (dan, KEEP)])
    with pytest.raises(reviews.ReviewClosed):
        reviews.vote(session, ada, review.id, KEEP, NOW)


def test_votes_are_secret_until_the_review_closes(app, client, session, four):
    ada, bea, cai, dan = four
    review = opened(session, cai, dan)
    cast(session, review, [(ada, {"remove": -2, "keep": 1, "discuss": 2})])
    sign_in(client, "dan@example.org", PASSWORD)
    page = client.get(f"/admin/reviews/{review.id}")
    assert "1 of 4 have voted" in page.text and 'id="votes"' not in page.text and "Your answer" in page.text
    cast(session, review, [(bea, KEEP), (cai, KEEP), (dan, KEEP)])
    page = client.get(f"/admin/reviews/{review.id}")
    assert 'id="votes"' in page.text and "Ada" in page.text and "no change" in page.text


@pytest.mark.parametrize("scores", [{"remove": "3", "keep": "0", "discuss": "0"}, {"remove": "x", "keep": "0"},
                                    {}])
def test_a_bad_vote_over_http_is_refused(app, client, session, four, scores):
    _ada, _bea, cai, dan = four
    review = opened(session, cai, dan)
    sign_in(client, "cai@example.org", PASSWORD)
    token = csrf_token(client.get(f"/admin/reviews/{review.id}").text)
    answer = client.post(f"/admin/reviews/{review.id}/vote", data={"csrf_token": token, **scores})
    assert answer.status_code == 422
    assert session.scalar(select(func.count()).select_from(ReviewVote)) == 0


def test_refusals_over_http_say_why_with_the_right_status(app, client, session, four):
    _ada, _bea, cai, dan = four
    review = opened(session, cai, dan)
    eve = Coordinator(email="eve@example.org", name="Eve", joined_at=NOW, password_hash=cai.password_hash)
    session.add(eve)
    session.commit()
    sign_in(client, "eve@example.org", PASSWORD)
    token = csrf_token(client.get(f"/admin/reviews/{review.id}").text)
    scores = {"remove": "0", "keep": "0", "discuss": "0"}
    late = client.post(f"/admin/reviews/{review.id}/vote", data={"csrf_token": token, **scores})
    assert late.status_code == 403 and "when this review opened" in late.text
    again = client.post(f"/admin/coordinators/{dan.id}/review", data={"csrf_token": token, "reason": "Again."})
    assert again.status_code == 409 and "open already" in again.text
    own = client.post(f"/admin/coordinators/{eve.id}/review", data={"csrf_token": token, "reason": "Me."})
    assert own.status_code == 403
    assert session.scalar(select(func.count()).select_from(Review)) == 1


def test_the_person_is_told_on_their_home_screen_and_the_clock_settles_reviews(client, runner, session, four):
    _ada, _bea, cai, dan = four
    review = opened(session, cai, dan, now=utcnow())
    sign_in(client, "dan@example.org", PASSWORD)
    assert "A review of your membership is open." in client.get("/admin/").text
    assert "Settled 0 reviews." in runner.invoke(args=["pantry", "settle-reviews"]).output
    review.round_ends_at = utcnow()
    session.commit()
    assert "Settled 1 review." in runner.invoke(args=["pantry", "settle-reviews"]).output
    session.rollback()
    assert session.get(Review, review.id).outcome == "keep"
