"""The report rules: a neighbour's report merges into the open report of its kind at the site,
what fixes the problem closes it, and a coordinator may close one or mark it not true.

Several phones reporting the same thing at once stay one report: the open report of a kind
is unique at its site (a partial unique index), made with INSERT ... ON CONFLICT DO NOTHING
and counted with `people = people + 1` (on SQLite under BEGIN IMMEDIATE, on PostgreSQL the
insert waits on the twin's row and the update on its lock). Rules only flush."""
import hashlib
import re
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pantry import outbox
from pantry.reports.errors import (
    AlreadyClosed,
    NoteHasContact,
    NoteTooLong,
    ReasonTooLong,
    ReportConflict,
    UnknownKind,
    UnknownReport,
)
from pantry.reports.models import KINDS, REPORTED, Report, ReportEntry, ReportPhoto

NOTE_LENGTH = 280
REASON_LENGTH = 200
LARGEST_ID = 2**31 - 1
# What fixes what: the event a care or stock rule announces, and the kinds it closes.
FIXES = {
    "cleaned": ("dirty", "unwanted"),
    "reading": ("not_cold",),
    "restocked": ("empty",),
    "counted": ("full",),
}
EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# A phone number: seven digits or more, with spaces, dots, dashes or brackets between them.
PHONE = re.compile(r"\+?\(?\d(?:[\s().-]{0,3}\d){6,}")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Word:
    """What one person sent: the kind, a note, the form's key; a photo already prepared
    (pantry.reports.photos), or None."""

    kind: str
    note: str
    key: str
    photo: object = None
    source: str = "form"

    def digest(self, site_id):
        photo = hashlib.sha256(self.photo.data).hexdigest() if self.photo is not None else ""
        return hashlib.sha256(repr((site_id, self.kind, self.note, photo)).encode()).hexdigest()


def has_contact(note):
    """Whether a note holds an email address or a phone number (a date is not one)."""
    if EMAIL.search(note):
        return True
    return any(not ISO_DAY.match(found.group().strip()) for found in PHONE.finditer(note))


def check(word):
    if word.kind not in KINDS:
        raise UnknownKind()
    if len(word.note) > NOTE_LENGTH:
        raise NoteTooLong()
    if has_contact(word.note):
        raise NoteHasContact()


def report(session, site, word, now, *, window):
    """Add one person's word to the open report of its kind at `site`, opening it if there is
    none, or if the open one was last reported longer than `window` ago (that one lapses).
    Returns the ReportEntry. The same key again returns the first entry; the same key with
    other details is refused (ReportConflict)."""
    check(word)
    digest = word.digest(site.id)
    earlier = session.scalar(select(ReportEntry).where(ReportEntry.idempotency_key == word.key))
    if earlier is not None:
        if earlier.payload_digest != digest:
            raise ReportConflict()
        return earlier
    report_id, opened = _join(session, site.id, word.kind, now, window)
    entry = ReportEntry(report_id=report_id, note=word.note, idempotency_key=word.key,
                        payload_digest=digest, source=word.source, created_at=now)
    session.add(entry)
    if word.photo is not None:
        photo = word.photo
        entry.photo = ReportPhoto(media_type=photo.media_type, width=photo.width, height=photo.height,
                                  data=photo.data, created_at=now)
    session.flush()
    if opened:  # a second phone's word joins the report: its followers were told once
        outbox.announce(session, site, "reports", {"kind": word.kind, "path": f"/sites/{site.slug}#reports"}, now,
                        key=f"report:{report_id}", coordinators=True)
    return entry


def _join(session, site_id, kind, now, window):
    """The id of the open report of `kind` at the site, counted one person more, and whether
    this word opened it (the open one last reported over `window` ago lapses first)."""
    open_of_kind = (Report.site_id == site_id, Report.kind == kind, Report.closed_at.is_(None))
    session.execute(
        update(Report).where(*open_of_kind, Report.last_reported_at < now - window)
        .values(closed_at=now, closed_how="lapsed").execution_options(synchronize_session=False)
    )
    insert_or_skip = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    opened = session.execute(
        insert_or_skip(Report)
        .values(site_id=site_id, kind=kind, people=0, first_reported_at=now, last_reported_at=now)
        .on_conflict_do_nothing(index_elements=["site_id", "kind"], index_where=Report.closed_at.is_(None))
        .returning(Report.id)
    ).first() is not None
    report_id = session.execute(
        update(Report).where(*open_of_kind)
        .values(people=Report.people + 1,
                last_reported_at=case((Report.last_reported_at < now, now), else_=Report.last_reported_at))
        .returning(Report.id).execution_options(synchronize_session=False)
    ).scalar_one()
    return report_id, opened


@outbox.headline("reports")
def _headline(site, payload):
    """Followers, phones and group chats hear the kind of problem, never the note or the photo."""
    return _("%(site)s: %(reported)s", site=site, reported=REPORTED.get(payload.get("kind"), REPORTED["other"]))


def close_fixed(session, site_id, fix, now):
    """Close the site's open reports that `fix` puts right (a key of FIXES). Returns how many."""
    return session.execute(_closing(fix), {"site": site_id, "now": now}).rowcount


@cache
def _closing(fix):
    """The UPDATE that closes the open reports of :site that `fix` puts right, at :now; made once
    per fix (every take and restock sends it)."""
    return (
        update(Report)
        .where(Report.site_id == bindparam("site"), Report.kind.in_(FIXES[fix]), Report.closed_at.is_(None))
        .values(closed_at=bindparam("now", type_=Report.closed_at.type), closed_how=fix)
        .execution_options(synchronize_session=False)
    )


def close(session, report_id, reason, who, key, now, *, not_true=False):
    """A coordinator closes a report with a short reason, or marks it not true (which hides it
    from every public page). The same key again answers like the first time."""
    reason = reason.strip()
    if len(reason) > REASON_LENGTH:
        raise ReasonTooLong()
    found = session.get(Report, report_id) if 1 <= report_id <= LARGEST_ID else None
    if found is None:
        raise UnknownReport()
    if found.close_key == key:
        return found
    result = session.execute(
        update(Report).where(Report.id == report_id, Report.closed_at.is_(None))
        .values(closed_at=now, closed_how="not_true" if not_true else "coordinator",
                closed_reason=reason, closed_by=who, close_key=key)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyClosed()
    session.refresh(found)
    return found


def purge_photos(session, now, after):
    """Delete the photos that came longer than `after` ago; their reports and notes stay.
    Returns how many went. Running it again deletes nothing more."""
    result = session.execute(delete(ReportPhoto).where(ReportPhoto.created_at < now - after))
    return result.rowcount
