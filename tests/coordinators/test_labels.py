"""A site's labels: make one, revoke it (the code then answers 410), replace it, download sheets to print."""
import pypdfium2
import pytest
from sqlalchemy import func, select

from pantry.database import utcnow
from pantry.tags.models import Tag
from pantry.tags.rules import issue_tag, revoke_tag
from tests.conftest import csrf_token
from tests.coordinators.conftest import post_form


@pytest.fixture
def site_tag(session, fridge):
    tag = issue_tag(session, fridge, "site", utcnow())
    session.commit()
    return tag


def live(session):
    session.expire_all()
    return session.scalars(select(Tag).where(Tag.revoked_at.is_(None)).order_by(Tag.id)).all()


def test_making_a_site_label_and_an_item_label(admin, session, fridge, make_item):
    beans = make_item("Canned beans")
    page = admin.get("/admin/sites/corner-fridge/tags")
    assert page.status_code == 200
    assert "No labels yet" in page.text
    token = csrf_token(page.text)
    answer = admin.post("/admin/sites/corner-fridge/tags", data={"csrf_token": token, "purpose": "site"})
    assert answer.status_code == 303
    [made] = live(session)
    assert (made.purpose, made.site_id, made.item_id) == ("site", fridge.id, None)
    assert f"New label {made.code}" in admin.get(answer.headers["Location"]).text

    answer = post_form(admin, "/admin/sites/corner-fridge/tags", purpose="item", item=str(beans.id))
    assert answer.status_code == 303
    item_tag = live(session)[1]
    assert (item_tag.purpose, item_tag.item_id) == ("item", beans.id)
    listing = admin.get("/admin/sites/corner-fridge/tags").text
    assert made.code in listing and item_tag.code in listing
    assert "Opens Canned beans" in listing
    assert admin.get(f"/t/{item_tag.code}").status_code == 200


@pytest.mark.parametrize(
    "data, message",
    [({"purpose": "item", "item": ""}, "Choose the item this label is for."),
     ({"purpose": "item", "item": "999999"}, "Not a valid choice."),
     ({"purpose": "item", "item": "beans"}, "Invalid Choice: could not coerce."),
     ({"purpose": "party"}, "Not a valid choice."),
     ({"purpose": ""}, "Choose what the label opens.")],
)
def test_a_bad_label_request_is_refused(admin, session, fridge, make_item, data, message):
    make_item("Canned beans")
    answer = post_form(admin, "/admin/sites/corner-fridge/tags", **data)
    assert answer.status_code == 422
    assert message in answer.text
    assert session.scalar(select(func.count()).select_from(Tag)) == 0


def test_revoking_a_label_makes_its_code_gone(admin, session, site_tag):
    page = admin.get(f"/admin/tags/{site_tag.code}")
    assert page.status_code == 200
    answer = admin.post(f"/admin/tags/{site_tag.code}/revoke", data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 303
    assert f"Label {site_tag.code} no longer works." in admin.get(answer.headers["Location"]).text
    assert live(session) == []
    assert admin.get(f"/t/{site_tag.code}").status_code == 410
    again = admin.post(f"/admin/tags/{site_tag.code}/revoke", data={"csrf_token": csrf_token(page.text)})
    assert "was already out of use" in admin.get(again.headers["Location"]).text
    assert "Out of use since" in admin.get(f"/admin/tags/{site_tag.code}").text


def test_replacing_a_label_revokes_it_and_makes_a_new_code(admin, session, site_tag):
    token = csrf_token(admin.get(f"/admin/tags/{site_tag.code}").text)
    answer = admin.post(f"/admin/tags/{site_tag.code}/replace", data={"csrf_token": token})
    assert answer.status_code == 303
    [new] = live(session)
    assert new.code != site_tag.code
    assert (new.purpose, new.site_id) == ("site", site_tag.site_id)
    assert answer.headers["Location"] == f"/admin/tags/{new.code}"
    assert f"Its replacement is {new.code}" in admin.get(answer.headers["Location"]).text
    assert admin.get(f"/t/{site_tag.code}").status_code == 410
    assert admin.get(f"/t/{new.code}").status_code == 200
    # A second tap on the old label's button makes no second code.
    twice = admin.post(f"/admin/tags/{site_tag.code}/replace", data={"csrf_token": token})
    assert "cannot be replaced" in admin.get(twice.headers["Location"]).text
    assert len(live(session)) == 1


def test_an_unknown_label_is_404(admin):
    assert admin.get("/admin/tags/ZZZZZZZZ").status_code == 404
    token = csrf_token(admin.get("/admin/").text)
    assert admin.post("/admin/tags/ZZZZZZZZ/revoke", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("paper, size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_downloading_a_sheet_of_the_sites_labels(admin, session, fridge, site_tag, make_item, paper, size):
    issue_tag(session, fridge, "item", utcnow(), item=make_item("Canned beans"))
    session.commit()
    answer = admin.get(f"/admin/sites/corner-fridge/labels-{paper}.pdf")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"] == f'attachment; filename="labels-corner-fridge-{paper}.pdf"'
    pdf = pypdfium2.PdfDocument(answer.data)
    try:
        assert len(pdf) == 1
        assert tuple(round(side) for side in pdf[0].get_size()) == size
    finally:
        pdf.close()


def test_downloading_one_label(admin, session, site_tag):
    answer = admin.get(f"/admin/tags/{site_tag.code}/label-letter.pdf")
    assert answer.status_code == 200
    assert answer.data.startswith(b"%PDF")
    assert answer.headers["Content-Disposition"] == f'attachment; filename="label-{site_tag.code}-letter.pdf"'
    revoke_tag(session, site_tag, utcnow())
    session.commit()
    assert admin.get(f"/admin/tags/{site_tag.code}/label-a4.pdf").status_code == 410


def test_a_sheet_needs_a_known_paper_and_a_label(admin, fridge, site_tag, make_site):
    assert admin.get("/admin/sites/corner-fridge/labels-a5.pdf").status_code == 404
    assert admin.get(f"/admin/tags/{site_tag.code}/label-tabloid.pdf").status_code == 404
    make_site("Library Pantry")
    empty = admin.get("/admin/sites/library-pantry/labels-a4.pdf")
    assert empty.status_code == 303
    assert "has no labels yet" in admin.get(empty.headers["Location"]).text
