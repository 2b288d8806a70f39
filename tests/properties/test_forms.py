"""The HTML forms, sent hostile input: the log at the fridge (form and its JSON variant), undo,
the sign-up, the cleaning checklist and its one-tap removal, the coordinator sign-in.

Each example: the answer is never a 500 (a 503 only with Retry-After), a 4xx wrote nothing
(every table's row count unchanged), and the books still balance. The page's own CSRF token is
sent most of the time so the parsers behind it are reached; sometimes it is missing or garbled."""
import uuid
from urllib.parse import urlsplit

from hypothesis import given, settings, strategies as st
from sqlalchemy import select

from pantry.stock.models import Batch
from tests.properties.conftest import (
    PASSWORD,
    PROPERTIES,
    examples,
    page_token,
    send,
)
from tests.properties.hostile import (
    csrf_tokens,
    dates_as_typed,
    form_bodies,
    form_fields,
    header_safe,
    hostile_text,
    json_bodies,
    json_fields,
    keys,
    numbers_as_strings,
    with_token,
)

fresh_key = st.builds(lambda: uuid.uuid4().hex)


@st.composite
def codes(draw, world, purpose):
    """Mostly the label's real code, sometimes another label's, a lower-case one, or nonsense."""
    real = {"log": [world.site_code, world.item_code], "care": [world.care_code]}[purpose]
    return draw(st.one_of(
        st.sampled_from(real), st.sampled_from(real), st.sampled_from(real).map(str.lower),
        st.sampled_from([world.site_code, world.item_code, world.care_code]),
        st.text(st.characters(codec="ascii", exclude_characters="/?#%"), min_size=1, max_size=12),
    ))


def log_fields(world):
    return {
        "key": keys, "kind": st.sampled_from(["take", "restock"]),
        "item": st.sampled_from([world.beans, world.milk]).map(str) | numbers_as_strings,
        "quantity": st.integers(-2, 60).map(str) | numbers_as_strings,
        "best_before": st.just("") | dates_as_typed, "back_item": st.just(str(world.beans)) | hostile_text,
    }


@settings(PROPERTIES, max_examples=examples(120))
@given(data=st.data())
def test_the_log_form_takes_anything_and_never_fails(client, session, world, data):
    code = data.draw(codes(world, "log"), label="code")
    token = data.draw(csrf_tokens(page_token(client, f"/t/{world.site_code}")), label="csrf")
    pairs = data.draw(form_fields(log_fields(world)), label="fields")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    send(client, session, f"/t/{code}/log", body, content_type)


@settings(PROPERTIES, max_examples=examples(120))
@given(data=st.data())
def test_the_log_as_json_takes_anything_and_never_fails(client, session, world, data):
    code = data.draw(codes(world, "log"), label="code")
    token = data.draw(csrf_tokens(page_token(client, f"/t/{world.site_code}")), label="csrf")
    plausible = {
        "key": keys, "kind": st.sampled_from(["take", "restock"]),
        "item": st.sampled_from([world.beans, world.milk]), "quantity": st.integers(-2, 60),
        "best_before": dates_as_typed,
    }
    fields = data.draw(json_fields(plausible), label="fields")
    body, content_type = data.draw(json_bodies(fields), label="body")
    answer = send(client, session, f"/t/{code}/log", body, content_type,
                  {} if token is None else {"X-CSRFToken": header_safe(token)})
    if answer.status_code == 201:
        assert answer.json["movement"]["quantity"] >= 1


@settings(PROPERTIES, max_examples=examples(50))
@given(data=st.data())
def test_undo_takes_anything_and_never_fails(client, session, world, data):
    token = page_token(client, f"/t/{world.site_code}")
    # Something this browser logged, so that some undos are allowed.
    logged = client.post(f"/t/{world.site_code}/log", data={
        "csrf_token": token, "key": uuid.uuid4().hex, "kind": "restock", "item": world.beans, "quantity": "1"})
    assert logged.status_code == 303
    fields = {"key": keys, "movement": st.integers(0, 20).map(str) | numbers_as_strings}
    pairs = data.draw(form_fields(fields), label="fields")
    token = data.draw(csrf_tokens(token), label="csrf")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    send(client, session, f"/t/{world.site_code}/undo", body, content_type)


@settings(PROPERTIES, max_examples=examples(80))
@given(data=st.data())
def test_the_sign_up_form_takes_anything_and_never_fails(client, session, world, data):
    shift = data.draw(st.sampled_from([world.shift_id] * 4 + [0, world.shift_id + 1000, 2**31 - 1]), label="shift")
    token = data.draw(csrf_tokens(page_token(client, f"/shifts/{world.shift_id}")), label="csrf")
    fields = {
        "key": keys, "name": st.sampled_from(["Ana", "José María", "李雷"]) | hostile_text,
        "email": st.sampled_from(["", "ana@example.org", "ANA@Example.org "]) | hostile_text,
        "phone": st.sampled_from(["", "+1 555 0100"]) | hostile_text, "show_name": st.sampled_from(["y", "", "on"]),
    }
    pairs = data.draw(form_fields(fields), label="fields")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    send(client, session, f"/shifts/{shift}/sign-up", body, content_type)


@settings(PROPERTIES, max_examples=examples(80))
@given(data=st.data())
def test_the_care_checklist_takes_anything_and_never_fails(client, session, world, data):
    code = data.draw(codes(world, "care"), label="code")
    token = data.draw(csrf_tokens(page_token(client, f"/care/{world.care_code}")), label="csrf")
    fields = {
        "key": keys, "ticked": st.sampled_from(["shelves", "seal_and_floor", "past_date_removed"]),
        "reading": st.sampled_from(["", "4", "3,5", "-18", "39.2", "41", "-40.05"]) | numbers_as_strings,
        "note": st.just("") | hostile_text,
    }
    pairs = data.draw(form_fields(fields), label="fields")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    send(client, session, f"/care/{code}", body, content_type)


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_removing_a_batch_at_cleaning_takes_anything_and_never_fails(client, session, world, data):
    token = data.draw(csrf_tokens(page_token(client, f"/care/{world.care_code}")), label="csrf")
    session.rollback()
    batches = [str(batch) for batch in session.scalars(select(Batch.id).order_by(Batch.id))]
    fields = {
        "key": keys, "batch": st.sampled_from(batches) | numbers_as_strings,
        "quantity": st.integers(-1, 10).map(str) | numbers_as_strings,
    }
    pairs = data.draw(form_fields(fields), label="fields")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    send(client, session, f"/care/{world.care_code}/discard", body, content_type)


@settings(PROPERTIES, max_examples=examples(30))
@given(data=st.data())
def test_the_sign_in_form_takes_anything_and_never_fails(app, session, world, data):
    client = app.test_client()  # a browser of its own: a sign-in that works changes the session
    token = data.draw(csrf_tokens(page_token(client, "/admin/sign-in")), label="csrf")
    fields = {
        "email": st.sampled_from([world.coordinator_email, world.coordinator_email.upper() + " "]) | hostile_text,
        "password": st.just(PASSWORD) | hostile_text,
        "next": st.sampled_from(["", "/admin/", "//evil.example", "/\\evil.example", "https://evil.example/",
                                 "/\t/evil.example", "javascript:alert(1)"]) | hostile_text,
    }
    pairs = data.draw(form_fields(fields), label="fields")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    answer = send(client, session, "/admin/sign-in", body, content_type)
    if answer.status_code in (301, 302, 303):  # signed in: it goes on to a page of this site only
        target = urlsplit(answer.headers["Location"])
        assert target.netloc in ("", "localhost") and target.path.startswith("/admin"), answer.headers["Location"]

