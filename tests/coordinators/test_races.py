"""Decided once: two coordinators agreeing to one invitation at the same moment, the last two
votes of a review arriving together, and two first-run setups sent at once, each from its own thread, app context, session and connection
(a SQLite file, or PostgreSQL), as two requests would."""
import contextlib
import threading

import pytest
from flask import current_app
from sqlalchemy import func, select

from pantry.coordinators import membership, reviews, setup
from pantry.coordinators.models import Coordinator, Invitation, Review, ReviewVote
from pantry.database import commit_write
from pantry.extensions import db
from pantry.journal import JournalEntry
from pantry.network import Network
from tests.conftest import NOW
from tests.test_concurrency import run_together

ROUNDS = 3
KEEP = {"remove": -2, "keep": 2, "discuss": 0}


@pytest.fixture
def five(session):
    made = []
    for name in ("Ada", "Bea", "Cai", "Dan", "Eve"):
        person = Coordinator(email=f"{name.lower()}@example.org", name=name, joined_at=NOW, password_hash="x")
        session.add(person)
        made.append(person)
    session.commit()
    return [person.id for person in made]


def at_once(app, writes):
    """Run each write (a function of the session) in its own thread and transaction, lined up on a
    barrier; returns what each answered: "done" or the refusal's code."""
    answers, lock = [], threading.Lock()

    def work(index):
        with app.app_context():
            try:
                commit_write(db.session, lambda: writes[index](db.session))
                answer = "done"
            except (membership.MembershipError, reviews.ReviewError, setup.SetupError) as error:
                db.session.rollback()
                answer = error.code
            finally:
                db.session.remove()
        with lock:
            answers.append(answer)

    run_together(work, len(writes))
    return sorted(answers)


def lines(session, action):
    session.rollback()
    return session.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.action == action))


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_two_agreeing_at_once_agree_once(app, session, five, attempt):
    ada, bea, cai, _dan, _eve = five
    invitation, _link = membership.invite(session, session.get(Coordinator, ada), f"new{attempt}@example.org", "",
                                          NOW, "https://x", days=7)
    session.commit()
    invitation_id = invitation.id

    def agreeing(who_id):
        return lambda s: membership.agree(s, s.get(Coordinator, who_id), invitation_id, NOW)

    assert at_once(current_app._get_current_object(), [agreeing(bea), agreeing(cai)]) == ["already_agreed", "done"]
    assert lines(session, "invitation.agreed") == 1
    assert session.get(Invitation, invitation_id).agreed_by_id in (bea, cai)


@pytest.fixture
def counted_together(monkeypatch):
    """Armed by calling it: each vote, once written, then waits (up to a second) for the other before
    counting who has voted. Without the review's row lock both would count four of five, and nobody
    would close it (seen failing on PostgreSQL with the lock taken out)."""
    meeting, seen, counted = threading.Barrier(2, timeout=1), threading.local(), reviews.voted

    def voted(session, review):
        if not getattr(seen, "met", False):
            seen.met = True
            # The other vote waits for this one's lock: it counts after this one commits.
            with contextlib.suppress(threading.BrokenBarrierError):
                meeting.wait()
        return counted(session, review)

    return lambda: monkeypatch.setattr(reviews, "voted", voted)


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_the_last_two_votes_at_once_decide_once(app, session, five, attempt, counted_together):
    ada, bea, cai, dan, eve = five
    review = reviews.open_review(session, session.get(Coordinator, cai), dan, "Has not come in months.", NOW)
    session.commit()
    review_id = review.id
    for voter in (ada, bea, cai):
        reviews.vote(session, session.get(Coordinator, voter), review_id, KEEP, NOW)
        session.commit()

    def voting(who_id):
        return lambda s: reviews.vote(s, s.get(Coordinator, who_id), review_id, KEEP, NOW)

    counted_together()
    assert at_once(current_app._get_current_object(), [voting(dan), voting(eve)]) == ["done", "done"]
    assert lines(session, "review.closed") == 1
    closed = session.get(Review, review_id)
    assert (closed.outcome, closed.round) == ("keep", 1)
    assert session.scalar(select(func.count()).select_from(ReviewVote).where(ReviewVote.review_id == review_id)) == 5


@pytest.fixture
def checked_together(monkeypatch):
    """Each setup, once it has found no coordinator, waits (up to a second) for the other to find none
    too: on PostgreSQL both then go on to write, and only the network's one row (its primary key, id 1)
    stands between them and two first coordinators. (On SQLite the second waits for the write lock.)"""
    meeting, seen, needed = threading.Barrier(2, timeout=1), threading.local(), setup.needed

    def checked(session):
        found = needed(session)
        if not getattr(seen, "met", False):
            seen.met = True
            with contextlib.suppress(threading.BrokenBarrierError):
                meeting.wait()
        return found

    monkeypatch.setattr(setup, "needed", checked)


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_two_setups_at_once_make_one_first_coordinator(app, session, attempt, checked_together):
    key = app.secret_key
    choices = [{"network": name, "timezone": "America/Chicago", "language": "en", "name": name,
                "email": f"{name.lower()}@example.org", "password": "a long enough password"}
               for name in ("Ada", "Bea")]
    answers = at_once(app, [lambda s, chosen=chosen: setup.set_up(s, key, setup.token(key), chosen, ("en",), NOW)
                            for chosen in choices])
    assert answers == ["done", "set_up_already"]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Coordinator)) == 1
    assert session.scalar(select(func.count()).select_from(Network)) == 1
    assert lines(session, "network.set_up") == 1
    assert session.get(Network, 1).name == session.scalars(select(Coordinator.name)).one()  # the winner's both
