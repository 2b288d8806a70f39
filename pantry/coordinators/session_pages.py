"""Where the coordinator is signed in: their own sessions (when, browser and system, never an address),
and ending one of them or every other. Only their own: another's session is not theirs to end."""
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from pantry.coordinators import sessions
from pantry.coordinators.account_forms import SessionForm
from pantry.coordinators.blueprint import bp, refuse
from pantry.coordinators.forms import ButtonForm
from pantry.database import commit_write, utcnow
from pantry.extensions import db


@bp.get("/coordinators/me/sessions")
@login_required
def own_sessions():
    return _page(200)


@bp.post("/coordinators/me/sessions/end")
@login_required
def end_session():
    form = SessionForm()
    if not form.validate_on_submit():
        flash(_("Choose a session to end."), "error")
        return _page(422)
    if form.session.data == g.signed_in_row.id:
        flash(_("This is the session you are using: to end it, sign out."), "error")
        return _page(409)
    row_id, now = form.session.data, utcnow()
    try:
        commit_write(db.session, lambda: sessions.end(db.session, current_user, row_id, now))
    except sessions.SessionError as error:
        refuse(error)
        return _page(error.status)
    flash(_("That session is ended: whoever used it must sign in again."), "logged")
    return redirect(url_for("coordinators.own_sessions"), 303)


@bp.post("/coordinators/me/sessions/end-others")
@login_required
def end_other_sessions():
    if ButtonForm().validate_on_submit():
        keep, now = g.signed_in_row.id, utcnow()
        ended = commit_write(db.session, lambda: sessions.end_others(db.session, current_user, keep, now))
        flash(ngettext("Ended %(num)d other session. This one goes on.",
                       "Ended %(num)d other sessions. This one goes on.", ended), "logged")
    return redirect(url_for("coordinators.own_sessions"), 303)


def _page(status):
    rows = sessions.live(db.session, current_user.id)
    return render_template("coordinators/sessions.html", rows=rows, this=g.signed_in_row.id, form=ButtonForm()), status
