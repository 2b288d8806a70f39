"""Who coordinates: the coordinators page, agreeing to an invitation, one's own details and email,
and stepping down. Every screen here acts on the signed-in coordinator's own account only."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from pantry.coordinators import invitations, letters, membership, recovery
from pantry.coordinators.blueprint import bp, refuse
from pantry.coordinators.forms import ButtonForm
from pantry.coordinators.models import Invitation, Review
from pantry.coordinators.peer_forms import EmailForm, SelfForm
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.journal import JournalEntry
from pantry.languages import names

NEW_ADDRESS_SUBJECT = _l("Confirm your new address for Pantry")
OLD_ADDRESS_SUBJECT = _l("Your address on Pantry changed")


@bp.get("/coordinators", endpoint="peers")
@login_required
def peers_page():
    return coordinators_page(200)


def coordinators_page(status):
    now = utcnow()
    last = dict(db.session.execute(select(JournalEntry.coordinator_id, func.max(JournalEntry.at))
                                   .group_by(JournalEntry.coordinator_id)).all())
    waiting = db.session.scalars(select(Invitation).where(Invitation.used_at.is_(None), Invitation.expires_at > now)
                                 .order_by(Invitation.created_at)).all()
    open_reviews = db.session.scalars(select(Review).where(Review.closed_at.is_(None)).order_by(Review.opened_at)).all()
    closed = db.session.scalars(select(Review).where(Review.closed_at.is_not(None))
                                .order_by(Review.closed_at.desc()).limit(20)).all()
    return render_template("coordinators/peers.html", members=membership.members(db.session), last=last,
                           invitations=waiting, open_reviews=open_reviews, closed_reviews=closed,
                           recoveries=recovery.open_recoveries(db.session, now), mail=letters.mail_is_set_up(),
                           languages=names(current_app.config["LANGUAGES"]), form=ButtonForm()), status


@bp.post("/invitations/<int:invitation_id>/agree")
@login_required
def agree(invitation_id):
    if ButtonForm().validate_on_submit():
        now = utcnow()
        try:
            invitation = commit_write(db.session, lambda: membership.agree(db.session, current_user, invitation_id, now))
        except membership.MembershipError as error:
            refuse(error)
            return coordinators_page(error.status)
        flash(_("You agreed: the link for %(email)s works now.", email=invitation.coordinator.email), "logged")
    return redirect(url_for("coordinators.peers"), 303)


@bp.route("/coordinators/me", methods=["GET", "POST"])
@login_required
def own_details():
    form = _self_form()
    if form.validate_on_submit():
        now, languages = utcnow(), current_app.config["LANGUAGES"]
        try:
            commit_write(db.session, lambda: membership.edit_self(
                db.session, current_user, form.name.data, form.language.data, languages, now))
        except (membership.MembershipError, invitations.InvitationError) as error:
            refuse(error, form)
        else:
            flash(_("Saved your details."), "logged")
            return redirect(url_for("coordinators.own_details"), 303)
    return _own_page(form, EmailForm(formdata=None), 422 if form.errors else 200)


@bp.post("/coordinators/me/email")
@login_required
def new_email():
    form = EmailForm()
    if form.validate_on_submit():
        now, days = utcnow(), current_app.config["INVITATION_DAYS"]
        try:
            email, token = commit_write(db.session, lambda: membership.ask_new_email(
                db.session, current_user, form.email.data, now, days))
        except (membership.MembershipError, invitations.InvitationError) as error:
            refuse(error, form)
            if not form.email.errors:
                form.email.errors.append(error.message)
        else:
            link = url_for("coordinators.confirm_email", token=token, _external=False)
            letters.send(email, current_user.language, NEW_ADDRESS_SUBJECT, "new_address",
                         name=current_user.display_name, days=days, link=current_app.config["BASE_URL"] + link)
            flash(_("We sent a link to %(email)s. Your address changes when you open it.", email=email), "logged")
            return redirect(url_for("coordinators.own_details"), 303)
    return _own_page(_self_form(), form, 422)


@bp.route("/email/<token>", methods=["GET", "POST"])
@login_required
def confirm_email(token):
    """The link mailed to a new address: one button makes it the signed-in coordinator's own."""
    form = ButtonForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            old = commit_write(db.session, lambda: membership.confirm_email(db.session, current_user, token, now))
        except (membership.MembershipError, invitations.InvitationError) as error:
            db.session.rollback()
            return render_template("coordinators/confirm_email.html", refusal=error.message), error.status
        letters.send(old, current_user.language, OLD_ADDRESS_SUBJECT, "old_address",
                     name=current_user.display_name, email=current_user.email)
        flash(_("Your address is now %(email)s.", email=current_user.email), "logged")
        return redirect(url_for("coordinators.own_details"), 303)
    return render_template("coordinators/confirm_email.html", form=form)


@bp.route("/coordinators/me/step-down", methods=["GET", "POST"])
@login_required
def step_down():
    """Asks once more, then ends the coordinator's membership and session."""
    form = ButtonForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            commit_write(db.session, lambda: membership.step_down(db.session, current_user, now))
        except membership.MembershipError as error:
            refuse(error)
            return render_template("coordinators/step_down.html", form=form), error.status
        logout_user()
        flash(_("You have stepped down. Thank you for everything you did."), "logged")
        return redirect(url_for("coordinators.sign_in"), 303)
    return render_template("coordinators/step_down.html", form=form)


def _self_form():
    form = SelfForm(obj=current_user)
    form.language.choices = [SelectChoice("", _l("The language of the network"))] + [
        SelectChoice(code, name) for code, name in names(current_app.config["LANGUAGES"]).items()]
    return form


def _own_page(form, email_form, status):
    return render_template("coordinators/own_details.html", form=form, email_form=email_form), status

