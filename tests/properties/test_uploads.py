"""Uploads: Pantry takes one, a report's photo (pantry/reports), read by its content, never its
name (tests/reports/test_photos.py, tests/properties/test_reports.py). No other route reads
request.files: a file sent to any other public form is ignored (never stored, never a 500),
and the day another module starts reading uploads, the scan below fails and points at it."""
import io
import re
from pathlib import Path

import pantry
from tests.conftest import key
from tests.properties.conftest import assert_answered, page_token, row_counts

READS_UPLOADS = re.compile(r"request\.files|FileField|FileStorage|FileAllowed|FileRequired")
# The report form and its view, which hand the photo to pantry/reports/photos.py to be read by content.
CHECKED_READERS = {"reports/forms.py", "reports/views.py"}


def test_no_route_reads_uploads():
    readers = [
        f"{path}:{number}"
        for path in Path(pantry.__file__).parent.rglob("*.py")
        if path.relative_to(Path(pantry.__file__).parent).as_posix() not in CHECKED_READERS
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if READS_UPLOADS.search(line)
    ]
    assert not readers, "uploads are read here; check them by content, not by name: " + ", ".join(readers)


def test_a_file_sent_to_a_public_form_is_ignored(client, session, world):
    files = [(b"<?php system($_GET['c']); ?>", "label.png"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "../../x.php")]
    for path, page in [(f"/t/{world.site_code}/log", f"/t/{world.site_code}"),
                       (f"/care/{world.care_code}", f"/care/{world.care_code}"),
                       (f"/shifts/{world.shift_id}/sign-up", f"/shifts/{world.shift_id}")]:
        token = page_token(client, page)
        for content, name in files:
            before = row_counts(session)
            answer = client.post(path, content_type="multipart/form-data", data={
                "csrf_token": token, "key": key(), "photo": (io.BytesIO(content), name)})
            assert_answered(answer)
            if answer.status_code >= 400:  # the log and the sign-up miss their own fields
                assert row_counts(session) == before
