"""A site's needs list, with "I'd need..." and "I'll bring...", and a promise's private page."""
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, gettext as _
from sqlalchemy import select

from pantry import security
from pantry.clock import local_today
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.needs import asks, finding, listing, promises, sharing  # noqa: F401  (finding, sharing join bp)
from pantry.needs.blueprint import bp, site_or_404, window_days
from pantry.needs.errors import NeedsError
from pantry.needs.forms import AskForm, CancelForm, ChangeForm, PromiseForm
from pantry.stock.entries import get
from pantry.stock.models import Item


def promise_days(now):
    today = local_today(now)
    return [today + timedelta(days=ahead) for ahead in range(promises.DAYS_AHEAD + 1)]


@bp.get("/sites/<slug>/needs")
def needs_page(slug):
    return _needs_page(site_or_404(slug), AskForm(formdata=None))


def _needs_page(site, form, status=200):
    now = utcnow()
    found = listing.site_needs(db.session, site.id, now, window_days())
    items = db.session.scalars(select(Item).order_by(Item.category, Item.name)).all()
    page = render_template("needs/needs.html", site=site, needs=found, items=items, form=form,
                           ask_week=window_days() == 7, ask_days=window_days())
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"  # a fresh idempotency key on every visit
    return response


@bp.post("/sites/<slug>/asks")
@security.logs
def ask(slug):
    site, form = site_or_404(slug), AskForm()
    if not form.validate():
        return _needs_page(site, form, 422)
    name = (form.name.data or "").strip() or None
    item_id = form.item.data if name is None else None
    now = utcnow()
    try:
        commit_write(db.session, lambda: asks.ask(db.session, site.id, form.key.data, now, item_id=item_id, name=name))
    except NeedsError as refusal:
        return _refused(refusal, form, lambda: _needs_page(site, form, refusal.status))  # noqa: F821 (run inside the except block: ruff#6878)
    flash(_("Thank you: your ask is counted. Nothing about you was kept."), "logged")
    return redirect(url_for("needs.needs_page", slug=site.slug), 303)


@bp.get("/sites/<slug>/promise")
def promise_page(slug):
    site = site_or_404(slug)
    form = PromiseForm(formdata=None, item=request.args.get("item", type=int), day=local_today(), quantity=1)
    return _promise_page(site, form)


def _promise_page(site, form, status=200):
    now = utcnow()
    item = get(db.session, Item, form.item.data)
    need = next((one for one in listing.site_needs(db.session, site.id, now, window_days())
                 if item and one.item.id == item.id), None)
    items = db.session.scalars(select(Item).order_by(Item.category, Item.name)).all()
    page = render_template("needs/promise_form.html", site=site, form=form, item=item, need=need, items=items,
                           days=promise_days(now), most=current_app.config["MAX_LOG_QUANTITY"])
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/sites/<slug>/promises")
@security.logs
def promise(slug):
    site, form = site_or_404(slug), PromiseForm()
    if not form.validate():
        return _promise_page(site, form, 422)
    key, now = form.key.data, utcnow()
    token = promises.manage_token(current_app.secret_key, key)
    try:
        commit_write(db.session, lambda: promises.promise(
            db.session, site.id, form.item.data, form.quantity.data, form.day.data, key, token, now,
            current_app.config["MAX_LOG_QUANTITY"], email=form.email.data, language=str(get_locale())))
    except NeedsError as refusal:
        return _refused(refusal, form, lambda: _promise_page(site, form, refusal.status))  # noqa: F821 (run inside the except block: ruff#6878)
    return redirect(url_for("needs.promised", token=token), 303)


@bp.get("/promises/<token>")
@security.private_links
def promised(token):
    found = promises.find_promise(db.session, token)
    return _promised_page(found, token, ChangeForm(formdata=None, quantity=found.quantity, day=found.day))


def _promised_page(found, token, form, refusal=None, status=200):
    now = utcnow()
    need = next((one for one in listing.site_needs(db.session, found.site_id, now, window_days())
                 if one.item.id == found.item_id), None)
    link = current_app.config["BASE_URL"] + url_for("needs.promised", token=token)
    page = render_template("needs/promised.html", promise=found, token=token, link=link, form=form, need=need,
                           state=found.state(local_today(now)), days=promise_days(now), refusal=refusal,
                           most=current_app.config["MAX_LOG_QUANTITY"])
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/promises/<token>")
@security.private_links
def change(token):
    found, form = promises.find_promise(db.session, token), ChangeForm()
    if not form.validate():
        return _promised_page(found, token, form, status=422)
    now, most = utcnow(), current_app.config["MAX_LOG_QUANTITY"]
    try:
        commit_write(db.session, lambda: promises.change_promise(
            db.session, token, form.quantity.data, form.day.data, now, most))
    except NeedsError as refusal:
        return _refused(refusal, form, lambda: _promised_page(
            promises.find_promise(db.session, token), token, form, refusal, refusal.status))  # noqa: F821 (run inside the except block: ruff#6878)
    flash(_("Your promise is changed. Thank you."), "logged")
    return redirect(url_for("needs.promised", token=token), 303)


@bp.post("/promises/<token>/cancel")
@security.private_links
def cancel(token):
    found, form = promises.find_promise(db.session, token), CancelForm()
    if not form.validate():
        return _promised_page(found, token, ChangeForm(formdata=None), status=400)
    now = utcnow()
    try:
        commit_write(db.session, lambda: promises.cancel_promise(db.session, token, now))
    except NeedsError as refusal:
        return _refused(refusal, None, lambda: _promised_page(
            promises.find_promise(db.session, token), token, ChangeForm(formdata=None), refusal, refusal.status))  # noqa: F821 (run inside the except block: ruff#6878)
    flash(_("Your promise is cancelled. Thank you for telling us."), "logged")
    return redirect(url_for("needs.promised", token=token), 303)


def _refused(refusal, form, page):
    """A rule's refusal on its form field (or above the form), the page again with its status."""
    db.session.rollback()
    field = getattr(refusal, "field", None)
    if form is not None and field in form:
        form[field].errors.append(refusal.message)
    elif form is not None and "key" in form:  # a refusal of no one field: said above the form
        form.key.errors.append(refusal.message)
    return page()


def promise_day(day):
    """'today', 'tomorrow', else a short day: how a promise's day reads."""
    near = {0: _("today"), 1: _("tomorrow")}
    return near.get((day - local_today()).days) or format_date(day, "EEE d MMM")

