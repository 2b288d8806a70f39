"""Every page a person can reach, public and coordinator, and the states a post leads to (a
refused form, Logged with Undo, a new invitation's link), walked in a browser tab on a seeded
network. tests/browser/test_accessibility.py examines each page as shown, and checks the HTML
each one was sent as (`sent`)."""
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time, timedelta

from flask import url_for

from pantry.care import rules as care
from pantry.clock import deployment_zone, local_today
from pantry.coordinators import invitations, membership, recovery, reviews, setup
from pantry.database import utcnow
from pantry.extensions import db
from pantry.shifts import planning, signups
from pantry.sites import rules as site_rules
from pantry.sites.models import Site
from pantry.stock import items as item_rules, ledger
from pantry.stock.models import Item
from pantry.tags.rules import issue_tag
from tests.browser.needs_pages import needs_pages
from tests.conftest import PASSWORD, key

LOCALES = {"en": "en-US", "es": "es-ES"}  # the browser's Accept-Language, as a phone would send it
EMAIL = "ada@example.org"
NOT_PAGES = (".pdf", ".csv")  # downloads: label sheets, posters, exports (their own tests open them)


@dataclass
class World:
    fridge: Site
    milk: Item
    site_code: str
    item_code: str
    care_code: str
    open_shift: int
    full_shift: int
    pattern: int
    movement: int
    sign_up_token: str
    invitation_token: str
    peers: dict  # the coordinators' own routes: a peer, an invitation, a review, a recovery, an email link


def seed(session, app):
    """A warm fridge overdue for cleaning, with milk past its date, labels, shifts open and
    full, a weekly pattern, a volunteer's private link, a coordinator and an open invitation."""
    now, zone, today = utcnow(), deployment_zone(), local_today()
    fridge = site_rules.create_site(session, now, "Corner Fridge", address="12 Elm St", hours="Every day, 8am to 9pm")
    site_rules.create_site(session, now, "Church Freezer", kind="freezer", state="out_of_order")
    milk = item_rules.create_item(session, now, "Milk 1 L", "dairy", "carton")
    beans = item_rules.create_item(session, now, "Canned beans", "canned", "can")
    first = ledger.restock(session, fridge.id, milk.id, 2, key(), now, best_before=today - timedelta(days=2))
    ledger.restock(session, fridge.id, milk.id, 3, key(), now, best_before=today + timedelta(days=1))
    ledger.restock(session, fridge.id, beans.id, 4, key(), now)
    item_rules.set_targets(session, fridge.id, {milk.id: 8, beans.id: 10}, now)
    # Cleaned and read 30 hours ago: the reading was too warm, and cleaning is now overdue.
    care.record_care(session, fridge, ["shelves"], 8.0, "", key(), now - timedelta(hours=30),
                     checklist=list(app.config["CARE_CHECKLIST"]), limits=app.config["TEMPERATURE_LIMITS"])
    site_tag = issue_tag(session, fridge, "site", now)
    item_tag = issue_tag(session, fridge, "item", now, item=milk)
    care_tag = issue_tag(session, fridge, "care", now)
    open_shift = planning.add_shift(session, fridge, "cleaning", today + timedelta(days=3), time(9), time(9, 30),
                                    3, now, zone)
    full_shift = planning.add_shift(session, fridge, "restock", today + timedelta(days=4), time(18), time(19),
                                    1, now, zone)
    token = key()
    signups.sign_up(session, open_shift.id, "Bo Chen", "bo@example.org", "555 0100", True, key(), token, now)
    signups.sign_up(session, full_shift.id, "Cy Diaz", None, None, False, key(), key(), now)
    plan = planning.save_pattern(
        session, fridge, now, zone, weeks=2, kind="temperature", weekdays=0b0000101,
        starts_at=time(8), ends_at=time(8, 15), capacity=2, first_day=today, last_day=None,
    )
    ada = invitations.add_with_password(session, EMAIL, "Ada", PASSWORD, now)
    bea = invitations.add_with_password(session, "bea@example.org", "Bea", PASSWORD, now)
    invitation, link = membership.invite(session, ada, "noor@example.org", "Noor", now, app.config["BASE_URL"],
                                         days=7)
    _, email_token = membership.ask_new_email(session, ada, "ada.new@example.org", now, days=7)
    review = reviews.open_review(session, ada, bea.id, "Bea has not come to a shift since the summer.", now)
    asked = recovery.ask(session, bea, ada.id, now)
    session.commit()
    peers = {"coordinator_id": bea.id, "invitation_id": invitation.id, "review_id": review.id,
             "recovery_id": asked.id, "email_token": email_token}
    return World(fridge, milk, site_tag.code, item_tag.code, care_tag.code, open_shift.id, full_shift.id,
                  plan.pattern.id, first.id, token, link.rsplit("/", 1)[1], peers)



@contextmanager
def scripts_off(page):
    """The page's own scripts off while inside (as Playwright's java_script_enabled=False does),
    back on after, for axe and the checks. With them off, axe's timers would never fire."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        yield
    finally:
        cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
        cdp.detach()


def sent(page, walk):
    """Each (tab, what) the walk yields, with the HTML of the last page the tab was sent (the one a
    redirect ended on): the body as the server sent it, not the DOM scripts made of it. Each must be
    a new page, not the one before it again."""
    documents = []

    def keep(response):
        if response.frame == page.main_frame and response.request.resource_type == "document" \
                and not 300 <= response.status < 400:
            documents.append(response)

    page.on("response", keep)
    try:
        checked = None
        for shown, what in walk:
            assert documents and documents[-1] is not checked, f"{what}: no new page was sent"
            checked = documents[-1]
            yield shown, what, checked.text()
    finally:
        page.remove_listener("response", keep)


def go(page, path, status=200):
    response = page.goto(path)
    assert response.status == status, f"{path} answered {response.status}"


def submit(page, form_selector, **fields):
    """Fill a form's fields by name and send it with its (first) submit button."""
    form = page.locator(form_selector)
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


@contextmanager
def a_bigger_network(world):
    """For a while, the network is more than a home page (HOME_PAGE_SITES, 10): the two sites in a
    neighbourhood, and 20 more sites after them; then as seeded again, for the pages that follow."""
    session, now = db.session, utcnow()
    world.fridge.neighbourhood, world.fridge.latitude, world.fridge.longitude = "Fort Greene", 40.69, -73.97
    more = [Site(name=f"Street Fridge {number:02}", slug=f"street-fridge-{number:02}", address=f"{number} Oak St",
                 neighbourhood="Fort Greene" if number % 2 else "Clinton Hill", created_at=now) for number in range(20)]
    session.add_all(more)
    session.commit()
    try:
        yield
    finally:
        for site in more:
            session.delete(site)
        world.fridge.neighbourhood, world.fridge.latitude, world.fridge.longitude = "", None, None
        session.commit()


def public_pages(page, world):
    """Open each public page and state; yield (tab, what it is) for the checks."""
    fridge, code = world.fridge, world.site_code
    go(page, "/")
    yield page, "home"
    with a_bigger_network(world):
        go(page, "/?near=Fort+Greene")
        yield page, "home, a neighbourhood's sites first (Next 20)"
        go(page, "/?page=2")
        yield page, "home, page 2 (Previous 20)"
        go(page, "/?page=9", 404)
        yield page, "home, no such page (refused)"
        go(page, "/shifts?near=Fort+Greene")
        yield page, "shifts that need people in a neighbourhood (the choice of neighbourhoods)"
        go(page, "/shifts?near=Atlantis", 400)
        yield page, "shifts that need people, no such neighbourhood"
    go(page, f"/sites/{fridge.slug}")
    yield page, "site page (too warm, cleaning overdue, past-date milk)"
    go(page, "/impact")
    yield page, "the network's impact report"
    go(page, "/t")
    yield page, "typing a code"
    go(page, "/t?code=", 422)
    yield page, "typing a code, nothing typed"
    go(page, "/t/ZZZZZZZZ", 404)
    yield page, "an unknown code"
    go(page, "/no-such-page", 404)
    yield page, "page not found"
    go(page, f"/t/{code}")
    yield page, "site label"
    go(page, f"/t/{world.item_code}")
    yield page, "item label (past its date)"
    with scripts_off(page):
        go(page, f"/t/{code}")
        submit(page, "form[action$='/log']:has([name=kind][value=take])")
    yield page, "site label after a take (Logged, Undo)"
    with scripts_off(page):
        submit(page, "form[action$='/log']:has([name=kind][value=restock])", quantity="")
    yield page, "site label, restock refused (form errors)"
    with scripts_off(page):
        go(page, f"/t/{world.item_code}")
        submit(page, "form[action$='/log']:has(.amounts)")
    yield page, "item label after a take (Logged, Undo)"
    with scripts_off(page):
        submit(page, "form[action$='/log']:has([name=kind][value=restock])", quantity="0", best_before="")
    yield page, "item label, restock refused (form errors)"
    with scripts_off(page):
        submit(page, "form[action$='/undo']")
    yield page, "item label after Undo"
    go(page, f"/sites/{fridge.slug}/follow")
    yield page, "following a site"
    with scripts_off(page):
        submit(page, "main form", email="two@example.org, addresses@example.org")
    yield page, "following a site, refused (form errors)"
    go(page, "/shifts")
    yield page, "shifts that need people"
    go(page, f"/shifts?older={world.open_shift}")
    yield page, "shifts that need people, a later page (links back)"
    go(page, "/shifts?older=x", 400)
    yield page, "shifts that need people, a bad page link"
    go(page, f"/sites/{fridge.slug}/shifts")
    yield page, "a site's shifts"
    go(page, f"/shifts/{world.open_shift}")
    yield page, "an open shift"
    submit(page, "form[action$='/sign-up']", name="", email="not an address")
    yield page, "an open shift, sign-up refused (form errors)"
    go(page, f"/shifts/{world.full_shift}")
    yield page, "a full shift"
    go(page, f"/sign-ups/{world.sign_up_token}")
    yield page, "a volunteer's private page"
    submit(page, "form[action$='/cancel']")
    yield page, "a volunteer's private page, cancelled"
    go(page, "/sign-ups/no-such-link", 404)
    yield page, "an unknown private link"
    go(page, f"/care/{world.care_code}")
    yield page, "cleaning checklist (past-date milk)"
    go(page, f"/care/{world.care_code}?to=church")
    yield page, "cleaning checklist, a site for the van found by name"
    go(page, f"/care/{world.care_code}?to=atlantis")
    yield page, "cleaning checklist, no site for the van has the words"
    submit(page, "form[action^='/care/']:has([name=reading])", reading="warm")
    yield page, "cleaning checklist refused (form errors)"
    page.locator("[name=ticked]").first.check()
    submit(page, "form[action^='/care/']:has([name=reading])", reading="9")
    yield page, "cleaning thank-you page (too warm)"
    yield from needs_pages(page, world, go, submit)


def first_run_pages(page, app):
    """A network with no coordinator yet (nothing seeded): the sign-in page says where the setup
    link is, and the setup page it opens, also refused (form errors)."""
    go(page, "/admin/sign-in")
    yield page, "coordinator sign-in, before the first coordinator"
    go(page, setup.link("", app.secret_key))
    yield page, "the first-run setup page"
    submit(page, "main form", network="")
    yield page, "the first-run setup, refused (form errors)"


def coordinator_pages(page, app, world):
    """Sign in, then every coordinator screen that answers GET, found in the url_map, and the
    states reached by a post: a refused form, a new invitation's link."""
    go(page, "/admin/sign-in")
    yield page, "coordinator sign-in"
    submit(page, "form[action$='/sign-in']", email=EMAIL, password="wrong password")
    yield page, "coordinator sign-in refused"
    submit(page, "form[action$='/sign-in']", email=EMAIL, password=PASSWORD)
    values = {
        "slug": world.fridge.slug, "item_id": world.milk.id, "code": world.item_code, "movement_id": world.movement,
        "pattern_id": world.pattern, "shift_id": world.open_shift, "token": world.invitation_token,
        **world.peers,
    }
    tokens = {"coordinators.confirm_email": world.peers["email_token"]}  # the other link a token opens
    rules = [
        rule for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("coordinators.") and "GET" in rule.methods
        and rule.endpoint != "coordinators.sign_in" and not rule.rule.endswith(NOT_PAGES)
        and "/photos/" not in rule.rule  # a report's photo is an image, not a page
        and rule.endpoint != "coordinators.set_up"  # only before the first coordinator: first_run_pages
    ]
    for rule in rules:
        assert rule.arguments <= values.keys(), f"{rule.rule}: seed a value for {rule.arguments - values.keys()}"
    with app.test_request_context():
        screens = sorted(
            (rule.endpoint, url_for(rule.endpoint, **{name: values[name] for name in rule.arguments}
                                    | ({"token": tokens[rule.endpoint]} if rule.endpoint in tokens else {})))
            for rule in rules
        )
    assert len(screens) >= 20, screens
    for endpoint, path in screens:
        go(page, path)
        yield page, f"{endpoint} ({path})"
    go(page, "/admin/sites/new")
    submit(page, "main form", name="")
    yield page, "adding a site, refused (form errors)"
    go(page, "/admin/invite")
    submit(page, "main form", email="eve@example.org", name="Eve")
    yield page, "a new coordinator's one-time link"
    go(page, f"/admin/reviews/{world.peers['review_id']}")
    submit(page, "form[action$='/vote']")
    yield page, "a review after one's vote (secret until it closes)"
    go(page, "/admin/coordinators/me")
    submit(page, "form[action$='/email']", email="not an address")
    yield page, "a new email, refused (form errors)"

