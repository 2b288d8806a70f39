"""Every page, public and coordinator (tests/browser/pages.py walks them), in English and
Spanish, light and dark: zero axe-core violations (WCAG 2.0/2.1/2.2 A and AA), and the checks axe
does not make (tests/browser/checks.py: 44 px targets, reflow at 200 % zoom, visible keyboard
focus, labels, announced errors, warnings in words); and valid HTML by the W3C Nu checker
(tests/browser/nu.py), the HTML each page was sent as, checked on the same walk.

Pages are opened on a phone with JavaScript on. The states a form post leads to on the scan
pages (Logged with Undo, a refused entry) are made with the page's scripts switched off, so they
are the server's own pages whatever the offline outbox script does with a tap (its own states
are tests/browser/test_offline.py's); scripts are switched back on for the checks, which run in
the page. Spanish text is not asserted, only that the page says it is Spanish (<html lang="es">).

Each language is walked once, in a tab that prefers the light scheme; at every page (and state)
the tab is then switched to the dark scheme (the prefers-color-scheme media query, as the context
option sets it) and the page examined again as it stands, before switching back: the same
pages, states and checks as a walk of its own in each scheme, without making every state twice.
In English light (WALKED) the keyboard check walks each page with Tab, key by key; in the other
three it presses Tab once and then focuses each control by script (the same keyboard focus
style, in one round trip), to keep the run short."""
import pytest

from tests.browser import checks
from tests.browser.conftest import PHONE
from tests.browser.pages import LOCALES, coordinator_pages, first_run_pages, go, public_pages, seed, sent

pytestmark = pytest.mark.once  # what it checks does not depend on the database

LANGUAGES = ["en", "es"]
SCHEMES = ["light", "dark"]  # each page is examined in both, the light one first (as it loaded)
WALKED = ("en", "light")  # pages walked with Tab, key by key, in this language and scheme; the others focus by script


@pytest.fixture
def tab(browser, server, axe_source, request):
    """A phone's tab in one language, preferring the light colour scheme."""
    language = request.param
    context = browser.new_context(**{**PHONE, "locale": LOCALES[language]}, color_scheme="light", base_url=server)
    context.set_default_timeout(10_000)
    context.add_init_script(script=axe_source)  # in every page as it loads, not sent from here each time
    yield language, context.new_page()
    context.close()


def examine(page, language, what, axe_source):
    """Everything wrong with the page now, in each colour scheme, each problem prefixed by where it
    was found and in which scheme. The tab is left in the light scheme, as it was."""
    problems = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        if page.evaluate(f"() => matchMedia('(prefers-color-scheme: {scheme})').matches") is not True:
            problems.append(f"{what}: the page does not prefer the {scheme} scheme")
            continue
        found = examine_in(page, language, scheme, (language, scheme) == WALKED, axe_source)
        problems += [f"{what} ({scheme}): {problem}" for problem in found]
    page.emulate_media(color_scheme="light")
    return problems


def examine_in(page, language, scheme, walk, axe_source):
    """Everything wrong with the page in the scheme it is shown in now. Reflow is measured in the
    light scheme only: colours do not move anything."""
    problems = []
    if page.evaluate("() => document.documentElement.lang") != language:
        problems.append(f"<html lang> is not {language}")
    problems += [f"axe: {violation}" for violation in checks.axe_violations(page, axe_source)]
    problems += checks.page_checks(page)
    if scheme == "light":
        problems += checks.reflow(page)
    problems += checks.focus_visible(page, walk)
    return problems


def problems_on_the_walk(page, language, walk, axe_source, nu, at_least):
    """Everything wrong with each page of the walk: as shown (examine), and as sent (the Nu
    checker's errors in its HTML); and a walk cut short, of fewer than `at_least` pages. With a
    service worker, a scan page's HTML is the server's still: it fetches the network first."""
    problems, walked = [], 0
    for shown, what, html in sent(page, walk):
        walked += 1
        problems += examine(shown, language, what, axe_source)
        problems += [f"{what}: invalid HTML: {error}" for error in nu.invalid(html)]
    if walked < at_least:
        problems.append(f"only {walked} pages were walked, of at least {at_least}")
    return problems


@pytest.mark.parametrize("tab", LANGUAGES, indirect=True)
def test_every_public_page(nu, tab, axe_source, session, app):  # the checker first: it starts while the tab opens
    language, page = tab
    world = seed(session, app)
    problems = problems_on_the_walk(page, language, public_pages(page, world), axe_source, nu, 47)
    assert not problems, "\n".join(problems)


@pytest.mark.once(leg="postgresql")  # the longest walk: in the PostgreSQL leg when there is one, for the two to end together
@pytest.mark.parametrize("tab", LANGUAGES, indirect=True)
def test_every_coordinator_screen(nu, tab, axe_source, session, app):
    language, page = tab
    world = seed(session, app)
    problems = problems_on_the_walk(page, language, coordinator_pages(page, app, world), axe_source, nu, 50)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("tab", LANGUAGES, indirect=True)
def test_the_first_run_pages(nu, tab, axe_source, session, app):
    """Before the first coordinator exists (nothing seeded): the sign-in page and the setup page."""
    language, page = tab
    problems = problems_on_the_walk(page, language, first_run_pages(page, app), axe_source, nu, 3)
    assert not problems, "\n".join(problems)


def test_warnings_say_so_in_words(browser, server, session, app):
    """The warm fridge and the milk past its date are said in words, not only in colour."""
    world = seed(session, app)
    context = browser.new_context(**PHONE, base_url=server)
    page = context.new_page()
    try:
        go(page, f"/sites/{world.fridge.slug}")
        assert "Too warm: the last reading was 8 °C" in page.get_by_role("alert").inner_text()
        assert "Cleaning overdue" in page.locator("main").inner_text()
        assert "2 past their best-before date" in page.locator("main").inner_text()
        go(page, f"/t/{world.item_code}")
        assert "past its date" in page.locator("main").inner_text()
        go(page, f"/care/{world.care_code}")
        assert "past its date" in page.locator("main").inner_text()
        go(page, "/")
        assert "Too warm" in page.locator("main").inner_text()
    finally:
        context.close()

