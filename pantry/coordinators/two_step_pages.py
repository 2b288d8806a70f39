"""Two-step sign-in, seen by the coordinator: turning it on (scan, type a code, keep the recovery codes)
and off (with a current code), both on their own account only; and the second step of signing in."""
from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pantry import security, sign_in_limits
from pantry.coordinators import sessions, signing_in, two_step
from pantry.coordinators.account_forms import CodeForm
from pantry.coordinators.blueprint import bp, refuse
from pantry.database import commit_write, utcnow
from pantry.extensions import db

PENDING = "two_step_secret"  # the secret being set up, until a code proves the phone has it


@bp.route("/coordinators/me/two-step", methods=["GET", "POST"])
@login_required
def two_step_page():
    form, status = CodeForm(), 200
    if form.validate_on_submit():
        if not sign_in_limits.may_try(current_user.email):
            abort(429)
        secret, now = session.get(PENDING), utcnow()
        try:
            codes = commit_write(db.session, lambda: two_step.turn_on(db.session, current_user, secret, form.code.data, now))
        except two_step.TwoStepError as error:
            status = _wrong(error, form)
        else:
            session.pop(PENDING, None)
            page = render_template("coordinators/recovery_codes.html", codes=codes)
            return page, 200, {"Cache-Control": "no-store"}
    return _page(form, 422 if form.errors and status == 200 else status)


@bp.post("/coordinators/me/two-step/off")
@login_required
def two_step_off():
    form, status = CodeForm(), 422
    if form.validate_on_submit():
        if not sign_in_limits.may_try(current_user.email):
            abort(429)
        now, required = utcnow(), current_app.config["REQUIRE_TWO_STEP"]
        try:
            commit_write(db.session, lambda: two_step.turn_off(db.session, current_user, form.code.data, now, required))
        except two_step.TwoStepError as error:
            status = _wrong(error, form)
        else:
            flash(_("Two-step sign-in is off. Your recovery codes no longer work."), "logged")
            return redirect(url_for("coordinators.two_step_page"), 303)
    return _page(form, status)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@security.sign_in
def sign_in_code():
    """The second step: the password was right a moment ago in this browser; now the code."""
    coordinator, form, status = signing_in.waiting(), CodeForm(), 200
    if coordinator is None:
        return redirect(url_for("coordinators.sign_in"), 302)
    if form.validate_on_submit():
        if not sign_in_limits.may_try(coordinator.email):
            abort(429)
        now, agent = utcnow(), signing_in.user_agent()
        try:
            cookie = commit_write(db.session, lambda: _second_step(coordinator, form.code.data, agent, now))
        except two_step.TwoStepError as error:
            status = _wrong(error, form, coordinator.email)
        else:
            return signing_in.finish(coordinator, cookie, session.get(signing_in.WAITING, {}).get("next"))
    return render_template("coordinators/sign_in_code.html", form=form), 422 if form.errors and status == 200 else status


def _second_step(coordinator, code, agent, now):
    step = two_step.prove(db.session, coordinator, code, now)
    return sessions.start(db.session, coordinator, agent, now, step=step)


def _wrong(error, form, email=None):
    """A wrong code counts as a failed sign-in at that account (pantry/sign_in_limits.py)."""
    refuse(error, form)
    if isinstance(error, two_step.WrongCode | two_step.UsedCode | two_step.UsedRecoveryCode):
        sign_in_limits.count_failure(email or current_user.email)
    return error.status


def _page(form, status):
    secret = None
    if not current_user.totp_secret:
        secret = session.get(PENDING)
        if not isinstance(secret, str) or len(secret) != 32:
            secret = session[PENDING] = two_step.new_secret()
    left = two_step.recovery_codes_left(db.session, current_user.id) if current_user.totp_secret else 0
    page = render_template("coordinators/two_step.html", form=form, secret=secret, left=left,
                           qr=two_step.qr_code(secret, current_user.email) if secret else None,
                           required=current_app.config["REQUIRE_TWO_STEP"])
    return page, status, {"Cache-Control": "no-store"}
