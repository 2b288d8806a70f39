"""The coordinators' side of needs: what neighbours typed that is not an item (suggestions, to
make into an item or dismiss), where each site is for the search, and items' Spanish names."""
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from pantry import journal
from pantry.coordinators.blueprint import bp, refuse, site_or_404
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.forms import FlaskForm
from pantry.needs import asks, places
from pantry.needs.errors import NeedsError
from pantry.stock.entries import get
from pantry.stock.items import ItemError
from pantry.stock.models import CATEGORIES, Item


class LocationForm(FlaskForm):
    point = StringField(_l("Latitude and longitude"), validators=[Optional()])
    neighbourhood = StringField(_l("Neighbourhood"), validators=[Optional()])


class NewItemForm(FlaskForm):
    name = StringField(_l("Item name"), validators=[InputRequired(message=_l("Give the item a name."))])
    category = SelectField(_l("Category"), choices=[SelectChoice(code, label) for code, label in CATEGORIES.items()])


class SameItemForm(FlaskForm):
    item = IntegerField(_l("Same as"), validators=[InputRequired(message=_l("Choose an item."))])


class NameForm(FlaskForm):
    name = StringField(_l("Name in Spanish"), validators=[Optional()])


@bp.get("/suggestions")
@login_required
def suggestions():
    since = utcnow() - timedelta(days=current_app.config["ASK_WINDOW_DAYS"])
    found = asks.open_suggestions(db.session, since)
    items = db.session.scalars(select(Item).order_by(Item.name)).all()
    return render_template("coordinators/suggestions.html", suggestions=found, items=items, most=asks.MOST_SUGGESTIONS,
                           new_form=NewItemForm(formdata=None), same_form=SameItemForm(formdata=None))


@bp.post("/suggestions/<int:suggestion_id>/new-item")
@login_required
def suggestion_new_item(suggestion_id):
    form, now = NewItemForm(), utcnow()
    if form.validate():
        return _decided(lambda: asks.make_new_item(db.session, suggestion_id, form.name.data, form.category.data,
                                                   "", now), _("It is an item now: its asks count for it."),
                        "suggestion.made_item", form.name.data)
    flash(" ".join(message for messages in form.errors.values() for message in messages), "error")
    return redirect(url_for("coordinators.suggestions"), 303)


@bp.post("/suggestions/<int:suggestion_id>/same-item")
@login_required
def suggestion_same_item(suggestion_id):
    form, now = SameItemForm(), utcnow()
    if form.validate():
        return _decided(lambda: asks.make_item(db.session, suggestion_id, form.item.data, now),
                        _("Its asks count for that item now."), "suggestion.same_item", str(form.item.data))
    flash(_("Choose an item."), "error")
    return redirect(url_for("coordinators.suggestions"), 303)


@bp.post("/suggestions/<int:suggestion_id>/dismiss")
@login_required
def suggestion_dismiss(suggestion_id):
    if not FlaskForm().validate():
        flash(_("Reload the page and try again."), "error")
        return redirect(url_for("coordinators.suggestions"), 303)
    now = utcnow()
    return _decided(lambda: asks.dismiss(db.session, suggestion_id, now), _("Dismissed."),
                    "suggestion.dismissed", str(suggestion_id))


def noted(write, action, subject, site=None):
    """The write, and its line in the journal (every coordinator action is in it), in one transaction."""
    def write_and_note():
        result = write()
        journal.record(db.session, current_user, action, subject, {}, {}, utcnow(), site=site)
        return result
    return write_and_note


def _decided(write, message, action, subject):
    try:
        commit_write(db.session, noted(write, action, subject))
    except (NeedsError, ItemError) as error:
        refuse(error)
    else:
        flash(message, "logged")
    return redirect(url_for("coordinators.suggestions"), 303)


@bp.route("/sites/<slug>/location", methods=["GET", "POST"])
@login_required
def site_location(slug):
    site = site_or_404(slug)
    point = f"{site.latitude}, {site.longitude}" if site.latitude is not None else ""
    form = LocationForm(data={"point": point, "neighbourhood": site.neighbourhood})
    if form.validate_on_submit():
        now = utcnow()
        try:
            commit_write(db.session, noted(lambda: places.set_location(
                db.session, site, form.point.data, form.neighbourhood.data, now), "site.located", site.name, site))
        except NeedsError as error:
            db.session.rollback()
            form[error.field if error.field in form else "point"].errors.append(error.message)
        else:
            flash(_("Saved where %(site)s is.", site=site.name), "logged")
            return redirect(url_for("coordinators.site_location", slug=site.slug), 303)
    return render_template("coordinators/site_location.html", site=site, form=form), 422 if form.errors else 200


@bp.route("/items/<int:item_id>/names", methods=["GET", "POST"])
@login_required
def item_names(item_id):
    item = get(db.session, Item, item_id) or abort(404)
    form = NameForm(data={"name": places.item_names(db.session, item.id).get("es", "")})
    if form.validate_on_submit():
        now = utcnow()
        try:
            commit_write(db.session, noted(lambda: places.set_item_name(db.session, item.id, "es", form.name.data, now),
                                           "item.named", item.name))
        except NeedsError as error:
            refuse(error, form)
        else:
            flash(_("Saved the Spanish name of %(item)s.", item=item.name), "logged")
            return redirect(url_for("coordinators.items"), 303)
    return render_template("coordinators/item_names.html", item=item, form=form), 422 if form.errors else 200
