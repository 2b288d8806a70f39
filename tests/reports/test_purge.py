"""Reports' photos are deleted REPORT_PHOTO_DAYS after they came, by the command that purges contacts;
the reports and their counts stay."""
from datetime import timedelta

from sqlalchemy import func, select

from pantry.database import utcnow
from pantry.reports import photos
from pantry.reports.models import Report, ReportEntry, ReportPhoto
from tests.reports.conftest import png

LIMITS = photos.Limits(10**6, 1600, 400 * 1024)


def count(session, table):
    session.rollback()
    return session.scalar(select(func.count()).select_from(table))


def test_purge_contacts_deletes_old_photos_and_keeps_the_reports(app, runner, session, report):
    now = utcnow()
    report("dirty", now=now - timedelta(days=31), photo=photos.prepare(png(), LIMITS))
    report("dirty", now=now - timedelta(days=29), photo=photos.prepare(png(colour=(1, 2, 3)), LIMITS))
    first = runner.invoke(args=["pantry", "purge-contacts"])
    assert first.exit_code == 0, first.output
    assert "Deleted 1 photos sent with reports more than 30 days ago." in first.output
    assert count(session, ReportPhoto) == 1
    assert (count(session, Report), count(session, ReportEntry)) == (2, 2)
    assert "Deleted 0 photos" in runner.invoke(args=["pantry", "purge-contacts"]).output
    app.config["REPORT_PHOTO_DAYS"] = 7
    assert "Deleted 1 photos sent with reports more than 7 days ago." in runner.invoke(
        args=["pantry", "purge-contacts"]).output
    assert count(session, ReportPhoto) == 0
