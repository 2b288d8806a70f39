"""The screens of a forgotten password: asking for one's own link, and, with no mail set up, two
other coordinators issuing one together."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from pantry import security
from pantry.coordinators import letters, recovery
from pantry.coordinators.blueprint import bp, refuse
from pantry.coordinators.forms import ButtonForm
from pantry.coordinators.models import Recovery
from pantry.coordinators.peer_forms import EmailForm
from pantry.coordinators.peers import coordinators_page
from pantry.database import commit_write, utcnow
from pantry.extensions import db

RESET_SUBJECT = _l("A link to choose a new Pantry password")


@bp.route("/forgot", methods=["GET", "POST"])
@security.sign_in
def forgot():
    """The same answer whether or not the address is a coordinator's."""
    form, mailed = EmailForm(), None
    if letters.mail_is_set_up() and form.validate_on_submit():
        now, config = utcnow(), current_app.config
        found = commit_write(db.session, lambda: recovery.mail_reset(
            db.session, form.email.data, now, config["BASE_URL"], config["INVITATION_DAYS"]))
        if found is not None:
            person, link = found
            letters.send(person.email, person.language, RESET_SUBJECT, "reset_password", name=person.display_name,
                         days=config["INVITATION_DAYS"], link=link)
        mailed = form.email.data.strip().lower()
    status = 422 if form.errors else 200
    return render_template("coordinators/forgot.html", form=form, mailed=mailed,
                           mail=letters.mail_is_set_up()), status


@bp.post("/coordinators/<int:coordinator_id>/recovery")
@login_required
def ask_recovery(coordinator_id):
    return _act(lambda now: recovery.ask(db.session, current_user, coordinator_id, now, letters.mail_is_set_up()),
                _("You asked for a link. A second coordinator has to agree on the coordinators page."))


@bp.get("/recoveries/<int:recovery_id>")
@login_required
def recovery_page(recovery_id):
    found = db.get_or_404(Recovery, recovery_id)
    return render_template("coordinators/recovery.html", recovery=found, form=ButtonForm())


@bp.post("/recoveries/<int:recovery_id>/agree")
@login_required
def agree_recovery(recovery_id):
    return _act(lambda now: recovery.agree(db.session, current_user, recovery_id, now),
                _("You agreed. The first of you two to hand the link over in person is shown it."))


@bp.post("/recoveries/<int:recovery_id>/hand-over")
@login_required
def hand_over(recovery_id):
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("coordinators.peers"), 303)
    now, config = utcnow(), current_app.config
    try:
        found, link = commit_write(db.session, lambda: recovery.hand_over(
            db.session, current_user, recovery_id, now, config["BASE_URL"], config["INVITATION_DAYS"]))
    except recovery.RecoveryError as error:
        refuse(error)
        return coordinators_page(error.status)
    return render_template("coordinators/invited.html", coordinator=found.subject, link=link,
                           days=config["INVITATION_DAYS"], waiting=False)


def _act(write, done):
    """A one-button recovery step: on a refusal its message, with its status, on the coordinators page."""
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("coordinators.peers"), 303)
    now = utcnow()
    try:
        found = commit_write(db.session, lambda: write(now))
    except recovery.RecoveryError as error:
        refuse(error)
        return coordinators_page(error.status)
    flash(done, "logged")
    return redirect(url_for("coordinators.recovery_page", recovery_id=found.id), 303)
