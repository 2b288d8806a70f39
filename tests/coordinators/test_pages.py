"""Every coordinator page, read as a browser would: each control has a label, ids are unique,
every POST form carries its CSRF token, and no page needs a script."""
from datetime import date
from html.parser import HTMLParser

import pytest

from pantry.database import utcnow
from pantry.stock import ledger
from pantry.tags.rules import issue_tag
from tests.conftest import key


class Page(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.ids, self.label_for, self.controls, self.forms, self.scripts = [], set(), [], [], 0
        self.open_labels = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag == "script":
            self.scripts += 1
        elif tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "csrf": False})
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and attrs.get("name") == "csrf_token" and self.forms:
                self.forms[-1]["csrf"] = True
            if attrs.get("type") != "hidden":
                self.controls.append((attrs.get("id"), attrs.get("name"), self.open_labels > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


@pytest.fixture
def network(session, make_site, make_item):
    fridge = make_site("Corner Fridge")
    beans = make_item("Canned beans")
    make_item("Milk 1 L", "dairy", "carton")
    entry = ledger.restock(session, fridge.id, beans.id, 6, key(), utcnow(), best_before=date(2027, 1, 1))
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    return {"site": fridge, "item": beans, "entry": entry, "tag": tag}


def pages(network):
    slug, item, entry, tag = "corner-fridge", network["item"], network["entry"], network["tag"]
    return ["/admin/", "/admin/sites", "/admin/sites/new", f"/admin/sites/{slug}/edit", "/admin/items",
            "/admin/items/new", f"/admin/items/{item.id}/edit", f"/admin/sites/{slug}/targets",
            f"/admin/sites/{slug}/stock", f"/admin/sites/{slug}/tags", f"/admin/tags/{tag.code}",
            f"/admin/sites/{slug}/ledger", f"/admin/sites/{slug}/ledger/{entry.id}", "/admin/invite"]


def test_every_page_is_labelled_and_protected(admin, network):
    for path in pages(network):
        answer = admin.get(path)
        assert answer.status_code == 200, path
        page = Page(answer.text)
        assert len(page.ids) == len(set(page.ids)), (path, sorted(page.ids))
        for control_id, name, wrapped in page.controls:
            assert wrapped or control_id in page.label_for, (path, name)
        assert all(form["csrf"] for form in page.forms if form["method"] == "post"), path
        assert page.scripts == 0, path


def test_the_sign_in_and_welcome_pages_are_labelled_too(client, session):
    from pantry.coordinators import invitations

    _, link = invitations.invite(session, "bea@example.org", "", utcnow(), "https://pantry.example",
                                 days=7, invited_by="")
    session.commit()
    for path in ("/admin/sign-in", link.removeprefix("https://pantry.example")):
        page = Page(client.get(path).text)
        for control_id, name, wrapped in page.controls:
            assert wrapped or control_id in page.label_for, (path, name)
        assert all(form["csrf"] for form in page.forms if form["method"] == "post"), path
