"""Eight phones report the same thing at the same moment, through real gunicorn workers:
one open report with a count of eight, at every site, on SQLite and on PostgreSQL."""
import pytest
from sqlalchemy import select

from pantry.reports.models import Report, ReportEntry
from tests.live import gunicorn, new_key, phones
from tests.test_concurrency import run_together

pytestmark = pytest.mark.slow
PHONES = 8
ROUNDS = 5  # a site each: five chances for two twins to both open a report


def test_eight_phones_reporting_at_once_make_one_report_of_eight(database_url, session, make_site):
    slugs = [make_site(f"Fridge {number}").slug for number in range(ROUNDS)]
    statuses = []
    with gunicorn(database_url, workers=2, threads=4) as port, \
            phones(port, PHONES, f"/sites/{slugs[0]}/report") as browsers:
        for slug in slugs:
            run_together(lambda index, slug=slug: statuses.append(
                browsers[index].post(f"/sites/{slug}/report", key=new_key(), kind="dirty")), PHONES)
    assert statuses == [303] * PHONES * ROUNDS
    session.rollback()
    reports = session.scalars(select(Report).order_by(Report.site_id)).all()
    assert [(report.kind, report.people, report.closed_at) for report in reports] == [("dirty", PHONES, None)] * ROUNDS
    for report in reports:
        entries = session.scalars(select(ReportEntry).where(ReportEntry.report_id == report.id)).all()
        assert len(entries) == PHONES
