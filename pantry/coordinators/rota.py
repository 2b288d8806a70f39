"""A site's shifts screen and its weekly shift patterns: making, changing and ending one, and
telling the coordinator what that did to the shifts already made (rosters.py has the rest)."""
from datetime import time, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from pantry.clock import deployment_zone, local_today
from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, refuse, site_or_404
from pantry.coordinators.forms import EndPatternForm, PatternForm
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.shifts import listing
from pantry.shifts.errors import ShiftError
from pantry.shifts.models import ShiftPattern
from pantry.shifts.words import pattern_time, shift_time

UPCOMING_DAYS = 14  # how far ahead a site's shift screen lists shifts


@bp.get("/sites/<slug>/shifts")
@login_required
def site_shifts(slug):
    site = site_or_404(slug)
    now = utcnow()
    patterns = db.session.scalars(
        select(ShiftPattern).where(ShiftPattern.site_id == site.id).order_by(ShiftPattern.first_day, ShiftPattern.id)
    ).all()
    shifts = listing.upcoming(db.session, now, now + timedelta(days=UPCOMING_DAYS), [site.id])
    return render_template("coordinators/shifts.html", site=site, patterns=patterns, shifts=shifts,
                           today=local_today(now), days=UPCOMING_DAYS)


@bp.route("/sites/<slug>/patterns/new", methods=["GET", "POST"])
@login_required
def new_pattern(slug):
    return _save_pattern(site_or_404(slug), None)


@bp.route("/sites/<slug>/patterns/<int:pattern_id>", methods=["GET", "POST"])
@login_required
def pattern(slug, pattern_id):
    site = site_or_404(slug)
    return _save_pattern(site, _pattern_or_404(site, pattern_id))


@bp.post("/sites/<slug>/patterns/<int:pattern_id>/end")
@login_required
def end_pattern(slug, pattern_id):
    """No shifts after the chosen day: the later ones without sign-ups are cancelled."""
    site = site_or_404(slug)
    found = _pattern_or_404(site, pattern_id)
    end_form = EndPatternForm(prefix="end")
    if end_form.validate_on_submit():
        now, zone, last_day = utcnow(), deployment_zone(), end_form.last_day.data
        try:
            plan = commit_write(db.session, lambda: journaled.end_pattern(
                db.session, current_user, found, last_day, now, zone, weeks=current_app.config["SHIFT_WEEKS_AHEAD"]))
        except ShiftError as error:
            error.field = "last_day"
            refuse(error, end_form)
        else:
            _tell_plan(plan, _("Ended the pattern after %(day)s.", day=format_date(last_day, "EEE d MMM yyyy")))
            return redirect(url_for("coordinators.site_shifts", slug=site.slug), 303)
    form = PatternForm(formdata=None, data=_pattern_data(found))
    return _pattern_page(site, found, form, end_form, 422)


@bp.context_processor
def _shift_times():
    return {"shift_time": shift_time, "pattern_time": pattern_time}


def _save_pattern(site, pattern):
    """The pattern form: on a good save, its shifts are brought in line and the coordinator is told."""
    form = PatternForm() if request.method == "POST" else PatternForm(data=_pattern_data(pattern))
    status = 200
    if form.validate_on_submit():
        now, zone, fields = utcnow(), deployment_zone(), form.pattern_fields()
        try:
            weeks = current_app.config["SHIFT_WEEKS_AHEAD"]
            plan = commit_write(db.session, lambda: journaled.save_pattern(
                db.session, current_user, site, now, zone, pattern=pattern, weeks=weeks, **fields))
        except ShiftError as error:
            refuse(error, form)
            status = 422
        else:
            _tell_plan(plan, _("Saved the pattern."))
            return redirect(url_for("coordinators.site_shifts", slug=site.slug), 303)
    if form.errors:
        status = 422
    end_form = EndPatternForm(formdata=None, prefix="end", data={"last_day": local_today(utcnow())})
    return _pattern_page(site, pattern, form, end_form, status)


def _pattern_page(site, pattern, form, end_form, status):
    return render_template("coordinators/pattern_form.html", site=site, pattern=pattern, form=form,
                           end_form=end_form), status


def _tell_plan(plan, done):
    """What saving did: shifts made and changed, and the ones with people that were left as they were."""
    made = ngettext("%(num)d shift made", "%(num)d shifts made", plan.made)
    changed = ngettext("%(num)d shift changed", "%(num)d shifts changed", plan.changed)
    flash(_("%(done)s %(made)s, %(changed)s.", done=done, made=made, changed=changed), "logged")
    if plan.left_alone:
        shifts = ", ".join(
            format_datetime(shift.starts_at, "EEE d MMM HH:mm") + " "
            + ngettext("(%(num)d person)", "(%(num)d people)", shift.taken)
            for shift in sorted(plan.left_alone, key=lambda shift: shift.starts_at)
        )
        flash(_("Left alone because people signed up: %(shifts)s. Tell them about the change, "
                "or cancel those shifts from their rosters.", shifts=shifts), "warning")


def _pattern_or_404(site, pattern_id):
    return db.one_or_404(select(ShiftPattern).where(ShiftPattern.id == pattern_id, ShiftPattern.site_id == site.id))


def _pattern_data(pattern):
    if pattern is None:
        return {"kind": "cleaning", "weekdays": [], "starts_at": time(9), "ends_at": time(9, 30),
                "capacity": 2, "first_day": local_today(utcnow())}
    return {
        "kind": pattern.kind, "weekdays": [bit for bit in range(7) if pattern.weekdays >> bit & 1],
        "starts_at": pattern.starts_at, "ends_at": pattern.ends_at, "capacity": pattern.capacity,
        "first_day": pattern.first_day, "last_day": pattern.last_day,
    }
