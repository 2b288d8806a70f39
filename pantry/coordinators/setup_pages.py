"""The first run: while no coordinator exists, the server's log gets the setup link at start (and the
sign-in page says where it is), and the link's page names the network and makes its first
coordinator, signed in. Once a coordinator exists, the link answers 410."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from wtforms import SelectChoice

from pantry import network, security
from pantry.coordinators import invitations, sessions, setup, signing_in
from pantry.coordinators.account_forms import SetupForm
from pantry.coordinators.blueprint import bp
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.languages import names

TOLD = "pantry.setup_link_told"  # in app.extensions: this app has logged its setup link


def first_run():
    """Whether the network waits for its first coordinator; /admin/sign-in then says where to find the
    setup link, and the server's log gets it (once per app) if the start did not log it already
    (`flask run` has no start of its own)."""
    if not setup.needed(db.session):
        return False
    _tell(current_app)
    return True


def tell_at_start(app):
    """At start (wsgi.py, the outbox worker): the server's log gets the setup link while the network
    waits for its first coordinator. A database not made yet (`flask db upgrade`) is said, not raised."""
    with app.app_context():
        try:
            waiting = setup.needed(db.session)
        except SQLAlchemyError as error:
            app.logger.warning("Could not tell whether this network is set up (run `flask db upgrade`?): %s", error)
            return
        finally:
            db.session.remove()
        if waiting:
            _tell(app)


def _tell(app):
    if app.extensions.get(TOLD):
        return
    app.extensions[TOLD] = True
    app.logger.warning("This network has no coordinator yet. Set it up at %s",
                       setup.link(app.config["BASE_URL"], app.config["SECRET_KEY"]))


@bp.route("/setup/<token>", methods=["GET", "POST"])
@security.private_links
def set_up(token):
    try:
        setup.check_link(db.session, current_app.secret_key, token)
    except setup.SetupError as error:
        return _refused(error)
    form = _form()
    if form.validate_on_submit():
        now, choice, agent = utcnow(), form.choice(), signing_in.user_agent()
        try:
            coordinator, cookie = commit_write(db.session, lambda: _first(token, choice, agent, now))
        except setup.SetupError as error:
            return _refused(error, form)
        except invitations.InvitationError as error:
            db.session.rollback()
            form[_field(error)].errors.append(error.message)
        else:
            network.forget()  # this process shows the chosen time zone and language at once
            signing_in.begin(coordinator, cookie)
            flash(_("%(network)s is set up. Welcome, %(name)s.", network=choice["network"],
                    name=coordinator.display_name), "logged")
            return redirect(url_for("coordinators.home"), 303)
    return _page(form, 422 if form.errors else 200)


def _first(token, choice, agent, now):
    coordinator = setup.set_up(db.session, current_app.secret_key, token, choice, current_app.config["LANGUAGES"], now)
    return coordinator, sessions.start(db.session, coordinator, agent, now)


def _field(error):
    return "password" if isinstance(error, invitations.BadPassword) else \
        "name" if isinstance(error, invitations.BadName) else "email"


def _form():
    form = SetupForm()
    config = current_app.config
    form.timezone.choices = [SelectChoice(zone, zone) for zone in setup.zones()]
    form.language.choices = [SelectChoice(code, name) for code, name in names(config["LANGUAGES"]).items()]
    if not form.is_submitted():
        form.timezone.data, form.language.data = config["TIMEZONE"], config["BABEL_DEFAULT_LOCALE"]
    return form


def _refused(error, form=None):
    db.session.rollback()
    if form is not None and getattr(error, "field", None) in form:
        form[error.field].errors.append(error.message)
        return _page(form, error.status)
    return _page(None, error.status, refusal=error.message)


def _page(form, status, refusal=None):
    page = render_template("coordinators/setup.html", form=form, refusal=refusal)
    return page, status, {"Cache-Control": "no-store"}
