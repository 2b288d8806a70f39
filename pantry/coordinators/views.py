"""Coordinators come in: sign-in and sign-out, the welcome link that sets a password,
inviting a peer, and the home screen. The other screens join the same blueprint from
network.py (sites, items, targets), labels.py (tags), books.py (ledger, counts), rota.py
(shifts and rosters), exports.py (CSV files), dashboard.py (the network at a glance) and
reports.py (neighbours' reports); alerts.py mails coordinators when a fridge is too warm."""
import hmac

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from pantry import security, sign_in_limits

# Every screen module joins bp when imported (addressees and outbox: the outbox's coordinators and
# its screens; asked: suggestions, locations, item names); invitations to recovery are used here.
from pantry.coordinators import (  # noqa: F401
    addressees,
    asked,
    books,
    dashboard,
    exports,
    invitations,
    journal_pages,
    labels,
    membership,
    network,
    notices,
    outbox,
    peers,
    recovery_pages,
    reports,
    review_pages,
    rosters,
    rota,
    session_pages,
    sessions,
    setup,
    setup_pages,
    signing_in,
    temperature_log,
    transfers,
    two_step_pages,
    warm_food,
)
from pantry.coordinators.blueprint import bp
from pantry.coordinators.forms import ButtonForm, InviteForm, PasswordForm, SignInForm
from pantry.coordinators.models import Coordinator, Review
from pantry.coordinators.paging import requested
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.outbox import queue, webhooks
from pantry.sites import by_name
from pantry.stock import shelves
from pantry.stock.ledger import LARGEST_ID

__all__ = ["bp", "load_coordinator", "sign_in_with"]


def sign_in_with(login):
    """Flask-Login signs coordinators in: who a session cookie names, and where a page that
    needs a coordinator sends a visitor who is not one (process-wide: the manager is one)."""
    login.user_loader(load_coordinator)
    login.login_view = "coordinators.sign_in"
    login.login_message = _l("Please sign in to see that page.")
    login.login_message_category = "warning"
    login.localize_callback = str  # the lazy message, in the language of the request


def load_coordinator(session_id):
    """The coordinator a session cookie names, while their password is the one it was signed in with
    and the session row it names has not ended (one primary-key lookup each)."""
    coordinator_id, _, fingerprint = str(session_id).partition(":")
    if not coordinator_id.isascii() or not coordinator_id.isdigit() or int(coordinator_id) > LARGEST_ID:
        return None
    coordinator = db.session.get(Coordinator, int(coordinator_id))
    if coordinator is None or coordinator.left_at is not None \
            or not hmac.compare_digest(coordinator.password_fingerprint, fingerprint):
        return None
    row = sessions.find(db.session, session.get(signing_in.SIGNED_IN), coordinator.id)
    if row is None:  # signed out, ended from another session, or never started here
        return None
    g.signed_in_row = row
    return coordinator


@bp.get("/")
@login_required
def home():
    """The network's sites as cards, a page at a time, with what needs a coordinator now."""
    where, bad_page = requested(request.args)
    sites = by_name.sites_page(db.session, where, network.SITES_PAGE)
    summaries = shelves.summaries(db.session, [site.id for site in sites])
    about_me = db.session.scalar(select(Review).where(Review.subject_id == current_user.id, Review.closed_at.is_(None)))
    page = render_template("coordinators/home.html", sites=sites, summaries=summaries, about_me=about_me,
                           where=where, bad_page=bad_page, disabled_webhooks=webhooks.disabled(db.session),
                           outbox_dead=queue.dead_count(db.session))
    return page, 400 if bad_page else 200


@bp.route("/sign-in", methods=["GET", "POST"])
@security.sign_in
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("coordinators.home"), 303)
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        if not sign_in_limits.may_try(form.email.data):
            abort(429)
        try:
            coordinator = invitations.authenticate(db.session, form.email.data, form.password.data)
        except invitations.SignInFailed as error:
            sign_in_limits.count_failure(form.email.data)
            form.password.errors.append(error.message)
        else:
            return signing_in.after_password(coordinator, form.next.data)
    status = 422 if form.is_submitted() else 200
    # A fresh network says where its setup link is: its first coordinator comes by it.
    return render_template("coordinators/sign_in.html", form=form, first_run=setup_pages.first_run()), status


@bp.post("/sign-out")
@login_required
def sign_out():
    if ButtonForm().validate_on_submit():
        row_id, now = g.signed_in_row.id, utcnow()
        commit_write(db.session, lambda: sessions.end_this(db.session, current_user, row_id, now))
        logout_user()
        session.clear()
        flash(_("You are signed out."), "logged")
    return redirect(url_for("coordinators.sign_in"), 303)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@security.private_links
def welcome(token):
    """The one-time link: a new coordinator (or one who forgot) sets a password and is signed in."""
    now = utcnow()
    try:
        invitation = invitations.open_invitation(db.session, token, now)
    except invitations.InvitationError as error:
        return render_template("coordinators/welcome.html", refusal=error.message), error.status
    form = PasswordForm()
    had_password = invitation.coordinator.password_hash is not None
    if form.validate_on_submit():
        try:
            coordinator, cookie = commit_write(db.session, lambda: _join(token, form.password.data, now))
        except invitations.BadPassword as error:
            db.session.rollback()
            form.password.errors.append(error.message)
        except invitations.InvitationError as error:
            db.session.rollback()
            return render_template("coordinators/welcome.html", refusal=error.message), error.status
        else:
            return _welcomed(coordinator, cookie, had_password, now)
    page = render_template("coordinators/welcome.html", form=form, coordinator=invitation.coordinator)
    return page, 422 if form.errors else 200


def _welcomed(coordinator, cookie, had_password, now):
    """Signed in with the new password; whose old one it replaced hears of it, in case it was not them."""
    if had_password:
        notices.send_password_changed(current_app.config, coordinator, now)
    signing_in.begin(coordinator, cookie)
    flash(_("Your password is set. Welcome, %(name)s.", name=coordinator.display_name), "logged")
    return redirect(url_for("coordinators.home"), 303)


@bp.route("/invite", methods=["GET", "POST"])
@login_required
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        config, now = current_app.config, utcnow()
        try:
            invitation, link = commit_write(db.session, lambda: membership.invite(
                db.session, current_user, form.email.data, form.name.data, now, config["BASE_URL"],
                days=config["INVITATION_DAYS"]))
        except (invitations.InvitationError, membership.MembershipError) as error:
            db.session.rollback()
            form[_invite_field(error)].errors.append(error.message)
            return render_template("coordinators/invite.html", form=form), error.status
        page = render_template("coordinators/invited.html", coordinator=invitation.coordinator, link=link,
                               days=config["INVITATION_DAYS"], waiting=invitation.waiting)
        return page, 200
    status = 422 if form.errors else 200
    return render_template("coordinators/invite.html", form=form), status



def _join(token, password, now):
    """The welcome link used, and this browser signed in (every other session of theirs ended)."""
    coordinator = membership.join(db.session, token, password, now)
    return coordinator, sessions.start(db.session, coordinator, signing_in.user_agent(), now)


def _invite_field(error):
    return "name" if isinstance(error, invitations.BadName) else "email"
