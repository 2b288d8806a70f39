"""Who comes when: a one-off shift, a shift's roster with how to reach its volunteers, cancelling
a shift (they are told by mail, through the outbox), and the week's rota across the network."""
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from pantry.clock import deployment_zone, local_today
from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, refuse, site_named, site_or_404
from pantry.coordinators.forms import ButtonForm, OneOffShiftForm, WeekForm
from pantry.coordinators.paging import requested
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.seek import Page
from pantry.shifts import listing
from pantry.shifts.errors import ShiftError, ShiftInThePast
from pantry.shifts.models import Shift
from pantry.shifts.words import shift_words

WEEK_DAYS = 7
SHIFTS_SHOWN = 60  # shifts to a page of the week's rota


@bp.route("/sites/<slug>/shifts/new", methods=["GET", "POST"])
@login_required
def new_shift(slug):
    """A shift outside any pattern: a deep clean, an extra restock run."""
    site = site_or_404(slug)
    form = OneOffShiftForm()
    if request.method == "GET":
        form.day.data = local_today(utcnow()) + timedelta(days=1)
    if form.validate_on_submit():
        now, zone, data = utcnow(), deployment_zone(), form.data
        try:
            shift = commit_write(db.session, lambda: journaled.add_shift(
                db.session, current_user, site, data["kind"], data["day"], data["starts_at"], data["ends_at"],
                data["capacity"], now, zone))
        except ShiftError as error:
            if isinstance(error, ShiftInThePast):
                error.field = "day"
            refuse(error, form)
        else:
            flash(_("Added a one-off shift: %(shift)s.", shift=shift_words(shift)), "logged")
            return redirect(url_for("coordinators.roster", shift_id=shift.id), 303)
    status = 422 if form.errors else 200
    return render_template("coordinators/shift_form.html", site=site, form=form), status


@bp.get("/shifts/<int:shift_id>")
@login_required
def roster(shift_id):
    """One shift and everyone who signed up for it, with how to reach them."""
    shift = db.get_or_404(Shift, shift_id)
    return render_template("coordinators/roster.html", shift=shift, site=shift.site,
                           started=shift.starts_at <= utcnow())


@bp.post("/shifts/<int:shift_id>/cancel")
@login_required
def cancel_shift(shift_id):
    shift = db.get_or_404(Shift, shift_id)
    back = redirect(url_for("coordinators.roster", shift_id=shift.id), 303)
    if not ButtonForm().validate_on_submit():
        return back
    if shift.cancelled:
        flash(_("This shift was already cancelled."), "warning")
        return back
    now = utcnow()
    try:
        told = commit_write(db.session, lambda: journaled.cancel_shift(db.session, current_user, shift, now))
    except ShiftError as error:
        refuse(error)
        return back
    flash(_("Cancelled: %(shift)s.", shift=shift_words(shift)), "logged")
    _tell_volunteers([place for place in told if place.email])
    return back


@bp.get("/rota")
@login_required
def week():
    """Seven days of shifts from a chosen day, at every site or one, with contact details."""
    form = WeekForm(request.args)
    where, bad_page = requested(request.args)
    if not form.validate() or not site_named(form.site):
        return render_template("coordinators/week.html", form=form, days=[], steps={}, shown=Page(), where=where,
                               chosen={}, bad_page=None), 422
    first = form.start.data = form.start.data or local_today(utcnow())
    by_day, shown = listing.week(db.session, first, deployment_zone(), where, SHIFTS_SHOWN, form.site.data,
                                 days=WEEK_DAYS)
    site = form.site.data or None
    steps = {
        "earlier": {"start": (first - timedelta(days=WEEK_DAYS)).isoformat(), "site": site},
        "later": {"start": (first + timedelta(days=WEEK_DAYS)).isoformat(), "site": site},
    }
    chosen = {"start": first.isoformat(), **({"site": site} if site else {})}
    page = render_template("coordinators/week.html", form=form, days=list(by_day.items()), steps=steps, shown=shown,
                           where=where, chosen=chosen, bad_page=bad_page)
    return page, 400 if bad_page else 200


def _tell_volunteers(places):
    """Their mails are in the outbox already, written with the cancellation; the worker sends them."""
    if places:
        flash(ngettext("%(num)d volunteer will be told by mail.", "%(num)d volunteers will be told by mail.",
                       len(places)), "logged")
