"""The worker's periodic jobs (reminders, shifts ahead, purges, digests) on their schedules.

Each job has a row with when it is next due. A worker moves `due_at` on with one conditional
UPDATE before it runs the job; only the worker whose UPDATE changed the row runs it, so
several workers never run one job twice at the same turn."""
import logging

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pantry.database import writer
from pantry.extensions import db
from pantry.outbox.models import Job
from pantry.outbox.registry import JOBS

logger = logging.getLogger(__name__)


def run_due(app, now):
    """Run every job that is due, once; a job that fails is logged and runs at its next turn."""
    ran = []
    for name, (every, work) in sorted(JOBS.items()):
        if not _take_turn(name, every, now):
            continue
        try:
            said = work(app, now)
        except Exception:
            db.session.rollback()
            logger.exception("the %s job failed", name)
            continue
        logger.info("%s: %s", name, said)
        ran.append(name)
    return ran


def _take_turn(name, every, now):
    db.session.commit()
    with writer():
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(insert(Job).values(name=name, due_at=now).on_conflict_do_nothing(index_elements=["name"]))
        result = db.session.execute(
            update(Job).where(Job.name == name, Job.due_at <= now).values(due_at=now + every, last_run_at=now)
        )
        db.session.commit()
    return result.rowcount == 1
