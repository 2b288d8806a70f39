"""A site's books as coordinators see them: the ledger with filters, corrections, and counts."""
import uuid

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from pantry.clock import deployment_zone
from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, refuse, site_or_404, who
from pantry.coordinators.forms import CorrectionForm, CountForm, LedgerFilterForm
from pantry.coordinators.network import stock_rows
from pantry.coordinators.paging import requested
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.seek import Page
from pantry.stock import history, ledger
from pantry.stock.errors import LedgerError
from pantry.stock.models import Item, Movement

FILTERS = ("item", "kind", "date_from", "date_to")
SOURCES = {
    "scan": _l("At the fridge"),
    "undo": _l("Undone at the fridge"),
    "coordinator": _l("Coordinator"),
    "api": _l("App"),
    "care": _l("Cleaning visit"),
    "demo": _l("Demo data"),
}


@bp.get("/sites/<slug>/ledger", endpoint="ledger")
@login_required
def ledger_page(slug):
    """The site's movements, newest first, narrowed by item, kind and local dates."""
    site = site_or_404(slug)
    form = LedgerFilterForm(request.args)
    items = db.session.scalars(select(Item).order_by(Item.name)).all()
    form.item.choices = [SelectChoice("", _("All items"))] + [SelectChoice(str(item.id), item.name) for item in items]
    where, bad_page = requested(request.args)
    if not form.validate():
        status, movements = 422, Page()
    else:
        status = 400 if bad_page else 200
        movements = history.site_ledger(
            db.session, site.id, deployment_zone(), where, current_app.config["LEDGER_PAGE_SIZE"],
            item_id=form.item.data, kind=form.kind.data, first_day=form.date_from.data, last_day=form.date_to.data)
    filters = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    context = {"site": site, "form": form, "movements": movements, "where": where, "bad_page": bad_page,
               "filters": filters, "sources": SOURCES}
    return render_template("coordinators/ledger.html", **context), status


@bp.route("/sites/<slug>/ledger/<int:movement_id>", methods=["GET", "POST"])
@login_required
def movement(slug, movement_id):
    """One entry, with a form to correct it: a new movement that reverses it, never an edit."""
    site = site_or_404(slug)
    entry = db.one_or_404(select(Movement).where(Movement.id == movement_id, Movement.site_id == site.id))
    form = CorrectionForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            correction = commit_write(db.session, lambda: journaled.correct(
                db.session, current_user, movement_id, form.key.data, now,
                source="coordinator", recorded_by=who(), note=(form.note.data or "").strip(),
            ))
        except LedgerError as error:
            refuse(error)
        else:
            flash(_("Corrected entry #%(id)d: %(item)s changed by %(delta)+d.",
                    id=movement_id, item=correction.item.name, delta=correction.delta), "logged")
        return redirect(url_for("coordinators.ledger", slug=site.slug), 303)
    if not form.is_submitted() or form.key.errors:
        form.key.data = uuid.uuid4().hex
    status = 422 if form.errors else 200
    return render_template("coordinators/movement.html", site=site, entry=entry, form=form,
                           sources=SOURCES), status


@bp.get("/sites/<slug>/stock")
@login_required
def stock(slug):
    site = site_or_404(slug)
    return _stock_page(site, None)


@bp.post("/sites/<slug>/count")
@login_required
def count(slug):
    """Someone counted an item on the shelf: the stock becomes that number and the doubt goes."""
    site = site_or_404(slug)
    form = CountForm()
    if not form.validate():
        return _stock_page(site, form, 422)
    item = db.session.get(Item, form.item.data) if ledger.within_ids(form.item.data) else None
    if item is None:
        form.item.errors.append(_("There is no such item."))
        return _stock_page(site, form, 422)
    now = utcnow()
    try:
        counted = commit_write(db.session, lambda: journaled.count(
            db.session, current_user, site, item, form.counted.data, form.key.data, now,
            source="coordinator", recorded_by=who(),
        ))
    except LedgerError as error:
        refuse(error)
    else:
        flash(_("Counted: %(count)d %(item)s at %(site)s.", count=counted.quantity, item=item.name,
                site=site.name), "logged")
    return redirect(url_for("coordinators.stock", slug=site.slug, _anchor=f"item-{item.id}"), 303)


def _stock_page(site, failed, status=200):
    """Every item at the site; `failed` is a count form sent back with its errors, shown on its row."""
    page = render_template("coordinators/stock.html", site=site, rows=stock_rows(site), failed=failed)
    return page, status
