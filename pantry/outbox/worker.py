"""`flask pantry worker`: deliver the outbox and run the periodic jobs, for as long as it runs.

Several workers may run at once, on one server or many: each claims its own batch. Each
message is settled (and committed) as soon as it went, so a worker killed mid-batch sends again
at most the one message it was sending; its other claimed rows are taken up again by any
worker when their lease runs out."""
import logging
import smtplib
import time
import urllib.error
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from pantry.database import utcnow, writer
from pantry.extensions import db
from pantry.outbox import jobs, queue
from pantry.outbox.delivery import deliver
from pantry.outbox.failures import Gone, Undeliverable
from pantry.outbox.models import Message, PushSubscription, Webhook

logger = logging.getLogger(__name__)
# What a server that is down, hanging or refusing raises: tried again later.
PASSING = (smtplib.SMTPException, OSError, urllib.error.URLError, TimeoutError)


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    dead: int = 0

    def __add__(self, other):
        return Tally(self.sent + other.sent, self.failed + other.failed, self.dead + other.dead)


def run(app, *, stop=lambda: False, idle=1.0, clock=utcnow):
    """Deliver and run jobs until `stop()` says so."""
    while not stop():
        now = clock()
        jobs.run_due(app, now)
        tally = deliver_due(app.config, now)
        if not tally.sent + tally.failed + tally.dead:
            time.sleep(idle)


def deliver_due(config, now):
    """Claim and deliver due messages, batch after batch while the batches come full. Each
    message is tried at most once per call, even one whose backoff has already passed."""
    total, seen = Tally(), set()
    while True:
        tally, claimed = deliver_batch(config, now, seen)
        total += tally
        if claimed < config["OUTBOX_BATCH"]:
            return total


def deliver_batch(config, now, seen=None):
    """One claim and its deliveries: (what happened, how many were claimed)."""
    seen = set() if seen is None else seen
    lease = timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    db.session.commit()
    with writer():
        token, ids = queue.claim(db.session, now, config["OUTBOX_BATCH"], lease, skip=seen)
        db.session.commit()
    seen.update(ids)
    tally = Tally()
    for message_id in ids:
        tally += _deliver_one(config, message_id, token, now)
    return tally, len(ids)


def _deliver_one(config, message_id, token, now):
    """Deliver one message and settle it at once (`now` is the batch's moment, for its next try)."""
    message = db.session.get(Message, message_id, populate_existing=True)
    outcome = Tally()
    try:
        deliver(db.session, message, config)
    except Undeliverable as error:
        _settle(lambda: queue.dead(db.session, message_id, token, error))  # noqa: F821 (run inside the except block: ruff#6878)
        outcome.dead = 1
        logger.error("outbox message %s is dead: %s", message_id, error)
    except Gone as error:  # noqa: F841 (used by the lambda below: ruff#6878)
        _settle(lambda: _drop_subscription(message, token, error, now))  # noqa: F821 (run inside the except block: ruff#6878)
        outcome.sent = 1
    except PASSING as error:
        _settle(lambda: _failed(config, message, token, error, now))  # noqa: F821 (run inside the except block: ruff#6878)
        outcome.failed = 1
        logger.warning("outbox message %s failed (attempt %s): %s", message_id, message.attempts, error)
    else:
        _settle(lambda: _sent(message, token, now))
        outcome.sent = 1
    return outcome


def _settle(write):
    db.session.rollback()  # what delivering read (or half did) ends here
    with writer():
        write()
        db.session.commit()


def _sent(message, token, now):
    if queue.sent(db.session, message.id, token, now) and message.channel == "webhook":
        db.session.execute(update(Webhook).where(Webhook.id == _ident(message)).values(failures=0))


def _failed(config, message, token, error, now):
    queue.failed(db.session, message, token, error, now, backoff=timedelta(seconds=config["OUTBOX_BACKOFF_SECONDS"]),
                 attempts=config["OUTBOX_MAX_ATTEMPTS"])
    if message.channel == "webhook":
        _count_webhook_failure(config, _ident(message), now)


def _count_webhook_failure(config, hook_id, now):
    db.session.execute(update(Webhook).where(Webhook.id == hook_id).values(failures=Webhook.failures + 1))
    db.session.execute(
        update(Webhook)
        .where(Webhook.id == hook_id, Webhook.failures >= config["WEBHOOK_MAX_FAILURES"], Webhook.disabled_at.is_(None))
        .values(disabled_at=now)
    )


def _drop_subscription(message, token, error, now):
    queue.sent(db.session, message.id, token, now)
    subscription = db.session.get(PushSubscription, _ident(message))
    if subscription is not None:
        db.session.delete(subscription)
    logger.info("push subscription %s dropped: %s", _ident(message), error)


def _ident(message):
    return int(message.recipient.partition(":")[2])
