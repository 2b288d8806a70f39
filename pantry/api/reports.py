"""The API's reports: a site's open reports (kinds, how many people, when; never a note or a
photo), and a report sent by a program, with the same CSRF rules as a movement."""
import re
from datetime import timedelta

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from pantry import security
from pantry.api import bodies
from pantry.api.blueprint import bp, site_or_404
from pantry.api.caching import cached_json, uncached_json
from pantry.api.shapes import moment
from pantry.database import commit_write, utcnow
from pantry.extensions import db
from pantry.reports import listing, rules
from pantry.text import KEY_PATTERN

REPORT_FIELDS = ("key", "kind", "note")


@bp.get("/sites/<slug>/reports")
def site_reports(slug):
    site = site_or_404(slug)
    found = listing.open_reports(db.session, [site.id], utcnow(), listing.Ages.from_config(current_app.config))
    shown = found[site.id]
    payload = {"site": site.slug, "reports": [report(one.report, one.stale) for one in shown]}
    return cached_json(payload, max((one.report.last_reported_at for one in shown), default=None))


@bp.post("/sites/<slug>/reports")
@security.reports
def send_report(slug):
    site = site_or_404(slug)
    word = report_body(bodies.json_object(request))
    now, window = utcnow(), timedelta(hours=current_app.config["REPORT_MERGE_HOURS"])
    entry = commit_write(db.session, lambda: rules.report(db.session, site, word, now, window=window))
    return uncached_json({"report": report(entry.report, False)}, 201)


def report(found, stale):
    return {
        "kind": found.kind,
        "people": found.people,
        "first_reported_at": moment(found.first_reported_at),
        "last_reported_at": moment(found.last_reported_at),
        "may_be_out_of_date": stale,
    }


def report_body(payload):
    """A report's fields, or Invalid naming each field of the wrong type. Which kinds there are,
    how long a note may be and what it may not hold are the rule's to say."""
    problems = {}
    for name in payload:
        if name not in REPORT_FIELDS:
            problems[name] = [_l("This is not a field of a report.")]
    key, kind, note = payload.get("key"), payload.get("kind"), payload.get("note", "")
    if not isinstance(key, str) or not re.fullmatch(KEY_PATTERN, key):
        problems["key"] = [_l("Send an idempotency key of 8 to 64 letters, digits, - or _.")]
    if not isinstance(kind, str):
        problems["kind"] = [_l("Choose what is wrong from the list.")]
    if not isinstance(note, str):
        problems["note"] = [_l("Send the note as text, or leave it out.")]
    if problems:
        raise bodies.Invalid({name: [str(message) for message in messages] for name, messages in problems.items()})
    return rules.Word(kind, note.strip(), key, source="api")
