"""Transfers between sites from a coordinator's screen: some of an item moved from this site to another."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, site_or_404, who
from pantry.coordinators.forms import optional_id
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.forms import KeyedForm
from pantry.sites import lookup, nearest
from pantry.stock import ledger, shelves
from pantry.stock.errors import LedgerError
from pantry.stock.transfers import ConfirmKind

NEIGHBOURS = 20  # sites offered in the list: the nearest; any other is typed


class TransferForm(KeyedForm):
    item = SelectField(_l("Item"), coerce=int, validate_choice=False,
                       validators=[InputRequired(message=_l("Choose an item."))])
    # The nearest sites to choose from (NEIGHBOURS of them), or any other typed by its slug.
    to_site = SelectField(_l("To"), coerce=optional_id, validate_choice=False)
    to_slug = StringField(_l("Or another site"), filters=[lambda text: (text or "").strip()], validators=[Optional()])
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
    if not form.validate_on_submit() or not _destination(form):
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
    form.to_site.choices = [SelectChoice("", _("Choose a site"))] + [
        SelectChoice(str(other.id), other.name) for other in nearest.near(db.session, site, NEIGHBOURS)]


def _destination(form):
    """Whether the form names where the food goes: a site chosen, or one typed by its slug (which
    then wins). If not, the box says so. That it is another site, and exists, is the rule's check."""
    if form.to_slug.data:
        typed = lookup.by_slug(db.session, form.to_slug.data)
        if typed is None:
            form.to_slug.errors.append(_("There is no site with that name in its web address."))
            return False
        form.to_site.data = typed.id
    if form.to_site.data is None:
        form.to_site.errors.append(_("Choose the site it goes to."))
        return False
    return True


def _page(site, form, status, refusal=None):
    page = render_template("coordinators/transfer.html", site=site, form=form, refusal=refusal,
                           needs_confirmation=isinstance(refusal, ConfirmKind) or form.confirmed.data)
    return page, status
