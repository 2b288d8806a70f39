"""Browser tests: Debian's Chromium driven by Playwright, on a phone-sized screen, against
the app served from the test database on a loopback port.

Without Chromium these tests are skipped, except under CI (CI is set), where a missing
browser fails the run: CI must prove the journeys, not skip them."""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from pantry import create_app
from tests.browser import nu as nu_checker
from tests.conftest import settings

CHROMIUM = os.environ.get("PANTRY_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Quiet flags: without the networking ones Chromium floods this closed network at start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/156.0.0.0 Mobile Safari/537.36"
    ),
    "locale": "en-US",
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# And, beyond the WCAG rules, axe's best practice for landmarks: no two of one kind share a name (two
# <nav> without labels to tell them apart, rows' forms all named alike), one banner, main, contentinfo.
LANDMARKS = {rule: {"enabled": True} for rule in (
    "landmark-unique", "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
)}


def _missing(what):
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: CI must run the browser tests (.ci/run installs it)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        _missing(f"Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(app, database_url):
    """The app served on a loopback port in a thread, from the test's database."""
    served = create_app(settings(database_url))
    http = make_server("127.0.0.1", 0, served, threaded=True)
    # It looks for a shutdown every 0.05 s (werkzeug's default is 0.5 s, waited at every test's end).
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)
    with served.app_context():
        from pantry.extensions import db

        db.engine.dispose()


@pytest.fixture
def phone(browser, server, request):
    """A phone's browser tab; `@pytest.mark.parametrize("phone", [False], indirect=True)` turns
    JavaScript off."""
    javascript = getattr(request, "param", True)
    context = browser.new_context(**PHONE, base_url=server, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def nu():
    """The W3C Nu HTML checker, running (tests/browser/nu.py); skipped without it, except under CI."""
    lacking = nu_checker.missing()
    if lacking:
        _missing(lacking)
    checker = nu_checker.Checker()
    yield checker
    checker.stop()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        _missing("axe-core (run npm ci)")
    return AXE.read_text()


@pytest.fixture
def axe(axe_source):
    """Run axe-core's WCAG 2.2 A and AA rules and the landmark rules on the page; returns the violations."""

    def check(page):
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(axe_source)
        result = page.evaluate(
            "([tags, rules]) => axe.run(document, {runOnly: {type: 'tag', values: tags}, rules})", [WCAG, LANDMARKS]
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]

    return check
