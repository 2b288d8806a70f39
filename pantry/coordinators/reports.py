"""Reports as coordinators see them: every open report in the network with its history and
photos, a site's reports, a close with a reason or "not true", and the photos themselves
(served only here, never on a public page or in the API)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import undefer

from pantry import journal
from pantry.coordinators.blueprint import bp, refuse, site_or_404, who
from pantry.coordinators.paging import requested
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.reports import listing, rules
from pantry.reports.errors import AlreadyClosed, ReportRefused, UnknownReport
from pantry.reports.forms import CloseForm
from pantry.reports.models import ReportPhoto

LARGEST_ID = rules.LARGEST_ID
REPORTS_SHOWN = 30  # open reports to a page


def open_report_count():
    return listing.open_count(db.session)


@bp.get("/reports")
@login_required
def reports():
    """The network's open reports, the latest first, a page at a time."""
    where, bad_page = requested(request.args)
    found = listing.network_open(db.session, utcnow(), _ages(), where, REPORTS_SHOWN)
    page = render_template("coordinators/reports.html", shown=found, form=CloseForm(formdata=None), where=where,
                           bad_page=bad_page)
    return page, 400 if bad_page else 200


@bp.get("/sites/<slug>/reports")
@login_required
def site_reports(slug):
    site = site_or_404(slug)
    found = listing.site_history(db.session, site.id, utcnow(), _ages())
    return render_template("coordinators/site_reports.html", site=site, shown=found, form=CloseForm(formdata=None))


@bp.post("/reports/<int:report_id>/close")
@login_required
def close_report(report_id):
    return _close(report_id, not_true=False)


@bp.post("/reports/<int:report_id>/not-true")
@login_required
def mark_not_true(report_id):
    return _close(report_id, not_true=True)


@bp.get("/reports/photos/<int:photo_id>")
@login_required
def report_photo(photo_id):
    photo = db.session.get(ReportPhoto, photo_id, options=[undefer(ReportPhoto.data)]) \
        if photo_id <= LARGEST_ID else None
    if photo is None:
        abort(404)
    response = current_app.response_class(photo.data, mimetype=photo.media_type)
    response.headers["Content-Disposition"] = f'inline; filename="report-photo-{photo.id}.webp"'
    return response


def _close(report_id, not_true):
    form = CloseForm()
    back = _back()
    if not form.validate():
        flash(_("That could not be closed: reload the page and try again."), "error")
        return redirect(back, 303)
    now = utcnow()
    try:
        closed = commit_write(db.session, lambda: close_journaled(
            db.session, current_user, report_id, form.reason.data or "", form.key.data, now, not_true))
    except (ReportRefused, AlreadyClosed, UnknownReport) as error:
        refuse(error)
        return redirect(back, 303)
    flash(_("%(report)s at %(site)s: %(closed)s.", report=closed.reported_label, site=closed.site.name,
            closed=closed.closed_label), "logged")
    return redirect(back, 303)


def close_journaled(session, coordinator, report_id, reason, key, now, not_true):
    """The report rule's close, and the journal line that tells of it (none for a replayed key)."""
    closed = rules.close(session, report_id, reason, who(), key, now, not_true=not_true)
    if closed.closed_at == now:
        journal.record(session, coordinator, "report.not_true" if not_true else "report.closed",
                       f"{closed.reported_label} · {closed.site.name}", {"closed_how": None},
                       {"closed_how": closed.closed_how, "closed_reason": closed.closed_reason}, now, site=closed.site)
    return closed


def _back():
    """The screen the close came from: a site's reports, or the network's."""
    slug = request.form.get("back", "")
    if slug:
        return url_for("coordinators.site_reports", slug=site_or_404(slug).slug)
    return url_for("coordinators.reports")


def _ages():
    return listing.Ages.from_config(current_app.config)
