"""The API's one write, POST /api/v1/sites/<slug>/movements, sent any JSON at all (and some
that is not JSON): never a 500, always a JSON answer with a code, a 4xx writes nothing, the
books balance; a 201 is a movement the body asked for, within the deployment's limits."""
from hypothesis import given, settings, strategies as st

from tests.properties.conftest import PROPERTIES, examples, send
from tests.properties.hostile import (
    HUGE,
    dates_as_typed,
    json_bodies,
    json_fields,
    keys,
)


@settings(PROPERTIES, max_examples=examples(150))
@given(data=st.data())
def test_a_movement_body_of_anything_never_fails(app, client, session, world, data):
    token = client.get("/api/v1/csrf-token").json["csrf_token"]
    slug = data.draw(st.sampled_from([world.slug] * 6 + ["no-such-site", "%00", "a" * 300]), label="slug")
    plausible = {
        "key": keys, "kind": st.sampled_from(["take", "restock", "discard", "count", "correction"]),
        "item": st.sampled_from([world.beans, world.milk]) | st.sampled_from(HUGE) | st.integers(),
        "quantity": st.integers(-2, 60) | st.sampled_from(HUGE), "best_before": dates_as_typed,
    }
    fields = data.draw(json_fields(plausible), label="fields")
    body, content_type = data.draw(json_bodies(fields), label="body")
    header = data.draw(st.sampled_from(["good"] * 8 + ["missing", "stale"]), label="csrf")
    headers = {"good": {"X-CSRFToken": token}, "missing": {}, "stale": {"X-CSRFToken": token[:-3] + "abc"}}[header]
    answer = send(client, session, f"/api/v1/sites/{slug}/movements", body, content_type, headers)
    assert answer.content_type == "application/json"
    if answer.status_code >= 400:
        assert answer.json["code"] and answer.json["message"]
    if answer.status_code == 201:
        movement = answer.json["movement"]
        least = 0 if movement["kind"] == "count" else 1
        assert least <= movement["quantity"] <= app.config["MAX_LOG_QUANTITY"]
