"""Who cleans when: a site's weekly shift patterns, one-off shifts, cancelling a shift (its
volunteers are told by mail), and the rosters, per shift and per week, with contact details."""
import logging
import smtplib
from datetime import UTC, datetime, time, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, format_datetime, gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from pantry import mail
from pantry.clock import deployment_zone
from pantry.coordinators import journaled
from pantry.coordinators.blueprint import bp, refuse, site_or_404
from pantry.coordinators.forms import ButtonForm, EndPatternForm, OneOffShiftForm, PatternForm, WeekForm
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.shifts import listing
from pantry.shifts.errors import ShiftError, ShiftInThePast
from pantry.shifts.models import Shift, ShiftPattern
from pantry.sites.models import Site

logger = logging.getLogger(__name__)
UPCOMING_DAYS = 14  # how far ahead a site's shift screen lists shifts
WEEK_DAYS = 7


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
                           today=now.astimezone(deployment_zone()).date(), days=UPCOMING_DAYS)


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


@bp.route("/sites/<slug>/shifts/new", methods=["GET", "POST"])
@login_required
def new_shift(slug):
    """A shift outside any pattern: a deep clean, an extra restock run."""
    site = site_or_404(slug)
    form = OneOffShiftForm()
    if request.method == "GET":
        form.day.data = utcnow().astimezone(deployment_zone()).date() + timedelta(days=1)
    if form.validate_on_submit():
        now, zone, data = utcnow(), deployment_zone(), form.data
        try:
            shift = commit_write(db.session, lambda: journaled.add_shift(
                db.session, current_user, site, data["kind"], data["day"], data["starts_at"], data["ends_at"], data["capacity"],
                now, zone))
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
    _tell_volunteers(shift, [place for place in told if place.email])
    return back


@bp.get("/rota")
@login_required
def week():
    """Seven days of shifts from a chosen day, at every site or one, with contact details."""
    form = WeekForm(request.args)
    sites = db.session.scalars(select(Site).order_by(Site.name)).all()
    form.site.choices = [SelectChoice("", _("All sites"))] + [SelectChoice(site.slug, site.name) for site in sites]
    zone = deployment_zone()
    first = utcnow().astimezone(zone).date()
    if not form.validate():
        return render_template("coordinators/week.html", form=form, days=[], steps={}), 422
    first = form.start.data = form.start.data or first
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(first + timedelta(days=WEEK_DAYS), time.min, tzinfo=zone).astimezone(UTC)
    query = (
        select(Shift)
        .where(Shift.starts_at >= start, Shift.starts_at < end)
        .options(selectinload(Shift.sign_ups))
        .order_by(Shift.starts_at, Shift.id)
    )
    if form.site.data:
        query = query.join(Site, Shift.site_id == Site.id).where(Site.slug == form.site.data)
    by_day = {first + timedelta(days=offset): [] for offset in range(WEEK_DAYS)}
    for shift in db.session.scalars(query):
        by_day[shift.starts_at.astimezone(zone).date()].append(shift)
    steps = {
        "earlier": {"start": (first - timedelta(days=WEEK_DAYS)).isoformat(), "site": form.site.data or None},
        "later": {"start": (first + timedelta(days=WEEK_DAYS)).isoformat(), "site": form.site.data or None},
    }
    return render_template("coordinators/week.html", form=form, days=list(by_day.items()), steps=steps)


@bp.context_processor
def _shift_times():
    return {"shift_time": shift_time, "pattern_time": pattern_time}


def shift_time(shift):
    """ "Mon 23 Nov, 09:00–09:30" in the deployment's time zone."""
    return format_datetime(shift.starts_at, "EEE d MMM, HH:mm") + "–" + format_datetime(shift.ends_at, "HH:mm")


def pattern_time(pattern):
    """ "Mon, Wed, Fri 09:00–09:30": a pattern's times are wall-clock times already."""
    days = ", ".join(pattern.weekday_labels)
    return f"{days} {pattern.starts_at:%H:%M}–{pattern.ends_at:%H:%M}"


def shift_words(shift):
    """ "Cleaning at Corner Fridge, Mon 23 Nov 09:00", in the current language and the deployment's zone."""
    return _("%(kind)s at %(site)s, %(when)s", kind=shift.kind_label, site=shift.site.name,
             when=format_datetime(shift.starts_at, "EEE d MMM HH:mm"))


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
    end_form = EndPatternForm(formdata=None, prefix="end", data={"last_day": _local_today()})
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


def _tell_volunteers(shift, places):
    """Mail each volunteer who gave an address, in their language. A failed mail is said, never raised."""
    if not places:
        return
    config = current_app.config
    messages = []
    for place in places:
        with force_locale(place.language if place.language in config["LANGUAGES"] else
                          config["BABEL_DEFAULT_LOCALE"]):
            body = _(
                "Hello %(name)s,\n\n"
                "The shift you signed up for is cancelled: %(shift)s. You do not need to come.\n\n"
                "Thank you for offering your time. Other shifts that need people:\n%(link)s\n",
                name=place.first_name, shift=shift_words(shift), link=f"{config['BASE_URL']}/shifts",
            )
            subject = _("Cancelled: %(shift)s", shift=shift_words(shift))
            messages.append(mail.compose(config, place.email, subject, body))
    try:
        mail.send(config, messages)
    except (smtplib.SMTPException, OSError):
        logger.exception("could not mail the volunteers of cancelled shift %s", shift.id)
        flash(_("The mail to its volunteers could not be sent. Please tell them yourself: "
                "their contact details are below."), "error")
    else:
        flash(ngettext("%(num)d volunteer was told by mail.", "%(num)d volunteers were told by mail.",
                       len(messages)), "logged")


def _pattern_or_404(site, pattern_id):
    return db.one_or_404(select(ShiftPattern).where(ShiftPattern.id == pattern_id, ShiftPattern.site_id == site.id))


def _pattern_data(pattern):
    if pattern is None:
        return {"kind": "cleaning", "weekdays": [], "starts_at": time(9), "ends_at": time(9, 30),
                "capacity": 2, "first_day": _local_today()}
    return {
        "kind": pattern.kind, "weekdays": [bit for bit in range(7) if pattern.weekdays >> bit & 1],
        "starts_at": pattern.starts_at, "ends_at": pattern.ends_at, "capacity": pattern.capacity,
        "first_day": pattern.first_day, "last_day": pattern.last_day,
    }


def _local_today():
    return utcnow().astimezone(deployment_zone()).date()
