"""Pantry keeps the books of a network of community fridges and pantries."""
import os

from flask import Flask

from pantry.config import load_config
from pantry.extensions import babel, csrf, db, login


def create_app(config=None):
    """The app, in plain calls: its settings (final once loaded), its extensions, its pages, what
    the areas hear from each other, and the app-wide handlers, helpers and commands."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, config)  # the settings are final from here on: nothing below changes app.config

    from pantry import cli, errors, logs, routes, security, templating
    from pantry.coordinators.views import sign_in_with
    from pantry.needs import privacy

    _extensions(app)
    routes.register(app)
    _blueprints(app)
    sign_in_with(login)  # coordinators are the ones who sign in
    _receivers()
    _jobs()
    privacy.install()  # a searcher's location never reaches the access logs
    security.register(app)
    errors.register(app)
    templating.register(app)
    cli.register(app)
    logs.register(app)
    return app


def _extensions(app):
    from pantry import database, migrating
    from pantry.languages import select_locale, select_timezone

    db.init_app(app)
    # Runs before Flask-SQLAlchemy's own teardown (the last registered runs first), so a connection
    # the database cut while the request was being answered does not turn the answer into a 500.
    app.teardown_appcontext(lambda error: database.end_transaction(db.session))
    migrations = os.path.join(os.path.dirname(app.root_path), "migrations")
    migrating.register(app, db, migrations)  # Flask-Migrate itself on first use (pantry/migrating.py)
    csrf.init_app(app)
    login.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)


def _blueprints(app):
    from pantry import languages
    from pantry.api.views import bp as api_bp
    from pantry.care.views import bp as care_bp
    from pantry.coordinators.views import bp as coordinators_bp
    from pantry.impact.views import bp as impact_bp
    from pantry.needs.views import bp as needs_bp
    from pantry.offline.views import bp as offline_bp
    from pantry.outbox import letters as _followers_letters  # noqa: F401  (registers the followers' letters)
    from pantry.public import feeds, following, pushing  # noqa: F401  (they join the public blueprint)
    from pantry.public.views import bp as public_bp
    from pantry.reports.views import bp as reports_bp
    from pantry.shifts import letters as _volunteers_letters  # noqa: F401  (and the volunteers')
    from pantry.shifts.views import bp as shifts_bp
    from pantry.tags.views import bp as tags_bp

    for bp in (public_bp, tags_bp, shifts_bp, care_bp, impact_bp, needs_bp, reports_bp):
        app.register_blueprint(bp)
    app.register_blueprint(coordinators_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(languages.bp)
    app.register_blueprint(offline_bp)


def _receivers():
    """What the areas hear from each other (pantry/signals.py), each in the sender's transaction.
    Process-wide and connected once however many apps are made (blinker keeps one connection per
    receiver), like the log filter."""
    from pantry.coordinators.alerts import mail_coordinators
    from pantry.needs.keeping import keep_promises_of_restock
    from pantry.reports.closing import care_closes, movement_closes
    from pantry.signals import care_recorded, movement_recorded, too_warm
    from pantry.stock.ledger import tell_ran_out

    too_warm.connect(mail_coordinators)  # a warm reading mails the coordinators
    movement_recorded.connect(tell_ran_out)  # the last one taken tells the site's followers
    movement_recorded.connect(keep_promises_of_restock)  # a restock keeps the promises it brings
    movement_recorded.connect(movement_closes)  # a restock or count closes reports it puts right
    care_recorded.connect(care_closes)  # and so do a cleaning and a reading in range


def _jobs():
    """The outbox worker's periodic jobs, registered by importing where they are written."""
    from pantry import schedule  # noqa: F401  (reminders, shifts ahead, purges of contacts, digests, news)
    from pantry.coordinators import jobs  # noqa: F401  (reviews settled, ended sessions deleted)
