"""Food in question after a warm fridge: what was flagged, and clearing a flag with a reason."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired

from pantry.care import excursions
from pantry.care.models import Flag
from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, site_or_404, who
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.forms import KeyedForm
from pantry.refusals import Refusal


class ClearForm(KeyedForm):
    batch = IntegerField("", validators=[InputRequired()])
    reason = StringField(_l("Why it is safe"))


@bp.get("/sites/<slug>/warm")
@login_required
def warm_food(slug):
    return _page(site_or_404(slug), None)


@bp.post("/sites/<slug>/warm/clear")
@login_required
def clear_flag(slug):
    """A coordinator checked the food and says why it is safe: the flag goes, the reason stays."""
    site = site_or_404(slug)
    form = ClearForm()
    if not form.validate():
        return _page(site, form, 422)
    now = utcnow()
    try:
        commit_write(db.session, lambda: journaled.clear_flag(
            db.session, current_user, site, form.batch.data, form.reason.data, form.key.data, now, who(),
        ))
    except Refusal as error:
        db.session.rollback()
        form.reason.errors = [error.message]
        return _page(site, form, error.status)
    flash(_("The flag is cleared. The reason is kept with the excursion."), "logged")
    return redirect(url_for("coordinators.warm_food", slug=site.slug), 303)


def _page(site, failed, status=200):
    flags = excursions.questioned(db.session, site.id)
    shown = db.session.scalars(
        select(Flag).where(Flag.id.in_([flag.id for flag in flags.values()]))
        .options(joinedload(Flag.batch), joinedload(Flag.excursion)).order_by(Flag.id)
    ).all()
    page = render_template("coordinators/warm_food.html", site=site, flags=shown, failed=failed, now=utcnow())
    return page, status
