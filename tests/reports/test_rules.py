"""The report rules without HTTP: merging, replays, what closes a report, coordinators' closes."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pantry.care import rules as care
from pantry.reports import errors, rules
from pantry.reports.models import Report, ReportEntry
from pantry.stock import ledger
from tests.conftest import NOW, key
from tests.reports.conftest import WINDOW


def open_reports(session):
    session.expire_all()
    return session.scalars(select(Report).where(Report.closed_at.is_(None)).order_by(Report.id)).all()


def test_reports_of_a_kind_within_the_window_merge(session, report):
    report("dirty", now=NOW)
    report("dirty", now=NOW + timedelta(minutes=20))
    third = report("dirty", now=NOW + timedelta(hours=5))
    [merged] = open_reports(session)
    assert (merged.kind, merged.people) == ("dirty", 3)
    assert merged.first_reported_at == NOW and merged.last_reported_at == NOW + timedelta(hours=5)
    assert third.report_id == merged.id
    assert session.scalar(select(func.count()).select_from(ReportEntry)) == 3


def test_other_kinds_and_sites_stay_apart(session, report, fridge, make_site):
    other = make_site("Library Freezer", kind="freezer")
    report("dirty")
    report("empty")
    report("dirty", site=other)
    assert sorted((found.site_id, found.kind, found.people) for found in open_reports(session)) == sorted(
        [(fridge.id, "dirty", 1), (fridge.id, "empty", 1), (other.id, "dirty", 1)])


def test_after_the_window_a_new_report_opens_and_the_old_lapses(session, report):
    first = report("dirty", now=NOW)
    report("dirty", now=NOW + WINDOW + timedelta(minutes=1))
    [current] = open_reports(session)
    assert current.id != first.report_id and current.people == 1
    old = session.get(Report, first.report_id)
    assert old.closed_how == "lapsed"


def test_the_same_key_applies_once(session, report):
    word_key = key()
    first = report("dirty", note="Spilt milk", word_key=word_key)
    again = report("dirty", note="Spilt milk", word_key=word_key)
    assert again.id == first.id
    assert open_reports(session)[0].people == 1


def test_the_same_key_with_another_payload_is_refused(session, report):
    word_key = key()
    report("dirty", word_key=word_key)
    with pytest.raises(errors.ReportConflict):
        report("empty", word_key=word_key)
    session.rollback()
    assert [found.kind for found in open_reports(session)] == ["dirty"]


@pytest.mark.parametrize("kind", ["", "filthy", "DIRTY", "dirty "])
def test_an_unknown_kind_is_refused(session, report, kind):
    with pytest.raises(errors.UnknownKind):
        report(kind)
    assert open_reports(session) == []


def test_a_note_over_280_characters_is_refused(session, report):
    report("other", note="x" * 280)
    with pytest.raises(errors.NoteTooLong):
        report("other", note="x" * 281)


@pytest.mark.parametrize("note", [
    "call me on 555-123-4567", "Llamar al 612 34 56 78", "+34 612345678", "write to someone@example.org",
    "(212) 555 0199", "5551234",
])
def test_a_note_with_contact_details_is_refused(session, report, note):
    with pytest.raises(errors.NoteHasContact):
        report("other", note=note)
    assert open_reports(session) == []


@pytest.mark.parametrize("note", [
    "Best before 2026-11-25, three bags", "Door open since 9:30", "12 cans of beans on the floor", "@ the back",
])
def test_notes_with_numbers_that_are_not_contacts_pass(session, report, note):
    assert report("other", note=note).note == note


def test_a_restock_closes_empty_only(session, report, fridge, make_item):
    beans = make_item()
    report("empty")
    report("full")
    ledger.restock(session, fridge.id, beans.id, 4, key(), NOW + timedelta(minutes=5))
    session.commit()
    assert [found.kind for found in open_reports(session)] == ["full"]
    closed = session.scalar(select(Report).where(Report.kind == "empty"))
    assert (closed.closed_how, closed.closed_at) == ("restocked", NOW + timedelta(minutes=5))


@pytest.mark.parametrize("kind, counted", [("take", 1), ("count", 2)])
def test_a_take_or_a_count_closes_full(session, report, fridge, make_item, kind, counted):
    beans = make_item()
    ledger.restock(session, fridge.id, beans.id, 4, key(), NOW)
    report("full")
    report("dirty")
    ledger.record(session, ledger.Entry(kind, key(), fridge.id, beans.id, counted), NOW + timedelta(minutes=1))
    session.commit()
    assert [found.kind for found in open_reports(session)] == ["dirty"]


def test_a_replayed_restock_closes_nothing_new(session, report, fridge, make_item):
    beans = make_item()
    restock_key = key()
    ledger.restock(session, fridge.id, beans.id, 4, restock_key, NOW)
    report("empty", now=NOW + timedelta(minutes=1))
    ledger.restock(session, fridge.id, beans.id, 4, restock_key, NOW + timedelta(minutes=2))
    session.commit()
    assert [found.kind for found in open_reports(session)] == ["empty"]


def visit(session, site, ticked, celsius, now):
    record = care.record_care(session, site, ticked, celsius, "", key(), now,
                              checklist=["shelves", "seal_and_floor"], limits={"fridge": 5.0})
    session.commit()
    return record


def test_a_cleaning_check_closes_dirty_and_unwanted(session, report, fridge):
    for kind in ("dirty", "unwanted", "not_cold", "broken"):
        report(kind)
    visit(session, fridge, ["shelves"], None, NOW + timedelta(hours=1))
    assert [found.kind for found in open_reports(session)] == ["not_cold", "broken"]


def test_a_visit_that_ticked_nothing_is_not_a_cleaning(session, report, fridge):
    report("dirty")
    visit(session, fridge, [], 4.0, NOW + timedelta(hours=1))
    assert [found.kind for found in open_reports(session)] == ["dirty"]


def test_a_reading_in_range_closes_not_cold_and_one_too_warm_does_not(session, report, fridge):
    report("not_cold")
    visit(session, fridge, [], 9.0, NOW + timedelta(hours=1))
    assert [found.kind for found in open_reports(session)] == ["not_cold"]
    visit(session, fridge, [], 4.0, NOW + timedelta(hours=2))
    assert open_reports(session) == []


def test_closing_at_one_site_leaves_the_others(session, report, fridge, make_site):
    other = make_site("Library Fridge")
    report("dirty")
    report("dirty", site=other)
    visit(session, fridge, ["shelves"], None, NOW + timedelta(hours=1))
    assert [found.site_id for found in open_reports(session)] == [other.id]


def test_a_coordinator_closes_with_a_reason_and_the_key_replays(session, report):
    entry = report("broken")
    close_key = key()
    closed = rules.close(session, entry.report_id, " Door fixed ", "ana@example.org", close_key, NOW)
    session.commit()
    assert (closed.closed_how, closed.closed_reason, closed.closed_by) == ("coordinator", "Door fixed", "ana@example.org")
    assert rules.close(session, entry.report_id, "Door fixed", "ana@example.org", close_key, NOW).id == closed.id
    with pytest.raises(errors.AlreadyClosed):
        rules.close(session, entry.report_id, "", "ben@example.org", key(), NOW)


def test_a_coordinator_marks_one_not_true(session, report):
    entry = report("unwanted")
    marked = rules.close(session, entry.report_id, "", "ana@example.org", key(), NOW, not_true=True)
    session.commit()
    assert marked.hidden and marked.closed_how == "not_true"
    assert open_reports(session) == []


@pytest.mark.parametrize("report_id", [0, -1, 2**31, 999_999])
def test_closing_an_unknown_report_is_refused(session, report_id):
    with pytest.raises(errors.UnknownReport):
        rules.close(session, report_id, "", "ana@example.org", key(), NOW)


def test_a_reason_over_200_characters_is_refused(session, report):
    entry = report("broken")
    with pytest.raises(errors.ReasonTooLong):
        rules.close(session, entry.report_id, "x" * 201, "ana@example.org", key(), NOW)
    assert open_reports(session)[0].closed_at is None


def test_a_new_report_tells_its_followers_and_the_coordinators_once(app, session, report, fridge, coordinator):
    """Issue 13 point 3 through the outbox: the report that opens is news (its kind, never its
    note); the words that join it within the window are not told again."""
    from pantry.outbox.models import Follower, Message, News
    from pantry.outbox.news import document, headline

    follower = Follower(site_id=fridge.id, email="ana@example.org", kinds=["reports"], language="en",
                        nonce="n" * 32, created_at=NOW - timedelta(hours=1), confirmed_at=NOW - timedelta(hours=1))
    session.add(follower)
    session.commit()
    report("dirty", note="Someone spilled milk on the shelf", now=NOW)
    report("dirty", now=NOW + timedelta(minutes=20))
    [news] = session.scalars(select(News)).all()
    assert (news.kind, news.site_id, news.payload["kind"]) == ("reports", fridge.id, "dirty")
    told = sorted(message.recipient for message in session.scalars(select(Message)))
    assert told == sorted([f"follower:{follower.id}", f"coordinator:{coordinator.id}"])
    with app.test_request_context():
        assert headline(news) == "Corner Fridge: Reported dirty"
        assert "milk" not in str(document(news))
    report("empty", now=NOW + timedelta(minutes=30))
    assert session.scalar(select(func.count()).select_from(News)) == 2
