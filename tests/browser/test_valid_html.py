"""Every page, public and coordinator, in English and Spanish, and the states a post leads to
(tests/browser/pages.py walks them), is valid HTML by the W3C Nu checker (vnu-jar from npm, run
with the machine's Java): the HTML each page was sent as, not the DOM scripts made of it.

The pages are written to a temporary folder and checked by one run of the checker over all of
them: a Java start costs seconds, a page a few milliseconds. Like the other checks of what the app
shows, it runs in the SQLite leg only."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, ROOT, _missing
from tests.browser.pages import LOCALES, coordinator_pages, first_run_pages, public_pages, seed
from tests.conftest import empty_tables

pytestmark = pytest.mark.once  # what it checks does not depend on the database

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("PANTRY_JAVA", "java")  # as PANTRY_CHROMIUM names the browser


def sent_pages(page, walk):
    """(what, HTML) for each page the walk yields: the body of the last page the tab was sent,
    the one a redirect ended on. Each must be a new page, not the one before it again."""
    documents = []

    def keep(response):
        if response.frame == page.main_frame and response.request.resource_type == "document" \
                and not 300 <= response.status < 400:
            documents.append(response)

    page.on("response", keep)
    try:
        checked = None
        for _, what in walk:
            assert documents and documents[-1] is not checked, f"{what}: no new page was sent"
            checked = documents[-1]
            yield what, checked.text()
    finally:
        page.remove_listener("response", keep)


def every_page(browser, server, session, app):
    """Every page in each language, as (what, HTML), each language's walk on a network seeded
    afresh (a walk cancels a sign-up, answers an invitation, votes). No service worker: what a
    page was sent as comes from the server, never from the offline cache."""
    for language, locale in LOCALES.items():
        session.rollback()  # the last walk's reads: SQLite refuses a write from an old snapshot
        empty_tables(session)
        session.commit()
        context = browser.new_context(**{**PHONE, "locale": locale}, base_url=server, service_workers="block")
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            for what, html in sent_pages(page, first_run_pages(page, app)):  # before anything is seeded
                yield f"{language}: {what}", html
            world = seed(session, app)
            for walk in (public_pages(page, world), coordinator_pages(page, app, world)):
                for what, html in sent_pages(page, walk):
                    yield f"{language}: {what}", html
        finally:
            context.close()


@pytest.fixture(scope="session")
def vnu():
    """The checker's command, before any page is walked; skipped without it, except under CI."""
    if not VNU.exists():
        _missing("vnu-jar (run npm ci)")
    if not shutil.which(JAVA):
        _missing(f"Java ({JAVA})")
    return [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout"]


def invalid(vnu, files):
    """The checker's errors over all the files at once, as {file name: [message, ...]}."""
    run = subprocess.run([*vnu, *map(str, files)], capture_output=True, text=True, timeout=300)
    assert run.stdout.startswith("{"), f"the checker exited {run.returncode}: {run.stderr}"
    found = {}
    for message in json.loads(run.stdout)["messages"]:
        where = Path(message.get("url", "").removeprefix("file:")).name or "(the checker)"
        found.setdefault(where, []).append(
            f"line {message.get('lastLine', '?')}: {message['message']} [{message.get('extract', '').strip()}]")
    assert run.returncode == (1 if found else 0), f"the checker exited {run.returncode}: {run.stderr}"
    return found


def test_every_page_is_valid_html(vnu, browser, server, session, app, tmp_path):
    shown = {}
    for number, (what, html) in enumerate(every_page(browser, server, session, app)):
        name = f"{number:03}.html"
        (tmp_path / name).write_text(html, encoding="utf-8")
        shown[name] = what
    assert len(shown) >= 100, f"only {len(shown)} pages were walked"
    problems = invalid(vnu, (tmp_path / name for name in shown))
    assert not problems, "\n".join(
        f"{shown.get(name, name)}:\n  " + "\n  ".join(messages) for name, messages in sorted(problems.items()))
