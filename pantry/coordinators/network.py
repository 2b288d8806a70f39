"""The network's shape: its sites, its items, and the target level of each item at each site."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, refuse, site_or_404
from pantry.coordinators.forms import ItemForm, SiteForm, targets_form
from pantry.coordinators.paging import requested
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.sites import by_name, rules as site_rules
from pantry.stock import items as item_rules
from pantry.stock.models import CATEGORIES, Item, Stock

SITES_PAGE = 10  # sites to a page of the sites list and of the home screen (as many as the dashboard)
ITEMS_PAGE = 50  # items to a page of the items list
SITE_FIELDS = ("name", "address", "kind", "state", "hours", "notes")
ITEM_FIELDS = ("name", "category", "unit", "keep_cold", "typical_grams")


@bp.get("/sites")
@login_required
def sites():
    """The network's sites by name, a page at a time."""
    where, bad_page = requested(request.args)
    found = by_name.sites_page(db.session, where, SITES_PAGE)
    page = render_template("coordinators/sites.html", sites=found, where=where, bad_page=bad_page)
    return page, 400 if bad_page else 200


@bp.route("/sites/new", methods=["GET", "POST"])
@login_required
def new_site():
    form = SiteForm()
    site = _saved(form, SITE_FIELDS, site_rules.SiteError,
                  lambda now, details: journaled.create_site(db.session, current_user, now, **details))
    if site:
        flash(_("Added %(site)s. Next: set its targets and print its labels.", site=site.name), "logged")
        return redirect(url_for("coordinators.home", _anchor=f"site-{site.slug}"), 303)
    return _form_page("coordinators/site_form.html", form, site=None)


@bp.route("/sites/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_site(slug):
    site = site_or_404(slug)
    form = SiteForm(obj=site)
    if _saved(form, SITE_FIELDS, site_rules.SiteError,
              lambda now, details: journaled.update_site(db.session, current_user, site, now, **details)):
        flash(_("Saved %(site)s.", site=site.name), "logged")
        return redirect(url_for("coordinators.sites"), 303)
    return _form_page("coordinators/site_form.html", form, site=site)


@bp.get("/items")
@login_required
def items():
    """The network's items by category and name, a page at a time."""
    where, bad_page = requested(request.args)
    found = item_rules.items_page(db.session, where, ITEMS_PAGE)
    page = render_template("coordinators/items.html", items=found, where=where, bad_page=bad_page)
    return page, 400 if bad_page else 200


@bp.route("/items/new", methods=["GET", "POST"])
@login_required
def new_item():
    form = ItemForm()
    item = _saved(form, ITEM_FIELDS, item_rules.ItemError,
                  lambda now, details: journaled.create_item(db.session, current_user, now, **details))
    if item:
        flash(_("Added %(item)s.", item=item.name), "logged")
        return redirect(url_for("coordinators.items"), 303)
    return _form_page("coordinators/item_form.html", form, item=None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(item_id):
    item = db.get_or_404(Item, item_id)
    form = ItemForm(obj=item)
    if _saved(form, ITEM_FIELDS, item_rules.ItemError,
              lambda now, details: journaled.update_item(db.session, current_user, item, now, **details)):
        flash(_("Saved %(item)s.", item=item.name), "logged")
        return redirect(url_for("coordinators.items"), 303)
    return _form_page("coordinators/item_form.html", form, item=item)


@bp.route("/sites/<slug>/targets", methods=["GET", "POST"])
@login_required
def targets(slug):
    """One form for the whole site: a number per item; an empty box means no target."""
    site = site_or_404(slug)
    rows = stock_rows(site)
    form = targets_form([item for item, _stock in rows], {item.id: stock.target for item, stock in rows if stock})
    if form.validate_on_submit():
        # Only the boxes that were sent: an item added since the page was shown keeps its target.
        wanted = {item.id: form[f"item_{item.id}"].data for item, _stock in rows if form[f"item_{item.id}"].raw_data}
        now = utcnow()
        try:
            changed = commit_write(db.session, lambda: journaled.set_targets(db.session, current_user, site, wanted, now))
        except item_rules.ItemError as error:
            if isinstance(error.field, int):
                error.field = f"item_{error.field}"
            refuse(error, form)
        else:
            flash(ngettext("Saved: %(num)d target changed at %(site)s.", "Saved: %(num)d targets changed at %(site)s.",
                           len(changed), site=site.name), "logged")
            return redirect(url_for("coordinators.targets", slug=site.slug), 303)
    status = 422 if form.errors else 200
    return render_template("coordinators/targets.html", site=site, form=form, groups=_by_category(form, rows)), status


def _by_category(form, rows):
    """[(category label, [(the item's box, item, stock)])], in the categories' order."""
    groups = {}
    for item, stock in rows:
        groups.setdefault(item.category, []).append((form[f"item_{item.id}"], item, stock))
    return [(CATEGORIES[category], groups[category]) for category in CATEGORIES if category in groups]


def stock_rows(site):
    """Every item of the network with its stock row at `site` (None where it has none yet)."""
    query = (
        select(Item, Stock)
        .outerjoin(Stock, (Stock.item_id == Item.id) & (Stock.site_id == site.id))
        .order_by(Item.category, Item.name)
    )
    return db.session.execute(query).all()


def _saved(form, names, refusal, write):
    """A good POST of a details form: `write(now, details)` in one commit, and what it wrote.
    None when the form was not sent or not valid, or the rule refused (said on the form)."""
    if not form.validate_on_submit():
        return None
    now, details = utcnow(), {name: form[name].data for name in names}
    try:
        return commit_write(db.session, lambda: write(now, details))
    except refusal as error:
        refuse(error, form)
        return None


def _form_page(template, form, **context):
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status
