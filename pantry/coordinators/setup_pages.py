"""The first run: while no coordinator exists, the sign-in page says where the setup link is (and the
server's log gets it, once per app), and the link's page names the network and makes its first
coordinator, signed in. Once a coordinator exists, the link answers 410."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from pantry import security
from pantry.coordinators import invitations, sessions, setup, signing_in
from pantry.coordinators.account_forms import SetupForm
from pantry.coordinators.blueprint import bp
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.languages import names

TOLD = "pantry.setup_link_told"  # in app.extensions: this app has logged its setup link


def first_run():
    """Whether the network waits for its first coordinator; the server's log then gets the setup
    link (once per app), and /admin/sign-in says where to find it."""
    if not setup.needed(db.session):
        return False
    config = current_app.config
    if not current_app.extensions.get(TOLD):
        current_app.extensions[TOLD] = True
        current_app.logger.warning("This network has no coordinator yet. Set it up at %s",
                                   setup.link(config["BASE_URL"], config["SECRET_KEY"]))
    return True


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
