"""A review's screens: opening one about another coordinator, its page (reason, answer, who has
voted, and once closed every vote with its voter's name), voting and answering."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from pantry.coordinators import letters, reviews
from pantry.coordinators.blueprint import bp, refuse
from pantry.coordinators.models import Coordinator, Review, ReviewVote
from pantry.coordinators.peer_forms import AnswerForm, ReasonForm, VoteForm
from pantry.database import commit_write, utcnow
from pantry.extensions import db

OPENED_SUBJECT = _l("A review of your membership is open")


@bp.route("/coordinators/<int:coordinator_id>/review", methods=["GET", "POST"])
@login_required
def open_review(coordinator_id):
    subject = db.get_or_404(Coordinator, coordinator_id)
    form = ReasonForm()
    status = 200
    if form.validate_on_submit():
        now = utcnow()
        try:
            review = commit_write(db.session, lambda: reviews.open_review(
                db.session, current_user, coordinator_id, form.reason.data, now))
        except reviews.ReviewError as error:
            refuse(error, form)
            status = error.status
        else:
            _tell_subject(review)
            flash(_("The review is open. %(name)s has been told.", name=subject.display_name), "logged")
            return redirect(url_for("coordinators.review", review_id=review.id), 303)
    status = 422 if status == 200 and form.errors else status
    return render_template("coordinators/review_new.html", subject=subject, form=form), status


@bp.get("/reviews/<int:review_id>")
@login_required
def review(review_id):
    found = db.get_or_404(Review, review_id)
    now = utcnow()
    if found.is_open and found.round_ends_at <= now:
        commit_write(db.session, lambda: reviews.settle_if_due(db.session, reviews.lock_review(db.session, found.id),
                                                               now))
    return _review_page(found, VoteForm(formdata=None), AnswerForm(formdata=None, data={"answer": found.answer}))


@bp.post("/reviews/<int:review_id>/vote")
@login_required
def vote(review_id):
    found = db.get_or_404(Review, review_id)
    form = VoteForm()
    if not form.validate_on_submit():
        return _review_page(found, form, AnswerForm(formdata=None), 422)
    now = utcnow()
    try:
        commit_write(db.session, lambda: reviews.vote(db.session, current_user, review_id, form.scores(), now))
    except reviews.ReviewError as error:
        refuse(error)
        return _review_page(db.session.get(Review, review_id), form, AnswerForm(formdata=None), error.status)
    flash(_("Your vote is counted. It stays secret until the review closes."), "logged")
    return redirect(url_for("coordinators.review", review_id=review_id), 303)


@bp.post("/reviews/<int:review_id>/answer")
@login_required
def answer(review_id):
    found = db.get_or_404(Review, review_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _review_page(found, VoteForm(formdata=None), form, 422)
    now = utcnow()
    try:
        commit_write(db.session, lambda: reviews.answer(db.session, current_user, review_id, form.answer.data, now))
    except reviews.ReviewError as error:
        refuse(error, form)
        return _review_page(db.session.get(Review, review_id), VoteForm(formdata=None), form, error.status)
    flash(_("Your answer is on the review's page."), "logged")
    return redirect(url_for("coordinators.review", review_id=review_id), 303)


def _review_page(found, vote_form, answer_form, status=200):
    voter_ids = reviews.voters(db.session, found)
    voted = reviews.voted(db.session, found) if found.is_open else []
    votes = []
    if not found.is_open:  # secret until it closes, then shown with names
        votes = db.session.scalars(select(ReviewVote).where(ReviewVote.review_id == found.id)
                                   .order_by(ReviewVote.round, ReviewVote.cast_at, ReviewVote.id)).all()
    context = {"review": found, "vote_form": vote_form, "answer_form": answer_form, "voters": len(voter_ids),
               "voted": len(voted), "may_vote": found.is_open and current_user.id in voter_ids
               and current_user.id not in voted, "votes": votes,
               "totals": reviews.round_totals(db.session, found) if not found.is_open else {}}
    return render_template("coordinators/review.html", **context), status


def _tell_subject(review):
    link = current_app.config["BASE_URL"] + url_for("coordinators.review", review_id=review.id)
    letters.send(review.subject.email, review.subject.language, OPENED_SUBJECT, "review_opened",
                 name=review.subject.display_name, by=review.opened_by.display_name, reason=review.reason, link=link)
