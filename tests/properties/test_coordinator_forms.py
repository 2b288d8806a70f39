"""The coordinator's forms that shape the network, sent hostile input: a site and an item made and
edited, a site's targets, labels made, revoked and replaced, a peer invited; and every admin
POST route sent JSON of any shape instead of a form.

Each example, signed in, with the page's own CSRF token most of the time: never a 500 (a 503 only
with Retry-After); a refusal (4xx, the form shown again, an error message) changed no row of any
table; the books balance; and what a success saved reads back plainly (no control characters,
within its limits, one of the allowed choices)."""
from hypothesis import given, settings, strategies as st
from sqlalchemy import select

from pantry.coordinators import invitations
from pantry.coordinators.models import Coordinator
from pantry.sites import rules as site_rules
from pantry.sites.models import SITE_KINDS, SITE_STATES, Site
from pantry.stock import items as item_rules
from pantry.stock.models import CATEGORIES, Item, Stock
from pantry.tags.models import Tag
from tests.properties.conftest import PROPERTIES, examples, page_token
from tests.properties.desk import (
    emails,
    fields_of,
    ids,
    one_line,
    plain,
    post,
    requests_of,
)
from tests.properties.hostile import (
    CHARS,
    csrf_tokens,
    header_safe,
    hostile_text,
    json_bodies,
    json_fields,
)

names = st.one_of(st.sampled_from(["Library Fridge", "Café on 5th St.", "李雷的冰箱", "Corner Fridge"]),
                  st.text(CHARS, min_size=1, max_size=30))


def site_fields():
    return {
        "name": names, "address": st.just("") | st.text(CHARS, max_size=60),
        "kind": st.sampled_from(list(SITE_KINDS)), "state": st.sampled_from(list(SITE_STATES)),
        "hours": st.just("") | st.text(CHARS, max_size=30), "notes": st.just("") | st.text(CHARS, max_size=300),
    }


def assert_sites_read_back(session):
    for site in session.scalars(select(Site)):
        assert one_line(site.name) and 0 < len(site.name) <= site_rules.NAME_MAX, repr(site.name)
        assert plain(site.address) and len(site.address) <= site_rules.ADDRESS_MAX, repr(site.address)
        assert plain(site.hours) and len(site.hours) <= site_rules.HOURS_MAX, repr(site.hours)
        assert plain(site.notes, "\t\n\r") and len(site.notes) <= site_rules.NOTES_MAX, repr(site.notes)
        assert site.kind in SITE_KINDS and site.state in SITE_STATES
        assert site_rules.SLUG_PATTERN.match(site.slug), site.slug


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_making_and_editing_a_site_takes_anything(desk, session, world, data):
    path = data.draw(st.sampled_from(["/admin/sites/new", f"/admin/sites/{world.slug}/edit"]), label="path")
    token = data.draw(csrf_tokens(page_token(desk, path)), label="csrf")
    pairs = data.draw(fields_of(site_fields()), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    answer = post(desk, session, path, body, content_type, headers)
    if answer.status_code == 303:
        assert_sites_read_back(session)


@settings(PROPERTIES, max_examples=examples(50))
@given(data=st.data())
def test_making_and_editing_an_item_takes_anything(desk, session, world, data):
    path = data.draw(st.sampled_from(["/admin/items/new", f"/admin/items/{world.beans}/edit"]), label="path")
    token = data.draw(csrf_tokens(page_token(desk, path)), label="csrf")
    fields = {"name": names, "category": st.sampled_from(list(CATEGORIES)),
              "unit": st.sampled_from(["", "can", "1 L carton"]) | st.text(CHARS, max_size=50)}
    pairs = data.draw(fields_of(fields), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    answer = post(desk, session, path, body, content_type, headers)
    if answer.status_code == 303:
        for item in session.scalars(select(Item)):
            assert one_line(item.name) and 0 < len(item.name) <= item_rules.NAME_MAX, repr(item.name)
            assert one_line(item.unit) and len(item.unit) <= item_rules.UNIT_MAX, repr(item.unit)
            assert item.category in CATEGORIES


@settings(PROPERTIES, max_examples=examples(50))
@given(data=st.data())
def test_a_sites_targets_take_anything(desk, session, world, data):
    path = f"/admin/sites/{world.slug}/targets"
    token = data.draw(csrf_tokens(page_token(desk, path)), label="csrf")
    target = st.sampled_from(["", "0", "12", "9999", "10000", "-1"]) | st.integers(-5, 10_050).map(str)
    fields = {f"item_{world.beans}": target, f"item_{world.milk}": target,
              data.draw(st.sampled_from(["item_0", "item_x", f"item_{2**63}", "item_"])): target}
    pairs = data.draw(fields_of(fields), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    answer = post(desk, session, path, body, content_type, headers)
    if answer.status_code == 303:
        for target in session.scalars(select(Stock.target)):
            assert target is None or (type(target) is int and 0 <= target <= item_rules.TARGET_MAX), target


@settings(PROPERTIES, max_examples=examples(50))
@given(data=st.data())
def test_making_a_label_takes_anything(desk, session, world, data):
    path = f"/admin/sites/{world.slug}/tags"
    token = data.draw(csrf_tokens(page_token(desk, path)), label="csrf")
    fields = {"purpose": st.sampled_from(["site", "item", "care"]),
              "item": st.just("") | ids([world.beans, world.milk])}
    pairs = data.draw(fields_of(fields), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    answer = post(desk, session, path, body, content_type, headers)
    if answer.status_code == 303:
        made = session.scalars(select(Tag).order_by(Tag.id.desc()).limit(1)).one()
        assert made.code.isascii() and made.code.isalnum() and made.site_id == world.site_id
        assert made.purpose in ("site", "item", "care")
        assert (made.item_id is not None) == (made.purpose == "item")


@settings(PROPERTIES, max_examples=examples(50))
@given(data=st.data())
def test_revoking_and_replacing_a_label_takes_anything(desk, session, world, data):
    token = data.draw(csrf_tokens(page_token(desk, f"/admin/tags/{world.item_code}")), label="csrf")
    code = data.draw(st.one_of(
        st.sampled_from([world.site_code, world.item_code, world.care_code]),
        st.sampled_from([world.item_code]).map(str.lower),
        st.text(st.characters(codec="ascii", exclude_characters="/?#%"), min_size=1, max_size=12),
        st.text(CHARS, min_size=1, max_size=40).filter(lambda code: "/" not in code),
    ), label="code")
    action = data.draw(st.sampled_from(["revoke", "replace"]), label="action")
    pairs = data.draw(fields_of({}), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    before = session.scalar(select(Tag.id).order_by(Tag.id.desc()).limit(1))
    post(desk, session, f"/admin/tags/{code}/{action}", body, content_type, headers)
    for tag in session.scalars(select(Tag).where(Tag.id > before)):  # only a replace makes one
        assert tag.code.isascii() and tag.code.isalnum() and tag.revoked_at is None


@settings(PROPERTIES, max_examples=examples(50))
@given(data=st.data())
def test_inviting_a_peer_takes_anything(desk, session, world, data):
    token = data.draw(csrf_tokens(page_token(desk, "/admin/invite")), label="csrf")
    fields = {"email": emails, "name": st.sampled_from(["", "Grace", "José María"]) | hostile_text}
    pairs = data.draw(fields_of(fields), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    answer = post(desk, session, "/admin/invite", body, content_type, headers)
    if answer.status_code == 200 and "csrf_token" not in answer.text:  # the page with the link
        for person in session.scalars(select(Coordinator)):
            assert invitations.EMAIL_PATTERN.fullmatch(person.email), repr(person.email)
            assert person.email == person.email.lower() and len(person.email) <= invitations.EMAIL_MAX
            assert one_line(person.name) or person.name == "", repr(person.name)


def admin_posts(world):
    return [
        "/admin/sites/new", f"/admin/sites/{world.slug}/edit", "/admin/items/new", f"/admin/items/{world.beans}/edit",
        f"/admin/sites/{world.slug}/targets", f"/admin/sites/{world.slug}/tags", f"/admin/tags/{world.site_code}/revoke",
        f"/admin/tags/{world.item_code}/replace", f"/admin/sites/{world.slug}/count", "/admin/invite",
        f"/admin/sites/{world.slug}/patterns/new", f"/admin/sites/{world.slug}/shifts/new",
        f"/admin/shifts/{world.shift_id}/cancel",
    ]


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_every_admin_form_sent_json_of_any_shape_never_fails(desk, session, world, data):
    """A form's view reads a JSON body as its fields when the request says JSON (Flask-WTF does):
    a list, a number or a nested object there must be a refusal, not a crash."""
    path = data.draw(st.sampled_from(admin_posts(world)), label="path")
    token = data.draw(csrf_tokens(page_token(desk, "/admin/invite")), label="csrf")
    plausible = {"name": names, "kind": st.sampled_from(["cleaning", "fridge"]), "item": st.just(world.beans),
                 "counted": st.integers(-1, 10), "key": st.just("k" * 16), "email": emails}
    fields = data.draw(json_fields(plausible), label="fields")
    body, content_type = data.draw(json_bodies(fields), label="body")
    headers = {} if token is None else {"X-CSRFToken": header_safe(token)}
    post(desk, session, path, body, content_type, headers)
    assert_sites_read_back(session)
