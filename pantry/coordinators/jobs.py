"""The coordinators' periodic jobs, which the outbox worker runs (registered when the app is made):
settling the membership reviews whose week is over, and deleting signed-in sessions long ended."""
from datetime import timedelta

from pantry import outbox
from pantry.coordinators import reviews, sessions
from pantry.database import commit_write
from pantry.extensions import db


@outbox.job("settle-reviews", timedelta(hours=1))
def _settle_reviews(app, now):
    return f"settled {commit_write(db.session, lambda: reviews.settle_due(db.session, now))} reviews"


@outbox.job("purge-sessions", timedelta(days=1))
def _purge_sessions(app, now):
    after = timedelta(days=app.config["SESSIONS_KEPT_DAYS"])
    return f"deleted {commit_write(db.session, lambda: sessions.purge_ended(db.session, now, after))} ended sessions"
