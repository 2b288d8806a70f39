"""A neighbour asks, a donor promises and brings it through the label, and a Spanish-speaking
phone finds it across the network: with JavaScript on and off, on a 360 px phone."""
import pytest
from playwright.sync_api import expect

from pantry.database import utcnow
from pantry.needs.models import ItemName
from pantry.tags.rules import issue_tag
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.once

both = pytest.mark.parametrize("phone", [True, False], ids=["javascript", "no-javascript"], indirect=True)


@both
def test_ask_promise_restock_kept_and_found_in_spanish(phone, browser, server, session, make_site, make_item,
                                                     request):
    fridge = make_site("Fulton St Fridge", address="12 Fulton St", latitude=40.6928, longitude=-73.9903,
                       neighbourhood="Downtown")
    milk = make_item("Milk 1 L", "dairy", "carton")
    make_item("Canned beans")
    session.add(ItemName(item_id=milk.id, language="es", name="Leche 1 L"))
    label = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    main = phone.locator("main")

    phone.goto(f"/sites/{fridge.slug}")
    phone.get_by_role("link", name="I'd need something").click()
    phone.get_by_label("Something on the list").select_option(label="Milk 1 L")
    phone.get_by_role("button", name="Count my ask").click()
    expect(main).to_contain_text("your ask is counted")
    need = phone.get_by_role("listitem").filter(has_text="Milk 1 L")
    expect(need).to_contain_text("asked for by 1 neighbour this week")

    need.get_by_role("link", name="I'll bring it").click()
    phone.get_by_label("How many").fill("6")
    phone.get_by_role("button", name="Promise it").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("You promised")
    expect(main).to_contain_text("6 promised for today")
    promise_link = phone.url
    phone.goto(f"/sites/{fridge.slug}/needs")
    expect(phone.get_by_role("listitem").filter(has_text="Milk 1 L")).to_contain_text("6 promised for today")

    phone.goto(f"/t/{label.code}")
    added = phone.locator("form").filter(has=phone.get_by_role("button", name="Log what I added"))
    added.get_by_label("What").select_option(label="Milk 1 L")
    added.get_by_label("How many", exact=True).fill("6")
    added.get_by_role("button", name="Log what I added").click()
    expect(main).to_contain_text("Logged: added 6 Milk 1 L")

    phone.goto(promise_link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Promise kept: thank you!")
    phone.goto(f"/sites/{fridge.slug}")
    line = phone.locator("ul.stock li").filter(has_text="Milk 1 L").first
    expect(line).to_contain_text("6")
    needed = phone.locator("#needs ~ ul.stock li").filter(has_text="Milk 1 L")
    expect(needed).to_contain_text("asked for by 1 neighbour this week")
    expect(needed).not_to_contain_text("promised")

    spanish = browser.new_context(**{**PHONE, "locale": "es-ES"}, base_url=server,
                                  java_script_enabled=request.node.callspec.params["phone"])
    try:
        tab = spanish.new_page()
        tab.goto("/")
        tab.get_by_label("¿Dónde encuentro...?").fill("leche")
        tab.get_by_role("button", name="Buscar", exact=True).click()
        result = tab.get_by_role("listitem").filter(has_text="Fulton St Fridge")
        expect(result).to_contain_text("6 Leche 1 L")
        expect(result.get_by_role("link", name="Abrir en mi app de mapas")).to_have_attribute(
            "href", "geo:40.69280,-73.99030")
        expect(result.get_by_role("link", name="OpenStreetMap")).to_have_attribute(
            "href", "https://www.openstreetmap.org/?mlat=40.69280&mlon=-73.99030#map=17/40.69280/-73.99030")
    finally:
        spanish.close()

