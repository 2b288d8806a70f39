"""Peers deciding together, in four phones' Chromium (one per coordinator, each signed in on its own):
Ada invites Eve and Bea agrees; Cai opens a review of Dan; Eve's link works, but she joined after
the review opened, so she cannot vote on it; Ada, Bea, Cai and Dan vote; the scores remove Dan;
the journal shows every step with its names."""
import re

import pytest
from playwright.sync_api import expect

from pantry.coordinators import invitations
from pantry.database import utcnow
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.once  # what it checks does not depend on the database
SCORES = {  # remove, no change, discuss further
    "Ada": ("+2", "-2", "0"), "Bea": ("+1", "0", "0"), "Cai": ("+2", "-1", "0"), "Dan": ("-2", "+2", "0"),
}


@pytest.fixture
def tabs(browser, server, session):
    """Ada, Bea, Cai and Dan, coordinators with a password, each on a phone of their own."""
    now = utcnow()
    for name in ("Ada", "Bea", "Cai", "Dan"):
        invitations.add_with_password(session, f"{name.lower()}@example.org", name, PASSWORD, now)
    session.commit()
    contexts = []

    def tab():
        context = browser.new_context(**PHONE, base_url=server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield tab
    for context in contexts:
        context.close()


def sign_in(page, name):
    page.goto("/admin/sign-in")
    page.get_by_label("Email").fill(f"{name.lower()}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your network")


def vote(page, review_path, scores):
    page.goto(review_path)
    for choice, score in zip(("Remove them from the network", "No change", "Discuss further"), scores, strict=True):
        page.get_by_role("group", name=choice).get_by_label(score, exact=True).check()
    page.get_by_role("button", name="Vote").click()


def test_four_coordinators_join_review_and_vote_together(tabs, axe):
    ada, bea, cai, dan, eve = (tabs() for _ in range(5))
    for page, name in ((ada, "Ada"), (bea, "Bea"), (cai, "Cai"), (dan, "Dan")):
        sign_in(page, name)

    ada.get_by_role("navigation", name="Main").get_by_role("link", name="Coordinators").click()
    ada.get_by_role("link", name="Invite a coordinator").first.click()
    ada.get_by_label("Their email").fill("eve@example.org")
    ada.get_by_label("Their name (optional)").fill("Eve")
    ada.get_by_role("button", name="Make a link").click()
    expect(ada.locator("main")).to_contain_text("this link works once one of them has agreed")
    link = re.sub(r"^https?://[^/]+", "", ada.get_by_label("One-time link").input_value())  # BASE_URL is not the test server
    eve.goto(link)
    expect(eve.locator("main")).to_contain_text("works once a second coordinator has agreed")

    bea.goto("/admin/coordinators")
    expect(bea.locator("#invitations")).to_contain_text("invited by Ada")
    bea.get_by_role("button", name="Agree Eve").click()
    expect(bea.locator("main")).to_contain_text("You agreed: the link for eve@example.org works now.")

    cai.goto("/admin/coordinators")
    cai.get_by_role("link", name="Open a review… Dan").click()
    cai.get_by_label("Why (everyone reads this)").fill("Dan has not come to a shift since the summer.")
    cai.get_by_role("button", name="Open the review").click()
    expect(cai.locator("main")).to_contain_text("The review is open. Dan has been told.")
    review_path = re.sub(r"^https?://[^/]+", "", cai.url)

    eve.goto(link)
    eve.get_by_label("New password").fill(PASSWORD)
    eve.get_by_label("The same password again").fill(PASSWORD)
    eve.get_by_role("button", name="Set my password and sign in").click()
    expect(eve.locator("main")).to_contain_text("Welcome, Eve.")
    eve.goto(review_path)
    expect(eve.locator("#no-vote")).to_contain_text("joined after this review opened")
    expect(eve.get_by_role("button", name="Vote")).to_have_count(0)

    dan.goto(review_path)
    dan.get_by_label("Your answer (everyone reads this)").fill("I was ill. I can take Mondays again.")
    dan.get_by_role("button", name="Save your answer").click()
    expect(dan.locator("#their-answer")).to_have_text("I was ill. I can take Mondays again.")

    for page, name in ((ada, "Ada"), (bea, "Bea"), (cai, "Cai")):
        vote(page, review_path, SCORES[name])
        expect(page.locator("main")).to_contain_text("Your vote is counted.")
    ada.goto(review_path)
    expect(ada.locator("#progress")).to_contain_text("3 of 4 have voted")
    expect(ada.locator("#votes")).to_have_count(0)  # secret while it is open
    vote(dan, review_path, SCORES["Dan"])

    ada.goto(review_path)
    expect(ada.locator("#outcome")).to_contain_text("Dan is no longer a coordinator.")
    votes = ada.locator("#votes")
    for name, (remove, keep, discuss) in SCORES.items():
        expect(votes.get_by_role("row", name=f"1 {name} {remove} {keep} {discuss}")).to_have_count(1)
    assert axe(ada) == []
    dan.goto("/admin/")
    expect(dan.get_by_role("heading", level=1)).to_have_text("Sign in for coordinators")  # removed, signed out

    ada.goto("/admin/journal")
    journal = ada.locator("#journal")
    for line in ("Ada invited a coordinator: eve@example.org", "Bea agreed to an invitation: eve@example.org",
                 "Eve joined", "Cai opened a review: Dan", "Dan answered a review", "Ada voted in a review: Dan",
                 "Bea voted in a review: Dan", "Cai voted in a review: Dan", "Dan voted in a review: Dan",
                 "Pantry a review closed: Dan", "Pantry removed from the network: dan@example.org"):
        expect(journal).to_contain_text(line)
    assert axe(ada) == []
