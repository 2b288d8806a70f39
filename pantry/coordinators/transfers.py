"""Transfers between sites from a coordinator's screen: some of an item moved from this site to another."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, site_or_404, who
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.forms import KeyedForm
from pantry.sites.models import Site
from pantry.stock import ledger, shelves
from pantry.stock.errors import LedgerError
from pantry.stock.transfers import ConfirmKind


class TransferForm(KeyedForm):
    item = SelectField(_l("Item"), coerce=int, validate_choice=False,
                       validators=[InputRequired(message=_l("Choose an item."))])
    to_site = SelectField(_l("To"), coerce=int, validate_choice=False,
                          validators=[InputRequired(message=_l("Choose the site it goes to."))])
    quantity = IntegerField(_l("How many"), validators=[
        InputRequired(message=_l("Say how many, as a whole number.")),
        NumberRange(min=1, max=ledger.LARGEST_QUANTITY, message=_l("Enter a whole number from 1 to 100000.")),
    ])
    confirmed = BooleanField(_l("Yes, send it there anyway"))


@bp.route("/sites/<slug>/transfer", methods=["GET", "POST"])
@login_required
def transfer(slug):
    """Move some of an item to another site: the earliest dates go first, and keep their dates."""
    site = site_or_404(slug)
    form = TransferForm()
    _choices(form, site)
    if not form.validate_on_submit():
        return _page(site, form, 422 if form.is_submitted() else 200)
    now = utcnow()
    try:
        moved = commit_write(db.session, lambda: journaled.transfer(
            db.session, current_user, site, form.to_site.data, form.item.data, form.quantity.data, form.key.data,
            now, confirmed=form.confirmed.data, source="coordinator", recorded_by=who(),
        ))
    except LedgerError as error:
        db.session.rollback()
        return _page(site, form, error.status, error)
    flash(_("Sent %(count)d %(item)s from %(from)s to %(to)s.", count=-moved.out.delta, item=moved.out.item.name,
            **{"from": site.name, "to": moved.into.site.name}), "logged")
    return redirect(url_for("coordinators.stock", slug=site.slug), 303)


def _choices(form, site):
    held = shelves.in_stock(db.session, site.id)
    form.item.choices = [(stock.item_id, _("%(item)s (%(count)d here)", item=stock.item.name, count=stock.quantity))
                         for stock in held]
    others = db.session.scalars(select(Site).where(Site.id != site.id).order_by(Site.name))
    form.to_site.choices = [(other.id, other.name) for other in others]


def _page(site, form, status, refusal=None):
    page = render_template("coordinators/transfer.html", site=site, form=form, refusal=refusal,
                           needs_confirmation=isinstance(refusal, ConfirmKind) or form.confirmed.data)
    return page, status
