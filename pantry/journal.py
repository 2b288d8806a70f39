"""The journal: one append-only line for every coordinator action, who, when, what, before and after.

It is ground floor: any area may write to it, in the same transaction as the change it tells of.
Two guards keep it honest. A session marked `require(session)` (every coordinator request) cannot
commit a change without a journal line; and no session can update or delete a line (the database
refuses too, with triggers, for whatever goes around the ORM)."""
import json
from datetime import date, datetime, time

from sqlalchemy import DDL, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from pantry.database import UTCDateTime
from pantry.extensions import db

REQUIRED, CHANGED, LINES = "journal_required", "journal_changed", "journal_lines"
WHO_MAX, ACTION_MAX, SUBJECT_MAX = 254, 40, 200
# What a journal line need not tell of: where a coordinator is signed in (their own sessions list).
UNTOLD_TABLES = {"journal_entry", "coordinator_session"}


class JournalEntry(db.Model):
    __table_args__ = (Index("ix_journal_entry_time", "at", "id"),)  # newest first, a page at a time

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("coordinator.id"), index=True)
    who: Mapped[str] = mapped_column(String(WHO_MAX))  # their name then: names change, the journal does not
    action: Mapped[str] = mapped_column(String(ACTION_MAX))
    kind: Mapped[str] = mapped_column(String(20), index=True)  # what the action is about: site, label, review...
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX), default="")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    before: Mapped[str] = mapped_column(Text, default="{}")
    after: Mapped[str] = mapped_column(Text, default="{}")

    @property
    def before_values(self):
        return json.loads(self.before)

    @property
    def after_values(self):
        return json.loads(self.after)


# The database refuses too. SQLite refuses updates only: emptying a whole test database deletes.
APPEND_ONLY = [
    DDL("CREATE TRIGGER journal_entry_no_update BEFORE UPDATE ON journal_entry "
        "BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END").execute_if(dialect="sqlite"),
    DDL("CREATE OR REPLACE FUNCTION journal_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'the journal is append-only'; END $$").execute_if(dialect="postgresql"),
    DDL("CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry "
        "FOR EACH ROW EXECUTE FUNCTION journal_entry_append_only()").execute_if(dialect="postgresql"),
]
for _statement in APPEND_ONLY:
    event.listen(JournalEntry.__table__, "after_create", _statement)


class JournalIsAppendOnly(RuntimeError):
    """Code tried to change or remove a journal line: a bug, never a person's mistake."""


class UnjournaledChange(RuntimeError):
    """A coordinator's change reached commit without its journal line: a bug, never a person's mistake."""


def record(session, coordinator, action, subject, before, after, now, site=None):
    """Write one journal line. `coordinator` is who acted (None: Pantry itself, a command or its clock); `before` and
    `after` are dicts of what changed (see `snapshot`). Only flushes."""
    entry = JournalEntry(
        at=now, coordinator_id=getattr(coordinator, "id", None),
        who=(getattr(coordinator, "display_name", None) or "Pantry")[:WHO_MAX],
        action=action[:ACTION_MAX], kind=action.partition(".")[0], subject=(subject or "")[:SUBJECT_MAX],
        site_id=getattr(site, "id", site), before=_dump(before), after=_dump(after),
    )
    session.add(entry)
    session.flush()
    return entry


def record_change(session, coordinator, action, subject, before, after, now, site=None):
    """Write a line with only the values that differ; none when nothing did."""
    names = [name for name in after if before.get(name) != after[name]]
    if not names:
        return None
    return record(session, coordinator, action, subject, {name: before.get(name) for name in names},
                  {name: after[name] for name in names}, now, site=site)


def snapshot(thing, *names):
    """The named attributes of `thing`, as values a journal line can keep."""
    return {name: _plain(getattr(thing, name)) for name in names}


def changed(session):
    """Whether this transaction has changed anything the journal should tell of (so far)."""
    session.flush()
    return bool(session.info.get(CHANGED))


def require(session):
    """From now on, this session commits no change without a journal line."""
    session.info[REQUIRED] = True


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _dump(values):
    return json.dumps(values or {}, ensure_ascii=False, sort_keys=True, default=str)


@event.listens_for(Session, "before_flush")
def _watch_flush(session, flush_context, instances):
    for thing in list(session.dirty) + list(session.deleted):
        if isinstance(thing, JournalEntry):
            raise JournalIsAppendOnly(f"journal line {thing.id} cannot be changed or removed")
    told = [thing for thing in session.new if isinstance(thing, JournalEntry)]
    session.info[LINES] = session.info.get(LINES, 0) + len(told)
    touched = list(session.new) + list(session.deleted) + [
        thing for thing in session.dirty if session.is_modified(thing)]
    if any(thing.__table__.name not in UNTOLD_TABLES for thing in touched if hasattr(thing, "__table__")):
        session.info[CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _watch_statements(state):
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name == "journal_entry" and not state.is_insert:
        raise JournalIsAppendOnly("journal lines cannot be changed or removed")
    if name in UNTOLD_TABLES:
        return
    result = state.invoke_statement()
    # A conditional UPDATE or DELETE that matched nothing changed nothing (a retry of a message
    # already sent, say): it needs no journal line.
    if state.is_insert or getattr(result, "rowcount", None) != 0:
        state.session.info[CHANGED] = True
    return result


@event.listens_for(Session, "before_commit")
def _journal_or_nothing(session):
    session.flush()
    if session.info.get(REQUIRED) and session.info.get(CHANGED) and not session.info.get(LINES):
        raise UnjournaledChange("a coordinator's change is about to commit without its journal line")


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _start_afresh(session):
    session.info.pop(CHANGED, None)
    session.info.pop(LINES, None)
