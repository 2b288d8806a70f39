"""A site's printed labels: make a tag, revoke or replace one, and download label sheets to print."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, site_or_404
from pantry.coordinators.forms import ButtonForm, TagForm
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.refusals import Refusal
from pantry.stock.models import Item
from pantry.tags.models import Tag
from pantry.tags.rules import RevokedTag, live_tags

PAPERS = {"a4": _l("A4"), "letter": _l("US Letter")}


class UnknownPaper(Refusal):
    code = "unknown_paper"
    status = 404
    message = _l("Labels print on A4 or US Letter paper only.")


@bp.route("/sites/<slug>/tags", methods=["GET", "POST"])
@login_required
def tags(slug):
    site = site_or_404(slug)
    form = TagForm()
    items = db.session.scalars(select(Item).order_by(Item.category, Item.name)).all()
    form.item.choices = [SelectChoice("", _("Choose an item"))] + [
        SelectChoice(str(item.id), item.name) for item in items
    ]
    if form.validate_on_submit():
        item = db.session.get(Item, form.item.data) if form.purpose.data == "item" else None
        now = utcnow()
        tag = commit_write(db.session, lambda: journaled.issue_tag(
            db.session, current_user, site, form.purpose.data, now, item=item))
        flash(_("New label %(code)s. Download it and stick it on the fridge.", code=tag.code), "logged")
        return redirect(url_for("coordinators.tag", code=tag.code), 303)
    status = 422 if form.errors else 200
    page = render_template(
        "coordinators/tags.html", site=site, form=form, tags=live_tags(db.session, site),
        papers=PAPERS,
    )
    return page, status


@bp.get("/tags/<code>")
@login_required
def tag(code):
    found = _tag_or_404(code)
    return render_template("coordinators/tag.html", tag=found, papers=PAPERS)


@bp.post("/tags/<code>/revoke")
@login_required
def revoke(code):
    found = _tag_or_404(code, lock=True)
    if ButtonForm().validate_on_submit():
        if found.revoked:
            flash(_("Label %(code)s was already out of use.", code=found.code), "warning")
        else:
            now = utcnow()
            commit_write(db.session, lambda: journaled.revoke_tag(db.session, current_user, found, now))
            flash(_("Label %(code)s no longer works. Take it off the fridge.", code=found.code), "logged")
    return redirect(url_for("coordinators.tags", slug=found.site.slug), 303)


@bp.post("/tags/<code>/replace")
@login_required
def replace(code):
    """A lost or damaged label: the old code stops working and a new one takes its place."""
    found = _tag_or_404(code, lock=True)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("coordinators.tag", code=found.code), 303)
    if found.revoked:
        flash(_("Label %(code)s is out of use already, so it cannot be replaced. Make a new label instead.",
                code=found.code), "error")
        return redirect(url_for("coordinators.tags", slug=found.site.slug), 303)
    now = utcnow()
    new = commit_write(db.session, lambda: journaled.replace_tag(db.session, current_user, found, now))
    flash(_("Label %(old)s no longer works. Its replacement is %(new)s: print it and stick it over the old one.",
            old=code, new=new.code), "logged")
    return redirect(url_for("coordinators.tag", code=new.code), 303)


@bp.get("/sites/<slug>/labels-<paper>.pdf")
@login_required
def site_labels(slug, paper):
    site = site_or_404(slug)
    live = live_tags(db.session, site)
    if not live:
        flash(_("%(site)s has no labels yet. Make one first.", site=site.name), "warning")
        return redirect(url_for("coordinators.tags", slug=site.slug), 303)
    return _label_sheet(live, paper, f"labels-{site.slug}-{paper}.pdf")


@bp.get("/tags/<code>/label-<paper>.pdf")
@login_required
def tag_label(code, paper):
    found = _tag_or_404(code)
    if found.revoked:
        raise RevokedTag()
    return _label_sheet([found], paper, f"label-{found.code}-{paper}.pdf")


def _label_sheet(tags, paper, filename):
    if paper not in PAPERS:
        raise UnknownPaper()
    from pantry.tags import sheets  # written alongside; imported here so this module loads without it

    pdf = sheets.label_sheet(sheets.labels_for(tags, current_app.config["BASE_URL"]), paper)
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _tag_or_404(code, lock=False):
    if not (code.isascii() and code.isalnum() and len(code) <= Tag.code.type.length):
        abort(404)
    query = select(Tag).where(Tag.code == code)
    if lock:
        # Two taps on "replace" must not make two new codes: the second waits, then sees it revoked.
        query = query.with_for_update(of=Tag).execution_options(populate_existing=True)
    return db.one_or_404(query)
