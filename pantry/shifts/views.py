"""Shift pages for volunteers: find a shift, sign up without an account, cancel by private link."""
import uuid
from datetime import timedelta
from itertools import groupby

from babel.lists import format_list
from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import format_time, get_locale, gettext as _, ngettext
from markupsafe import Markup

from pantry import security, seek
from pantry.clock import deployment_zone, local_day, local_today
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.formats import long_day
from pantry.shifts import calendars, listing, notices, signups
from pantry.shifts.errors import ShiftError, ShiftOver, TooLateToCancel, UnknownSignUp
from pantry.shifts.forms import CancelForm, SignUpForm
from pantry.shifts.models import Shift
from pantry.sites import nearest
from pantry.sites.lookup import by_slug

bp = Blueprint("shifts", __name__, template_folder="templates")
NETWORK_DAYS = listing.NETWORK_DAYS
SHIFTS_SHOWN = 20  # open shifts on a page of /shifts: the page weighs what it shows, not the network
SITE_DAYS = 28  # a site's shift page looks this far ahead
FEED_KEEPS_CANCELLED_DAYS = 14  # so subscribed calendars see a cancellation
CALENDAR = "text/calendar; charset=utf-8"
LARGEST_ID = 2**31 - 1  # a larger number in the address is a page not found, not a database error


@bp.get("/shifts")
def needing():
    """A page of the open shifts, soonest first, in the network or one neighbourhood (?near=), with
    links to the pages before and after. A bad page link or neighbourhood shows the first page, 400."""
    now, places = utcnow(), nearest.neighbourhoods(db.session)
    where, bad_page = seek.requested(request.args)
    near = request.args.get("near", "")
    unknown_place = bool(near) and near not in places
    near = "" if unknown_place else near
    shown = listing.open_page(db.session, now, now + timedelta(days=NETWORK_DAYS), _cutoff(), where, SHIFTS_SHOWN,
                              near)
    page = render_template("shifts/needing.html", shown=shown, where=where, bad_page=bad_page, places=places,
                           near=near, unknown_place=unknown_place, **_listed(shown.rows, now))
    return page, 400 if bad_page or unknown_place else 200


@bp.get("/sites/<slug>/shifts")
def site(slug):
    site = _site(slug)
    now = utcnow()
    shifts = listing.upcoming(db.session, now, now + timedelta(days=SITE_DAYS), site_ids=[site.id])
    feed_url = _base_url() + url_for("shifts.feed", slug=site.slug)
    return render_template(
        "shifts/site.html", site=site, feed_url=feed_url, webcal_url="webcal://" + feed_url.split("://", 1)[1],
        **_listed(shifts, now),
    )


@bp.get("/sites/<slug>/shifts.ics")
def feed(slug):
    site = _site(slug)
    now = utcnow()
    shifts = listing.feed(db.session, site.id, now, now - timedelta(days=FEED_KEEPS_CANCELLED_DAYS))
    body = calendars.site_feed(site, shifts, deployment_zone(), _base_url(), now)
    response = make_response(body)
    response.headers["Content-Type"] = CALENDAR
    response.headers["Content-Disposition"] = 'inline; filename="shifts.ics"'
    return response


@bp.get(f"/shifts/<int(max={LARGEST_ID}):shift_id>")
def shift(shift_id):
    return _shift_page(db.get_or_404(Shift, shift_id), SignUpForm(formdata=None))


@bp.post(f"/shifts/<int(max={LARGEST_ID}):shift_id>/sign-up")
@security.sign_ups
def sign_up(shift_id):
    shift = db.get_or_404(Shift, shift_id)
    form = SignUpForm()
    if not form.validate():
        return _shift_page(shift, form, status=422)
    key, now = form.key.data, utcnow()
    token = signups.manage_token(current_app.secret_key, key)
    try:
        place = commit_write(db.session, lambda: signups.sign_up(
            db.session, shift_id, form.name.data, form.email.data or None, form.phone.data or None,
            form.show_name.data, key, token, now, cutoff=_cutoff(), language=str(get_locale()),
        ))
    except ShiftError as refusal:
        db.session.rollback()
        return _shift_page(db.get_or_404(Shift, shift_id), form, refusal=refusal, status=refusal.status)
    if place.created_at == now:  # made by this request, not a replay
        link = signups.manage_url(_base_url(), token)
        notices.mail_earlier_places(db.session, current_app.config, place, form.email.data, link)
    # The same form sent again replays: the same key gives the same token, so the same page.
    return redirect(url_for("shifts.manage", token=token), 303)


@bp.get("/sign-ups/<token>")
@security.private_links
def manage(token):
    return _manage_page(signups.find_sign_up(db.session, token, utcnow()), token)


@bp.post("/sign-ups/<token>/cancel")
@security.private_links
def cancel(token):
    if not CancelForm().validate():  # its CSRF token; CSRFProtect has already refused most
        abort(400)
    notice, now = _cancel_notice(), utcnow()
    try:
        commit_write(db.session, lambda: signups.cancel_sign_up(db.session, token, now, notice=notice))
    except TooLateToCancel as refusal:
        db.session.rollback()
        place = signups.find_sign_up(db.session, token, now)
        return _manage_page(place, token, refusal=refusal, status=refusal.status)
    return redirect(url_for("shifts.manage", token=token), 303)


@bp.get("/sign-ups/<token>/shift.ics")
@security.private_links
def sign_up_calendar(token):
    now = utcnow()
    place = signups.find_sign_up(db.session, token, now)
    body = calendars.sign_up_calendar(
        place, deployment_zone(), _base_url(), signups.manage_url(_base_url(), token), now
    )
    response = make_response(body)
    response.headers["Content-Type"] = CALENDAR
    response.headers["Content-Disposition"] = f'attachment; filename="shift-{place.shift.day.isoformat()}.ics"'
    return _private(response)


@bp.errorhandler(UnknownSignUp)
@bp.errorhandler(ShiftOver)
def link_gone(error):
    db.session.rollback()
    page = render_template("shifts/link_gone.html", message=error.message, over=isinstance(error, ShiftOver))
    return _private(make_response(page, error.status))


@bp.context_processor
def shift_words():
    return {
        "shift_hours": shift_hours, "places_taken": places_taken, "listed": listed,
        "day_label": day_label, "moment_label": moment_label, "breakable": breakable,
    }


def breakable(text, every=10):
    """A long link shown in full: it may wrap every few characters on a narrow phone."""
    return Markup("<wbr>").join(text[start:start + every] for start in range(0, len(text), every))


def shift_hours(shift):
    start, end = format_time(shift.starts_at, "short"), format_time(shift.ends_at, "short")
    return _("%(start)s to %(end)s", start=start, end=end)


def places_taken(shift):
    return ngettext(
        "%(taken)d of %(num)d place taken", "%(taken)d of %(num)d places taken", shift.capacity, taken=shift.taken
    )


def listed(names):
    return format_list(names, locale=get_locale())


def day_label(day):
    near = {0: _("Today"), 1: _("Tomorrow")}
    return near.get((day - local_today()).days) or long_day(day)


def moment_label(moment):
    """'tomorrow at 7:00 AM', for the middle of a sentence."""
    day, today, time = local_day(moment), local_today(), format_time(moment, "short")
    if day == today:
        return _("today at %(time)s", time=time)
    if day == today + timedelta(days=1):
        return _("tomorrow at %(time)s", time=time)
    return _("%(day)s at %(time)s", day=long_day(day), time=time)


def _listed(shifts, now):
    """What a list of shift cards shows: the days, the names, and which shifts take sign-ups."""
    return {
        "days": _by_day(shifts), "now": now,
        "names": listing.shown_names(db.session, [shift.id for shift in shifts]),
        "open_ids": {shift.id for shift in shifts if _state(shift, now) == "open"},
    }


def _by_day(shifts):
    """[(local day, [shifts])], in the order given (the shifts come soonest first)."""
    zone = deployment_zone()
    return [(day, list(group)) for day, group in groupby(shifts, key=lambda s: local_day(s.starts_at, zone))]


def _shift_page(shift, form, refusal=None, status=200):
    now = utcnow()
    form.key.data = uuid.uuid4().hex  # made per page, so a page from the back button is a new form
    page = render_template(
        "shifts/shift.html", shift=shift, form=form, refusal=refusal, state=_state(shift, now),
        local_day=local_day(shift.starts_at),
        names=listing.shown_names(db.session, [shift.id])[shift.id],
    )
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _state(shift, now):
    return listing.state(shift, now, _cutoff())


def _cutoff():
    return timedelta(minutes=current_app.config["SIGN_UP_CUTOFF_MINUTES"])


def _cancel_notice():
    return timedelta(hours=current_app.config["CANCEL_NOTICE_HOURS"])


def _manage_page(place, token, refusal=None, status=200):
    now = utcnow()
    shift = place.shift
    cancel_until = signups.cancel_deadline(shift, _cancel_notice())
    page = render_template(
        "shifts/sign_up.html", place=place, shift=shift, token=token, refusal=refusal,
        live=place.cancelled_at is None and not shift.cancelled,
        can_cancel=now <= cancel_until, cancel_until=cancel_until, can_sign_up_again=_state(shift, now) == "open",
        local_day=local_day(shift.starts_at),
        manage_link=signups.manage_url(_base_url(), token),
    )
    return _private(make_response(page, status))


def _private(response):
    """A page or file reached by a private link: never kept by a cache or a search engine.
    The referrer stays same-origin (not no-referrer): the cancel form's CSRF check needs it."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _site(slug):
    return by_slug(db.session, slug) or abort(404)


def _base_url():
    return current_app.config["BASE_URL"]
