"""The scan pages: a label's code opens its site or item, and one tap logs a take or a restock."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from pantry import security
from pantry.database import commit_write, utcnow
from pantry.errors import error_response, wants_json
from pantry.extensions import db
from pantry.stock import ledger, shelves
from pantry.stock.errors import LedgerError
from pantry.stock.models import Item
from pantry.tags.forms import CodeForm, LogForm, UndoForm
from pantry.tags.rules import RevokedTag, TagError, find_tag

bp = Blueprint("tags", __name__, template_folder="templates")
RECENT = "recent_logs"  # the movements this browser logged, for Undo
RECENT_KEPT = 10


@bp.get("/t")
def manual():
    form = CodeForm(request.args)
    if "code" in request.args and form.validate():
        try:
            tag = find_tag(db.session, form.code.data)
        except TagError as error:
            form.code.errors.append(error.message)
            return render_template("tags/manual.html", form=form), error.status
        return redirect(url_for("tags.scan", code=tag.code), 303)
    status = 422 if form.errors else 200
    return render_template("tags/manual.html", form=form), status


@bp.get("/t/<code>")
def scan(code):
    tag = find_tag(db.session, code)
    if tag.purpose == "care":
        return redirect(url_for("care.checklist", code=tag.code), 303)
    return _scan_page(tag, LogForm(formdata=None), request.args.get("item", type=int))


@bp.post("/t/<code>/log")
@security.logs
def log(code):
    """One tap at the fridge: a take or a restock. Forms get a redirect; JSON callers
    (the offline outbox) get the movement back, the same answer for a replayed key."""
    tag = find_tag(db.session, code)
    form = LogForm()  # a JSON body that is not one object: BadJson (400)
    if not form.validate():
        return _refuse(tag, form)
    entry = ledger.Entry(form.kind.data, form.key.data, tag.site_id, form.item.data, form.quantity.data,
                         best_before=form.best_before.data)
    now, back, label_item = utcnow(), _back_to(tag), tag.item
    try:  # the entry is checked before the write begins: a refused one never waits for the lock
        admitted = ledger.admit(db.session, entry, current_app.config["MAX_LOG_QUANTITY"],
                                label_item and label_item.id, label_item and label_item.name)
        movement_id, answer = commit_write(
            db.session, lambda: _logged(ledger.record_admitted(db.session, admitted, now), request.is_json))
    except LedgerError as refusal:  # the ledger's limits: on the field they name
        return _refuse(tag, form, refusal)
    _remember(movement_id)
    if answer is not None:
        return jsonify(answer), 201
    # The page it goes back to says "Logged: ..." with Undo, from this browser's recent entries.
    return redirect(back, 303)


@bp.post("/t/<code>/undo")
@security.logs
def undo(code):
    tag = find_tag(db.session, code)
    form = UndoForm()
    if not form.validate() or form.movement.data not in _recent_ids():
        flash(_("Only entries logged from this phone in the last few minutes can be undone here."), "error")
        return redirect(_back_to(tag), 303)
    window = timedelta(minutes=current_app.config["UNDO_MINUTES"])
    now = utcnow()
    correction = commit_write(
        db.session, lambda: ledger.undo(db.session, form.movement.data, form.key.data, now, window)
    )
    flash(_("Undone: %(item)s is back as it was.", item=correction.item.name), "logged")
    return redirect(_back_to(tag), 303)


@bp.errorhandler(TagError)
def unknown_tag(error):
    """A label unknown or revoked, at any scan page (pantry.care.views uses this one too)."""
    if wants_json():  # the outbox sending an entry for a label revoked since
        return error_response(error.status, error.code, error.message)
    db.session.rollback()
    page = render_template(
        "tags/unknown.html", form=CodeForm(formdata=None), message=error.message,
        revoked=isinstance(error, RevokedTag),
    )
    return page, error.status


def _logged(movement, as_json):
    """The movement's id and, for a JSON caller, its answer: made before the commit expires the
    movement, so nothing is read back after it (the redirect needs only the id)."""
    if not as_json:
        return movement.id, None
    return movement.id, {"movement": movement_json(movement), "message": logged_message(movement)}


def _scan_page(tag, form, item_id=None, status=200):
    if tag.purpose == "item":
        item = tag.item
    else:  # `item_id` comes from the address or the form: any number at all
        item = db.session.get(Item, item_id) if ledger.within_ids(item_id) else None
    template = "tags/item.html" if item else "tags/site.html"
    context = {"tag": tag, "form": form, "recent": _recent_movements()}
    if item:
        item_id = item.id
        context["item"] = item
        context["line"] = shelves.line(db.session, tag.site_id, item_id)
        context["amounts"] = range(1, 7)
    else:
        context["stocks"] = shelves.in_stock(db.session, tag.site_id)
        context["items"] = db.session.scalars(select(Item).order_by(Item.category, Item.name)).all()
    response = current_app.make_response((render_template(template, **context), status))
    # Keys are made per page: a page from the back button must not resend an old one.
    response.headers["Cache-Control"] = "no-store"
    return response


def _refuse(tag, form, refusal=None):
    """The entry back with its errors (the form's, or a rule's refusal on the field it names):
    the page with them on their fields, or JSON naming them. A refusal of no field goes on up."""
    if refusal is not None:
        if refusal.field not in form:
            raise refusal
        db.session.rollback()
        form[refusal.field].errors.append(refusal.message)
    if request.is_json:
        fields = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
        return jsonify(code="invalid", message=_("Nothing was logged: please check the entry."), fields=fields), 422
    item_id = form.item.data if tag.purpose == "site" and isinstance(form.item.data, int) else None
    return _scan_page(tag, form, item_id, 422)


def logged_message(movement):
    if movement.kind == "take":
        return _("Logged: took %(count)d %(item)s", count=movement.quantity, item=movement.item.name)
    return _("Logged: added %(count)d %(item)s", count=movement.quantity, item=movement.item.name)


def movement_json(movement):
    return {
        "id": movement.id,
        "kind": movement.kind,
        "item": movement.item.name,
        "quantity": movement.quantity,
        "delta": movement.delta,
        "best_before": movement.best_before.isoformat() if movement.best_before else None,
        "created_at": movement.created_at.isoformat(),
    }


def _back_to(tag):
    item_id = request.form.get("back_item", type=int)
    if tag.purpose == "site" and item_id:
        return url_for("tags.scan", code=tag.code, item=item_id)
    return url_for("tags.scan", code=tag.code)


def _remember(movement_id):
    recent = [entry for entry in session.get(RECENT, []) if entry != movement_id]
    session[RECENT] = (recent + [movement_id])[-RECENT_KEPT:]


def _recent_ids():
    return set(session.get(RECENT, []))


def _recent_movements():
    """This browser's entries that can still be undone, the newest first."""
    window = timedelta(minutes=current_app.config["UNDO_MINUTES"])
    return ledger.undoable(db.session, _recent_ids(), utcnow(), window)
