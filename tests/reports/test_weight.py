"""The scan page with its report link, and the site's page with every kind of report open, stay
one round trip: at most 14 KB gzipped with the stylesheet and the script they load."""
import gzip

from pantry.database import utcnow
from pantry.reports.models import KINDS
from pantry.tags.rules import issue_tag

BUDGET = 14 * 1024


def test_the_scan_and_site_pages_with_reports_stay_under_14_kb(client, session, fridge, report):
    for kind in KINDS:
        report(kind, now=utcnow())
        report(kind, now=utcnow())
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    loads = 0
    for asset in ("/static/pantry.css", "/static/pantry.js"):
        with client.get(asset) as response:  # a static file's answer holds the file open until closed
            loads += len(gzip.compress(response.data, 6))
    site_page = client.get(f"/sites/{fridge.slug}").text
    assert site_page.count("2 people") == len(KINDS)
    for path in (f"/t/{tag.code}", f"/sites/{fridge.slug}", f"/sites/{fridge.slug}/report"):
        page = client.get(path).data
        assert len(gzip.compress(page, 6)) + loads <= BUDGET, (path, len(gzip.compress(page, 6)) + loads)
