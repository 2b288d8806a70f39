"""The cleaning checklist at the fridge, opened by the site's cleaning label."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from pantry import security
from pantry.care import rules
from pantry.care.forms import ChecklistForm, DiscardForm, SendForm
from pantry.care.models import CareRecord
from pantry.clock import local_today
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.signals import too_warm
from pantry.sites import nearest
from pantry.stock import ledger, shelves
from pantry.stock.errors import LedgerError
from pantry.tags.rules import TagError, UnknownTag, find_tag
from pantry.tags.views import unknown_tag

bp = Blueprint("care", __name__, template_folder="templates")
bp.register_error_handler(TagError, unknown_tag)  # the scan pages' one page for a label unknown or revoked
SITES_OFFERED = 12  # sites the van may go to, nearest first; words typed find any other


@bp.get("/care/<code>")
def checklist(code):
    tag = _care_tag(code)
    return _checklist_page(tag, ChecklistForm(formdata=None))


@bp.post("/care/<code>")
@security.care
def record(code):
    tag = _care_tag(code)
    form = ChecklistForm(takes_readings=_takes_readings(tag.site))
    if not form.validate():
        return _checklist_page(tag, form, status=422)
    site, config, now = tag.site, current_app.config, utcnow()

    def write():
        care = rules.record_care(
            db.session, site, form.ticked.data or [], form.celsius, form.note.data or "", form.key.data, now,
            checklist=list(config["CARE_CHECKLIST"]), limits=config["TEMPERATURE_LIMITS"],
            excursion_after=timedelta(hours=config["EXCURSION_HOURS"]),
        )
        every = timedelta(minutes=config["WARM_ALERT_MINUTES"])
        if rules.claim_warm_alert(db.session, care, now, every):  # one a site per WARM_ALERT_MINUTES, never a replay
            too_warm.send(site, reading=care.reading)  # its receiver queues the mails in this transaction
        return care

    care = commit_write(db.session, write)
    return redirect(url_for("care.thanks", code=tag.code, key=care.idempotency_key), 303)


@bp.get("/care/<code>/done/<key>")
def thanks(code, key):
    """What was recorded. The key is the form's own random key, so only its sender knows the address."""
    tag = _care_tag(code)
    care = db.session.scalar(
        select(CareRecord).where(CareRecord.idempotency_key == key, CareRecord.site_id == tag.site_id)
    )
    if care is None:
        abort(404)
    labels = current_app.config["CARE_CHECKLIST"]
    page = render_template(
        "care/thanks.html", tag=tag, site=tag.site, care=care, reading=care.reading,
        ticked=[labels[name] for name in care.checklist if name in labels],
        not_ticked=[label for name, label in labels.items() if name not in care.checklist],
    )
    return page, 200, {"Cache-Control": "private, no-store"}


@bp.post("/care/<code>/discard")
@security.care
def discard(code):
    """One tap: a batch past its date is out of the fridge."""
    tag = _care_tag(code)
    form = DiscardForm()
    if not form.validate():
        return _checklist_page(tag, ChecklistForm(formdata=None), status=422, discard_form=form)
    site, now, most = tag.site, utcnow(), current_app.config["MAX_LOG_QUANTITY"]
    movement = commit_write(db.session, lambda: rules.discard_batch(
        db.session, site, form.batch.data, form.quantity.data, form.key.data, now, today=local_today(now), most=most,
        reason=form.reason.data or "past_date",
    ))
    flash(_("Removed: %(count)d %(item)s. Thank you.", count=movement.quantity, item=movement.item.name), "logged")
    return redirect(url_for("care.checklist", code=tag.code), 303)


@bp.post("/care/<code>/send")
@security.care
def send(code):
    """Some of an item goes in the van to another site: it leaves this site's books and arrives in the other's."""
    tag = _care_tag(code)
    form = SendForm()
    if not form.validate():
        return _checklist_page(tag, ChecklistForm(formdata=None), status=422, send_form=form)
    site, now = tag.site, utcnow()
    try:
        moved = commit_write(db.session, lambda: ledger.transfer(
            db.session, site.id, form.to_site.data, form.item.data, form.quantity.data, form.key.data, now,
            confirmed=form.confirmed.data, source="care",
        ))
    except LedgerError as error:
        db.session.rollback()
        return _checklist_page(tag, ChecklistForm(formdata=None), error.status, send_form=form, refusal=error)
    flash(_("On its way: %(count)d %(item)s to %(site)s. Thank you.", count=-moved.out.delta,
            item=moved.out.item.name, site=moved.into.site.name), "logged")
    return redirect(url_for("care.checklist", code=tag.code), 303)


def _care_tag(code):
    """The live cleaning label with this code; any other label is not a checklist."""
    tag = find_tag(db.session, code)
    if tag.purpose != "care":
        raise UnknownTag()
    return tag


def _takes_readings(site):
    return rules.takes_readings(site, current_app.config["TEMPERATURE_LIMITS"])


def _checklist_page(tag, form, status=200, discard_form=None, send_form=None, refusal=None):
    site, send_form = tag.site, send_form or SendForm(formdata=None)
    page = render_template(
        "care/checklist.html", tag=tag, site=site, form=form, discard_form=discard_form,
        send_form=send_form, refusal=refusal, **_destinations(site, send_form.to_site.data),
        held=shelves.in_stock(db.session, site.id),
        takes_readings=_takes_readings(site),
        past_date=rules.past_date_batches(db.session, site, local_today()),
        most=current_app.config["MAX_LOG_QUANTITY"], offered=rules.offered,
        warm=rules.warm_batches(db.session, site),
        checklist=current_app.config["CARE_CHECKLIST"],
    )
    # Keys are made per page: a page from the back button must not resend an old one.
    return page, status, {"Cache-Control": "no-store"}


def _destinations(site, chosen):
    """The sites the van may go to: the nearest, or those with the words typed (?to=...); when no
    site has them, the nearest again and `unmatched` says so. The site a refused form chose stays offered."""
    typed = nearest.words(request.args.get("to"))
    found = nearest.near(db.session, site, SITES_OFFERED, typed, keep=chosen)
    if typed and not found:
        return {"others": nearest.near(db.session, site, SITES_OFFERED, keep=chosen), "typed": typed, "unmatched": True}
    return {"others": found, "typed": typed, "unmatched": False}
