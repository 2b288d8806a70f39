"""The needs pages and their states, for tests/browser/test_accessibility.py to examine."""


def needs_pages(page, world, go, submit):
    slug = world.fridge.slug
    go(page, f"/sites/{slug}/needs")
    yield page, "a site's needs, with the ask form"
    submit(page, "form[action$='/asks']", name="ana@example.org")
    yield page, "an ask refused (form errors)"
    submit(page, "form[action$='/asks']", name="Oat milk")
    yield page, "the needs after an ask"
    go(page, f"/sites/{slug}/promise?item={world.milk.id}")
    yield page, "the promise form"
    submit(page, "form[action$='/promises']", quantity="0")
    yield page, "a promise refused (form errors)"
    submit(page, "form[action$='/promises']", quantity="3")
    yield page, "a promise's private page"
    submit(page, "form[action$='/cancel']")
    yield page, "a promise cancelled"
    go(page, "/promises/no-such-link", 404)
    yield page, "an unknown promise link"
    go(page, "/find?q=milk")
    yield page, "where can I find milk"
    go(page, "/find?q=milk&lat=91&lon=0", 400)
    yield page, "a search refused"
    go(page, f"/sites/{slug}/share")
    yield page, "the share page"
