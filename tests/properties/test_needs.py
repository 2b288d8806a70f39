"""Asks, promises, a promise's link and the search, sent hostile input: never a 500, a 4xx wrote
nothing, the books balance; and the search parser either reads a query or refuses it in words."""
import uuid

from hypothesis import given, settings, strategies as st
from werkzeug.datastructures import MultiDict

from pantry.clock import local_today
from pantry.needs import search
from pantry.needs.errors import NeedsError
from tests.properties.conftest import PROPERTIES, assert_answered, examples, page_token, send
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

degrees = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str), numbers_as_strings, hostile_text,
                    st.floats(-180, 180).map(lambda value: f"{value:.4f}"))


@settings(PROPERTIES, max_examples=examples(100))
@given(data=st.data())
def test_the_ask_form_takes_anything_and_never_fails(client, session, world, data):
    token = data.draw(csrf_tokens(page_token(client, f"/sites/{world.slug}/needs")), label="csrf")
    fields = {"key": keys, "item": st.sampled_from([str(world.beans), ""]) | numbers_as_strings,
              "name": st.sampled_from(["Oat milk", "", "ana@example.org"]) | hostile_text}
    pairs = data.draw(form_fields(fields), label="fields")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    send(client, session, f"/sites/{world.slug}/asks", body, content_type)


def promise_fields(world):
    return {"key": keys, "item": st.sampled_from([str(world.milk)]) | numbers_as_strings,
            "quantity": st.integers(-2, 60).map(str) | numbers_as_strings,
            "day": st.just(local_today().isoformat()) | dates_as_typed,
            "email": st.sampled_from(["", "bea@example.org"]) | hostile_text}


@settings(PROPERTIES, max_examples=examples(100))
@given(data=st.data())
def test_the_promise_form_takes_anything_and_never_fails(client, session, world, data):
    token = data.draw(csrf_tokens(page_token(client, f"/sites/{world.slug}/promise")), label="csrf")
    pairs = data.draw(form_fields(promise_fields(world)), label="fields")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    send(client, session, f"/sites/{world.slug}/promises", body, content_type)


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_a_promises_link_takes_anything_and_never_fails(client, session, world, data):
    token = page_token(client, f"/sites/{world.slug}/promise")
    made = client.post(f"/sites/{world.slug}/promises", data={
        "csrf_token": token, "key": uuid.uuid4().hex, "item": world.milk, "quantity": "2",
        "day": local_today().isoformat()})
    assert made.status_code == 303
    link = data.draw(st.sampled_from([made.headers["Location"]] * 3 + ["/promises/nope", "/promises/" + "0" * 40]))
    fields = {"quantity": st.integers(-2, 60).map(str) | numbers_as_strings,
              "day": st.just(local_today().isoformat()) | dates_as_typed}
    pairs = data.draw(form_fields(fields), label="fields")
    token = data.draw(csrf_tokens(token), label="csrf")
    body, content_type = data.draw(form_bodies(with_token(pairs, token)), label="body")
    send(client, session, link + data.draw(st.sampled_from(["", "/cancel"])), body, content_type)


@settings(PROPERTIES, max_examples=examples(80))
@given(data=st.data())
def test_the_api_writes_take_anything_and_never_fail(client, session, world, data):
    kind = data.draw(st.sampled_from(["asks", "promises"]), label="kind")
    token = data.draw(csrf_tokens(client.get("/api/v1/csrf-token").json["csrf_token"]), label="csrf")
    plausible = {"key": keys, "item": st.sampled_from([world.milk, world.beans]),
                 "quantity": st.integers(-2, 60), "day": dates_as_typed, "email": hostile_text,
                 "name": st.sampled_from(["Oat milk"]) | hostile_text}
    fields = data.draw(json_fields(plausible), label="fields")
    body, content_type = data.draw(json_bodies(fields), label="body")
    send(client, session, f"/api/v1/sites/{world.slug}/{kind}", body, content_type,
         {} if token is None else {"X-CSRFToken": header_safe(token)})


@settings(PROPERTIES, max_examples=examples(300))
@given(q=st.one_of(hostile_text, st.text(max_size=200)), lat=st.none() | degrees, lon=st.none() | degrees,
       near=st.none() | hostile_text)
def test_the_search_parser_reads_or_refuses_in_words(app, q, lat, lon, near):
    args = MultiDict({name: value for name, value in (("q", q), ("lat", lat), ("lon", lon), ("near", near))
                      if value is not None})
    try:
        query = search.parse(args)
    except NeedsError as refusal:
        assert refusal.status == 400 and str(refusal.message)
        return
    assert len(query.text) <= search.QUERY_MAX
    assert (query.latitude is None) == (query.longitude is None)
    if query.located:
        assert -90 <= query.latitude <= 90 and -180 <= query.longitude <= 180
        assert round(query.latitude, search.PLACES) == query.latitude  # about 1 km, never finer


@settings(PROPERTIES, max_examples=examples(80))
@given(q=hostile_text, lat=st.none() | degrees, lon=st.none() | degrees, near=st.none() | hostile_text)
def test_the_search_page_and_endpoint_never_fail(client, world, q, lat, lon, near):
    query = {name: value for name, value in (("q", q), ("lat", lat), ("lon", lon), ("near", near)) if value is not None}
    for path in ("/find", "/api/v1/find"):
        answer = client.get(path, query_string=query)
        assert_answered(answer)
        assert answer.status_code in (200, 400), (path, answer.status_code)
