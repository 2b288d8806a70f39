"""The report form, from the scan page and the site's page: no sign-in, a plain multipart form
that works without JavaScript, a photo straight from the phone's camera."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from werkzeug.exceptions import RequestEntityTooLarge

from pantry import security
from pantry.database import commit_write, utcnow
from pantry.errors import error_response, wants_json
from pantry.extensions import db
from pantry.reports import photos, rules
from pantry.reports.errors import ReportRefused
from pantry.reports.forms import ReportForm
from pantry.sites.lookup import by_slug

bp = Blueprint("reports", __name__, template_folder="templates")


@bp.get("/sites/<slug>/report")
def new(slug):
    site = _site_or_404(slug)
    return _form_page(site, ReportForm(formdata=None, kind=request.args.get("kind")))


@bp.post("/sites/<slug>/report")
@security.body_limit("REPORT_UPLOAD_MAX_BYTES")
@security.reports
def send(slug):
    site = _site_or_404(slug)
    form = ReportForm()
    if not form.validate():
        return _form_page(site, form, 422)
    try:
        word = rules.Word(form.kind.data, form.note.data or "", form.key.data, _photo(form.photo.data))
        now, window = utcnow(), timedelta(hours=current_app.config["REPORT_MERGE_HOURS"])
        entry = commit_write(db.session, lambda: rules.report(db.session, site, word, now, window=window))
    except ReportRefused as error:
        db.session.rollback()
        form[error.field or "kind"].errors.append(error.message)
        return _form_page(site, form, error.status)
    if wants_json():
        return jsonify(report=reported_json(entry.report), message=_thanks(entry.report)), 201
    flash(_thanks(entry.report), "logged")
    return redirect(url_for("public.site", slug=site.slug, _anchor="reports"), 303)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    megabytes = current_app.config["REPORT_UPLOAD_MAX_BYTES"] // (1024 * 1024)
    message = _("That photo is over %(megabytes)d MB, so nothing was sent. Send the report again with a "
                "smaller photo, or without one.", megabytes=megabytes)
    return error_response(413, "request_entity_too_large", message)


def _photo(upload):
    """The photo prepared to keep (before the write begins: decoding takes a while), or None."""
    raw = upload.read() if upload else b""
    if not raw:
        return None
    config = current_app.config
    limits = photos.Limits(config["REPORT_PHOTO_MAX_PIXELS"], config["REPORT_PHOTO_SIDE"],
                           config["REPORT_PHOTO_MAX_BYTES"])
    return photos.prepare(raw, limits)


def _thanks(report):
    if report.people == 1:
        return _("Thank you. %(reported)s: you are the first to say so.", reported=report.reported_label)
    return ngettext(
        "Thank you. %(reported)s: %(num)d person has said so.",
        "Thank you. %(reported)s: %(num)d people have said so.",
        report.people, reported=report.reported_label,
    )


def reported_json(report):
    """What a JSON caller learns of the report it joined: never another person's note or photo."""
    return {"kind": report.kind, "people": report.people,
            "first_reported_at": report.first_reported_at.isoformat(),
            "last_reported_at": report.last_reported_at.isoformat()}


def _site_or_404(slug):
    return by_slug(db.session, slug) or abort(404)


def _form_page(site, form, status=200):
    if status >= 400 and wants_json():  # the phone's outbox sent it: each field's problem, in words
        fields = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        return jsonify(code="invalid", message=_("Nothing was sent: please check the report."), fields=fields), status
    page = render_template("reports/new.html", site=site, form=form, note_length=rules.NOTE_LENGTH)
    # Keys are made per page: a page from the back button must not resend an old one.
    return page, status, {"Cache-Control": "no-store"}
