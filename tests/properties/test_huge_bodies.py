"""Bodies above MAX_CONTENT_LENGTH on every POST route the app has (found by walking its URL map,
its addresses filled with real codes, slugs and ids, signed in as a coordinator): 413, never a
500, nothing written. Also a streamed body with no Content-Length, as a chunked upload arrives."""
import io
import json
from datetime import time

import pytest
from sqlalchemy import select

from pantry.clock import deployment_zone, local_today
from pantry.coordinators import invitations
from pantry.database import utcnow
from pantry.shifts import planning, signups
from pantry.sites.models import Site
from pantry.stock.models import Movement
from tests.conftest import key
from tests.properties.conftest import PASSWORD, assert_answered, page_token, row_counts


@pytest.fixture
def addresses(app, session, world):
    """Every POST rule's path, with real values in its converters."""
    now, zone = utcnow(), deployment_zone()
    pattern = planning.save_pattern(
        session, session.get(Site, world.site_id), now, zone, kind="cleaning", weekdays=1,
        starts_at=time(9), ends_at=time(9, 30), capacity=2, first_day=local_today(), last_day=None,
    ).pattern
    sign_up_key = key()
    token = signups.manage_token(app.secret_key, sign_up_key)
    signups.sign_up(session, world.shift_id, "Ana", None, None, False, sign_up_key, token, now)
    _, link = invitations.invite(session, "new@example.org", "", now, "https://pantry.example", 7, "test")
    session.commit()
    values = {
        "slug": world.slug, "item_id": world.beans, "shift_id": world.shift_id, "pattern_id": pattern.id,
        "movement_id": session.scalar(select(Movement.id).limit(1)),
        # A body too large is refused before its view looks anything up: any value builds the path.
        "link": "a-link", "token": "a-token", "report_id": 1, "photo_id": 1, "suggestion_id": 1, "review_id": 1,
        "recovery_id": 1, "message_id": 1, "hook_id": 1, "coordinator_id": 1, "invitation_id": 1, "action": "remove",
    }
    by_endpoint = {
        "shifts.cancel": {"token": token}, "coordinators.welcome": {"token": link.rsplit("/", 1)[1]},
        "care.record": {"code": world.care_code}, "care.discard": {"code": world.care_code},
    }
    paths = {}
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        arguments = {name: values.get(name) for name in rule.arguments}
        arguments.update({"code": world.site_code} if "code" in rule.arguments else {})
        arguments.update({name: value for name, value in by_endpoint.get(rule.endpoint, {}).items()
                          if name in rule.arguments})
        assert None not in arguments.values(), (rule.rule, arguments)
        _, paths[rule.endpoint] = rule.build(arguments)
    # The report form takes a photo: its own limit (10 MB, tests/reports) is above the one tried here.
    # The one-click unsubscribe (RFC 8058) carries no CSRF token: a wrong link is 404 before any body.
    for endpoint in ("reports.send", "public.unfollow"):
        paths.pop(endpoint, None)
    assert len(paths) >= 20, "the walk found too few POST routes"
    return paths


def signed_in(client, world):
    token = page_token(client, "/admin/sign-in")
    answer = client.post("/admin/sign-in", data={"csrf_token": token, "email": world.coordinator_email,
                                                 "password": PASSWORD})
    assert answer.status_code == 303
    return page_token(client, "/admin/invite")


def too_large(app, token):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    return {
        "form": ((b"csrf_token=" + token.encode() + b"&key=" + key().encode() + b"&note=").ljust(size, b"x"),
                 "application/x-www-form-urlencoded"),
        "json": (json.dumps({"key": key(), "kind": "take", "item": 1, "quantity": 1, "note": "x" * size}).encode(),
                 "application/json"),
        "multipart": ((b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token.encode()
                       + b"\r\n--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n").ljust(size, b"x")
                      + b"\r\n--b--\r\n", "multipart/form-data; boundary=b"),
    }


def test_every_post_route_answers_a_body_too_large_with_413(app, client, session, world, addresses):
    token = signed_in(client, world)
    before = row_counts(session)
    for endpoint, path in addresses.items():
        for shape, (body, content_type) in too_large(app, token).items():
            answer = client.post(path, data=body, content_type=content_type, headers={"X-CSRFToken": token})
            assert answer.status_code == 413, (endpoint, shape, answer.status_code)
            if path.startswith("/api/"):
                assert answer.json["code"] == "request_entity_too_large"
    assert row_counts(session) == before


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(app, client, session, world, addresses):
    """As gunicorn hands over a chunked upload: no Content-Length, wsgi.input_terminated set.
    Werkzeug reads at most MAX_CONTENT_LENGTH of it and answers 413."""
    token = signed_in(client, world)
    before = row_counts(session)
    for endpoint, path in addresses.items():
        for shape, (body, content_type) in too_large(app, token).items():
            answer = client.post(
                path, input_stream=io.BytesIO(body), content_type=content_type,
                headers={"X-CSRFToken": token, "Transfer-Encoding": "chunked"},
                environ_overrides={"wsgi.input_terminated": True},
            )
            assert answer.status_code == 413, (endpoint, shape, answer.status_code)
    assert row_counts(session) == before


def test_a_body_without_a_length_from_a_server_that_does_not_end_it_is_read_as_empty(
    app, client, session, world, addresses
):
    """No Content-Length and no wsgi.input_terminated: Werkzeug reads nothing rather than wait
    for the end of a stream that may never come: the CSRF token inside it is never seen (400)."""
    token = signed_in(client, world)
    before = row_counts(session)
    for endpoint, path in addresses.items():
        body, content_type = too_large(app, token)["form"]  # its CSRF token is in the body only
        answer = client.post(path, input_stream=io.BytesIO(body), content_type=content_type,
                             headers={"Transfer-Encoding": "chunked"})
        assert_answered(answer)
        assert answer.status_code == 400, (endpoint, answer.status_code)  # no token seen: CSRF refuses
    assert row_counts(session) == before
