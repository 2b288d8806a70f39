"""Promises: "I'll bring N on <day>", without an account. A promise is changed or cancelled
through its private link (stored only as a hash), and kept by the restocks that bring it.

Promises for an item at a site take that item's stock row lock (the ledger's), so twenty
phones promising at once are counted one after another, and a restock keeping promises
never crosses a promise being made. More than is needed may be promised: a donor is never
turned away (the count on the shelf is an estimate; rule 3 of the design), and the needs
list says "more than needed is promised" so the next donor brings something else."""
import hashlib
import hmac
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from pantry.clock import local_today
from pantry.needs.asks import check_key, digest
from pantry.needs.errors import BadDay, BadEmail, BadQuantity, KeyReused, PromiseClosed, UnknownPromise
from pantry.needs.models import Promise, PromiseRestock
from pantry.sites.models import Site
from pantry.stock.entries import get
from pantry.stock.errors import UnknownItem, UnknownSite
from pantry.stock.ledger import lock_stock
from pantry.stock.models import Item

DAYS_AHEAD = 7
EMAIL_MAX = 254


def manage_token(secret, key):
    """The private link's token for the promise made with idempotency `key`: derived, so a
    replayed request shows the same link; stored only as a hash."""
    return hmac.new(secret.encode(), f"promise:{key}".encode(), hashlib.sha256).hexdigest()[:40]


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def check_details(quantity, day, most, now):
    if type(quantity) is not int or not 1 <= quantity <= most:
        raise BadQuantity(_l("Enter a number from 1 to %(most)d.", most=most))
    today = local_today(now)
    if day is None or not today <= day <= today + timedelta(days=DAYS_AHEAD):
        raise BadDay()


def check_email(email):
    if email is None:
        return None
    email = email.strip().lower()
    if not email:
        return None
    local, at, host = email.partition("@")
    if len(email) > EMAIL_MAX or not (local and at and "." in host) or any(ch.isspace() for ch in email):
        raise BadEmail()
    return email


def promise(session, site_id, item_id, quantity, day, key, token, now, most, email=None, language="en"):
    """Record one promise. The same key again returns it; with other details, KeyReused."""
    check_key(key)
    check_details(quantity, day, most, now)
    email = check_email(email)
    if get(session, Site, site_id) is None:
        raise UnknownSite()
    if get(session, Item, item_id) is None:
        raise UnknownItem()
    lock_stock(session, site_id, item_id)
    payload = digest(site_id, item_id, quantity, day, email)
    earlier = session.scalar(select(Promise).where(Promise.idempotency_key == key))
    if earlier is not None:
        if earlier.payload_digest != payload:
            raise KeyReused()
        return earlier
    made = Promise(
        site_id=site_id, item_id=item_id, quantity=quantity, day=day, email=email, language=language,
        token_hash=hash_token(token), idempotency_key=key, payload_digest=payload, created_at=now, changed_at=now,
    )
    session.add(made)
    session.flush()
    return made


def find_promise(session, token):
    if not isinstance(token, str) or len(token) > 64:
        raise UnknownPromise()
    found = session.scalar(select(Promise).where(Promise.token_hash == hash_token(token)))
    if found is None:
        raise UnknownPromise()
    return found


def _open_promise(session, token, now):
    found = find_promise(session, token)
    lock_stock(session, found.site_id, found.item_id)
    session.refresh(found)
    if found.state(local_today(now)) != "open":
        raise PromiseClosed()
    return found


def change_promise(session, token, quantity, day, now, most):
    """A new amount or day; never below what restocks have brought already."""
    found = _open_promise(session, token, now)
    check_details(quantity, day, most, now)
    if quantity < found.brought:
        raise BadQuantity(_l("%(count)d were brought already: enter at least that.", count=found.brought))
    found.quantity, found.day, found.changed_at = quantity, day, now
    if quantity == found.brought:
        found.kept_at = now
    session.flush()
    return found


def cancel_promise(session, token, now):
    found = _open_promise(session, token, now)
    found.cancelled_at = found.changed_at = now
    session.flush()
    return found


def keep_promises(session, movement, now):
    """A restock keeps the open promises for its item at its site whose day is the restock's
    day (a promise is due from its day's start and lapses at its end), the oldest first,
    up to the quantity restocked. Runs under the stock row lock the ledger holds."""
    today = local_today(movement.created_at)
    waiting = session.scalars(
        select(Promise)
        .where(Promise.site_id == movement.site_id, Promise.item_id == movement.item_id, Promise.day == today,
               Promise.cancelled_at.is_(None), Promise.kept_at.is_(None))
        .order_by(Promise.created_at, Promise.id)
        .execution_options(populate_existing=True)
    ).all()
    left, touched = movement.quantity, []
    for found in waiting:
        if left == 0:
            break
        portion = min(left, found.quantity - found.brought)
        left -= portion
        result = session.execute(
            update(Promise)
            .where(Promise.id == found.id, Promise.brought + portion <= Promise.quantity)
            .values(brought=Promise.brought + portion, changed_at=now,
                    kept_at=now if found.brought + portion == found.quantity else None)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            session.add(PromiseRestock(promise_id=found.id, movement_id=movement.id, quantity=portion))
            touched.append(found.id)
    session.flush()
    return touched


def take_back(session, restock_id, now):
    """The restock `restock_id` was corrected (or undone): what it brought to promises is taken
    back, so each is open again until its day ends (then it lapses, as any promise not kept),
    and a later restock of its day keeps it. Runs under the stock row lock the correction holds."""
    parts = session.scalars(select(PromiseRestock).where(PromiseRestock.movement_id == restock_id)).all()
    for part in parts:
        session.execute(
            update(Promise)
            .where(Promise.id == part.promise_id)
            .values(brought=Promise.brought - part.quantity, kept_at=None, changed_at=now)
            .execution_options(synchronize_session=False)
        )
    session.execute(delete(PromiseRestock).where(PromiseRestock.movement_id == restock_id))
    session.flush()
    return [part.promise_id for part in parts]


def purge_contacts(session, now, after):
    """Forget the email of promises whose day ended more than `after` ago, as volunteers' are."""
    ended = local_today(now - after)
    result = session.execute(
        update(Promise).where(Promise.day < ended, Promise.email.is_not(None)).values(email=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
