"""Who may use what. Every coordinator screen and action, with every method it accepts,
refuses whoever is not signed in as a coordinator (an anonymous visitor, a volunteer holding
their private link) by sending them to sign in, and writes nothing when it refuses.

The routes come from app.url_map, filled with real slugs, ids, codes and tokens, never from
a list: a route added later is checked without anyone remembering to add it here."""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import url_for
from flask_login import login_required

from pantry.clock import local_today
from tests.conftest import PASSWORD, csrf_token
from tests.security.addresses import (
    DOORS_AFTER_A_STEP,
    OPEN_DOORS,
    CannotFill,
    first_address,
    guarded_rules,
    is_coordinators,
    methods,
)
from tests.security.conftest import changed_tables, fingerprint, page_csrf_token

# The CSV files hold the ledger and the volunteers' contact details.
EXPORTS = {
    "coordinators.exports", "coordinators.export_movements", "coordinators.export_care_records",
    "coordinators.export_temperatures", "coordinators.export_sign_ups",
}


def sign_in_path(app):
    with app.test_request_context():
        return url_for("coordinators.sign_in")


def unbuildable(app, found):
    """The routes `found` cannot fill with real values, each with why."""
    problems = []
    for rule in app.url_map.iter_rules():
        try:
            first_address(rule, found)
        except CannotFill as error:
            problems.append(str(error))
    return problems


def refused(answer, sign_in):
    """Sent to sign in (a page), or told no (JSON): nothing else counts as a refusal."""
    if answer.status_code == 302:
        return urlsplit(answer.location).path == sign_in
    return answer.status_code in (401, 403) and answer.is_json


def not_refused(app, client, csrf, found, rules):
    """Each rule tried by `client` with every method it accepts, a POST carrying the client's
    valid CSRF token (so CSRF is not what stops it); what answered other than a refusal."""
    sign_in = sign_in_path(app)
    problems = []
    for rule in rules:
        path, _values = first_address(rule, found)
        for method in methods(rule):
            answer = client.open(path, method=method, data=None if method == "GET" else {"csrf_token": csrf},
                                 buffered=True)
            if not refused(answer, sign_in):
                problems.append(f"{method} {path} ({rule.endpoint}): {answer.status_code} {answer.location or ''}")
    return problems


# CSV files anyone may download: sums over the network, nothing about any person (the privacy walk reads them).
PUBLIC_SUMS = {"impact.table"}


def test_every_route_is_built_and_classified(app, network_fillings):
    problems = unbuildable(app, network_fillings)
    assert not problems, (
        "The security tests cannot fill these routes with real values, so they would go unchecked. "
        "Teach fillings() in tests/security/addresses.py what their arguments are:\n" + "\n".join(problems)
    )
    rules = list(app.url_map.iter_rules())
    guarded = {rule.endpoint for rule in guarded_rules(app)}
    assert guarded, "no coordinator routes found: the access tests would check nothing"
    assert guarded >= EXPORTS
    assert {rule.endpoint for rule in rules} >= OPEN_DOORS, "a door in was renamed: update OPEN_DOORS"
    for rule in rules:
        # The blueprint and the address agree on whose a route is.
        assert rule.rule.startswith("/admin/") == is_coordinators(rule), rule.rule
        if rule.rule.endswith(".csv") and rule.endpoint not in PUBLIC_SUMS:
            assert rule.endpoint in guarded, rule.rule


def test_anonymous_visitors_are_sent_to_sign_in(app, client, session, network, network_fillings):
    csrf = page_csrf_token(client, f"/shifts/{network.shift_id}")
    before = fingerprint(session)
    problems = not_refused(app, client, csrf, network_fillings, guarded_rules(app))
    assert not problems, "coordinator routes open to an anonymous visitor:\n" + "\n".join(problems)
    assert changed_tables(before, fingerprint(session)) == []


def test_a_volunteer_with_a_private_link_is_sent_to_sign_in(app, client, session, network, network_fillings):
    """The volunteer has opened their own sign-up page, so their browser holds whatever
    session that page set; it is no key to the coordinators' screens."""
    csrf = page_csrf_token(client, f"/sign-ups/{network.manage_token}")
    before = fingerprint(session)
    problems = not_refused(app, client, csrf, network_fillings, guarded_rules(app))
    assert not problems, "coordinator routes open to a volunteer with a private link:\n" + "\n".join(problems)
    assert changed_tables(before, fingerprint(session)) == []
    assert client.get(f"/sign-ups/{network.manage_token}").status_code == 200  # the link still works


def test_the_doors_in_open_without_signing_in(app, client, network_fillings):
    """Signing in and the one-time welcome link must not themselves need a signed-in coordinator. The
    doors that open only after a step (the code after a right password; setup while nobody coordinates)
    say no without it, and write nothing."""
    doors = [rule for rule in app.url_map.iter_rules() if rule.endpoint in OPEN_DOORS]
    assert {rule.endpoint for rule in doors} == OPEN_DOORS
    for rule in doors:
        path, _values = first_address(rule, network_fillings)
        answer = client.get(path)
        expected = DOORS_AFTER_A_STEP.get(rule.endpoint, 200)
        assert answer.status_code == expected, f"{path} answered {answer.status_code}"
        if expected == 200:
            assert "csrf_token" in answer.text
        if expected == 302:
            assert urlsplit(answer.location).path == sign_in_path(app)


def test_a_signed_in_coordinator_reaches_every_screen(app, client, network, network_fillings):
    """The addresses the refusals were tested on are real: signed in, each screen opens.
    (Only GET: the actions would write.) None is kept by a cache: they hold volunteers' contacts."""
    answer = client.post(sign_in_path(app), data={
        "csrf_token": page_csrf_token(client, sign_in_path(app)), "email": network.coordinator_email,
        "password": PASSWORD,
    })
    assert answer.status_code == 303, answer.text
    today = local_today()
    days = {"date_from": (today - timedelta(days=30)).isoformat(), "date_to": today.isoformat()}
    problems = []
    for rule in guarded_rules(app):
        if "GET" not in rule.methods:
            continue
        path, _values = first_address(rule, network_fillings)
        answer = client.get(path, query_string=days if rule.rule.endswith(".csv") else None, buffered=True)
        if answer.status_code != 200:
            problems.append(f"GET {path} ({rule.endpoint}): {answer.status_code}")
        if answer.headers.get("Cache-Control") != "no-store":
            problems.append(f"GET {path} ({rule.endpoint}): Cache-Control {answer.headers.get('Cache-Control')}")
    assert not problems, "coordinator screens that did not open for a coordinator:\n" + "\n".join(problems)


@pytest.mark.own_app
def test_a_route_added_later_is_checked_without_being_listed(app, client, session, network, network_fillings):
    """The checks above cannot pass by missing a route: one added to the coordinators without
    @login_required is reported, and one whose arguments are unknown is named."""
    app.add_url_rule("/admin/sites/<slug>/forgot-the-lock", endpoint="coordinators.forgot_the_lock",
                     view_func=lambda slug: f"the books of {slug}", methods=["GET", "POST"])
    app.add_url_rule("/admin/fridge-doors/<int:door_id>", endpoint="coordinators.fridge_door",
                     view_func=login_required(lambda door_id: "a door"))
    guarded = guarded_rules(app)
    assert {"coordinators.forgot_the_lock", "coordinators.fridge_door"} <= {rule.endpoint for rule in guarded}
    assert any("coordinators.fridge_door" in problem and "door_id" in problem
               for problem in unbuildable(app, network_fillings))
    csrf = csrf_token(client.get(f"/shifts/{network.shift_id}").text)
    fillable = [rule for rule in guarded if rule.endpoint != "coordinators.fridge_door"]
    problems = not_refused(app, client, csrf, network_fillings, fillable)
    assert [problem.split(" (")[0] for problem in problems] == [
        "GET /admin/sites/corner-fridge/forgot-the-lock", "POST /admin/sites/corner-fridge/forgot-the-lock",
    ]

