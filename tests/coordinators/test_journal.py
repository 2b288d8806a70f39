"""The journal: each coordinator action writes its line in the same transaction, a change without
its line cannot commit, lines cannot be changed or removed, and every coordinator reads them."""
import csv
import io
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from pantry import journal
from pantry.clock import deployment_zone
from pantry.coordinators import journaled, membership
from pantry.journal import JournalEntry
from pantry.sites.models import Site
from pantry.stock import ledger
from tests.conftest import NOW, key
from tests.coordinators.conftest import post_form


def lines(session, **where):
    query = select(JournalEntry).order_by(JournalEntry.id)
    for name, value in where.items():
        query = query.where(getattr(JournalEntry, name) == value)
    return session.scalars(query).all()


def test_every_network_action_writes_its_line(session, coordinator, make_site, make_item):
    site, beans = make_site("Corner Fridge"), make_item("Canned beans")
    zone, later = deployment_zone(), NOW + timedelta(hours=1)
    journaled.update_site(session, coordinator, site, NOW, name="Corner Fridge", address="12 Elm St")
    journaled.create_site(session, coordinator, NOW, name="Elm Street Fridge")
    journaled.create_item(session, coordinator, NOW, name="Milk 1 L", category="dairy", unit="carton")
    journaled.update_item(session, coordinator, beans, NOW, name="Canned beans", category="canned", unit="tin")
    journaled.set_targets(session, coordinator, site, {beans.id: 12}, NOW)
    tag = journaled.issue_tag(session, coordinator, site, "site", NOW)
    new = journaled.replace_tag(session, coordinator, tag, NOW)
    journaled.revoke_tag(session, coordinator, new, NOW)
    took = ledger.take(session, site.id, beans.id, 2, key(), NOW)
    journaled.correct(session, coordinator, took.id, key(), NOW, source="coordinator")
    journaled.count(session, coordinator, site, beans, 5, key(), NOW, source="coordinator")
    plan = journaled.save_pattern(session, coordinator, site, NOW, zone, weeks=1, kind="cleaning", weekdays=1,
                                  starts_at=time(9), ends_at=time(9, 30), capacity=2, first_day=NOW.date(),
                                  last_day=None)
    journaled.end_pattern(session, coordinator, plan.pattern, NOW.date() + timedelta(days=3), NOW, zone, weeks=1)
    shift = journaled.add_shift(session, coordinator, site, "restock", NOW.date() + timedelta(days=2), time(17),
                                time(18), 3, NOW, zone)
    journaled.cancel_shift(session, coordinator, shift, later)
    membership.invite(session, coordinator, "bea@example.org", "Bea", NOW, "https://pantry.example", days=7)
    session.commit()
    assert [line.action for line in lines(session)] == [
        "site.changed", "site.added", "item.added", "item.changed", "target.changed", "label.made",
        "label.replaced", "label.revoked", "ledger.corrected", "ledger.counted", "shift.pattern_added",
        "shift.pattern_ended", "shift.added", "shift.cancelled", "invitation.made",
    ]
    assert {line.who for line in lines(session)} == {"Ada"}
    [changed] = lines(session, action="site.changed")
    assert (changed.before_values, changed.after_values) == ({"address": ""}, {"address": "12 Elm St"})
    [targets] = lines(session, action="target.changed")
    assert (targets.before_values, targets.after_values, targets.site_id) == ({"Canned beans": None},
                                                                             {"Canned beans": 12}, site.id)
    [counted] = lines(session, action="ledger.counted")
    assert (counted.before_values, counted.after_values) == ({"quantity": 0}, {"quantity": 5})


def test_a_replayed_or_unchanged_action_writes_no_second_line(session, coordinator, make_site, make_item):
    site, beans = make_site("Corner Fridge"), make_item("Canned beans")
    count_key = key()
    for _ in range(2):
        journaled.count(session, coordinator, site, beans, 5, count_key, NOW)
        journaled.update_site(session, coordinator, site, NOW, name="Corner Fridge")
        session.commit()
    assert [line.action for line in lines(session)] == ["ledger.counted"]


def test_a_coordinators_change_without_its_line_cannot_commit(session, make_site):
    site = make_site("Corner Fridge")
    journal.require(session)
    site.hours = "always"
    with pytest.raises(journal.UnjournaledChange):
        session.commit()
    session.rollback()
    session.execute(update(Site).where(Site.id == site.id).values(notes="a bulk update"))
    with pytest.raises(journal.UnjournaledChange):
        session.commit()
    session.rollback()
    session.info.pop(journal.REQUIRED)
    assert session.get(Site, site.id).hours == "" and session.get(Site, site.id).notes == ""


def test_a_line_cannot_be_changed_or_removed(session, coordinator):
    line = journal.record(session, coordinator, "site.added", "Corner Fridge", {}, {}, NOW)
    session.commit()
    line.subject = "something else"
    with pytest.raises(journal.JournalIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(session.get(JournalEntry, line.id))
    with pytest.raises(journal.JournalIsAppendOnly):
        session.flush()
    session.rollback()
    with pytest.raises(journal.JournalIsAppendOnly):
        session.execute(update(JournalEntry).values(who="Mallory"))
    session.rollback()
    # Around the ORM, the database itself refuses.
    with pytest.raises(DBAPIError):
        session.connection().execute(text("UPDATE journal_entry SET who = 'Mallory'"))
    session.rollback()
    assert session.scalar(select(JournalEntry.who)) == "Ada"


def test_a_coordinator_screen_writes_the_line_with_the_change(admin, session):
    answer = post_form(admin, "/admin/sites/new", name="Corner Fridge", address="12 Elm St", kind="fridge",
                       state="open", hours="", notes="")
    assert answer.status_code == 303
    [line] = lines(session)
    assert (line.action, line.who, line.subject, line.site_id) == ("site.added", "Ada", "Corner Fridge",
                                                                  session.scalar(select(Site.id)))


@pytest.fixture
def written(session, coordinator, make_site):
    corner, elm = make_site("Corner Fridge"), make_site("Elm Street Fridge")
    bea = membership.invite(session, coordinator, "bea@example.org", "Bea", NOW, "https://x", days=7)[0].coordinator
    bea.password_hash, bea.joined_at = coordinator.password_hash, NOW
    for number in range(60):
        journal.record(session, coordinator, "site.changed", "=HYPERLINK(1)", {"n": number}, {"n": number + 1},
                       NOW + timedelta(minutes=number), site=corner)
    journal.record(session, bea, "label.made", "K7Q2M9XH", {}, {"purpose": "site"}, NOW, site=elm)
    session.commit()
    return corner, elm, bea


def test_the_journal_is_paged_and_filtered(admin, session, written):
    corner, elm, bea = written
    first = admin.get("/admin/journal")
    assert first.status_code == 200 and first.text.count('id="journal-') == 50
    older = re.search(r'rel="next" href="([^"]*)">Older lines', first.text).group(1)
    second = admin.get(older)
    assert second.text.count('id="journal-') == 12  # 60 + the invitation + Bea's label
    assert "Older lines" not in second.text and "Newer lines" in second.text
    by_bea = admin.get("/admin/journal?person=Bea@example.org")
    assert by_bea.text.count('id="journal-') == 1 and "K7Q2M9XH" in by_bea.text
    at_elm = admin.get(f"/admin/journal?site={elm.slug}&kind=label")
    assert at_elm.text.count('id="journal-') == 1
    assert admin.get("/admin/journal?kind=invitation").text.count('id="journal-') == 1


@pytest.mark.parametrize("query", ["person=abc", "person=nobody@example.org", "site=nowhere", "kind=everything"])
def test_bad_journal_filters_are_refused(admin, written, query):
    answer = admin.get(f"/admin/journal?{query}")
    assert answer.status_code == 422
    assert 'id="journal-' not in answer.text


@pytest.mark.parametrize("query", ["older=0", "older=abc", "newer=", "older=99999999999999999999", "older=1&newer=2"])
def test_a_bad_journal_page_shows_the_first_page_and_says_so(admin, written, query):
    answer = admin.get(f"/admin/journal?{query}")
    assert answer.status_code == 400
    assert "That page link is not right, so this is the first page." in answer.text
    assert answer.text.count('id="journal-') == 50


def test_the_journal_exports_as_csv(admin, session, written):
    corner, _elm, _bea = written
    answer = admin.get(f"/admin/journal.csv?site={corner.slug}", buffered=True)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["when", "who", "action", "subject", "site", "before", "after"]
    assert len(rows) == 61
    assert rows[1][1:5] == ["Ada", "site.changed", "'=HYPERLINK(1)", "corner-fridge"]
    assert rows[1][5:] == ['{"n": 59}', '{"n": 60}']
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == 62


def journaled_actions():
    """Every action the code writes a line for, read from the calls that write one."""
    import ast
    from pathlib import Path

    import pantry

    writers = {"record", "record_change", "noted", "_decided"}
    found = set()
    for path in Path(pantry.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in writers:
                found |= {(arg.value, path.name) for arg in node.args if isinstance(arg, ast.Constant)
                          and isinstance(arg.value, str) and re.fullmatch(r"[a-z]+\.[a-z_]+", arg.value)}
    return found


def test_every_action_the_code_journals_is_said_in_words():
    """A line the journal shows as "ada food.put_in_question" tells a coordinator nothing: each
    action has its words, and its kind a name in the filter."""
    from pantry.coordinators.journal_pages import ACTIONS, KINDS

    actions = journaled_actions()
    assert len(actions) > 40  # the scan finds the writers (a rename of them would leave it empty)
    assert sorted((action, where) for action, where in actions if action not in ACTIONS) == []
    assert sorted({action.partition(".")[0] for action, _ in actions} - set(KINDS)) == []
