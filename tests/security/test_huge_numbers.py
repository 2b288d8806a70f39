"""Every integer in every route is bounded: the map is walked with 2**63 and 2**64 (past what
SQLite and PostgreSQL can hold) in each integer argument, by an anonymous visitor and by a
signed-in coordinator, with each method the route takes; each answer is a 404, never a 500."""
import pytest
from werkzeug.routing import IntegerConverter

from tests.conftest import PASSWORD
from tests.security.addresses import bindings, methods
from tests.security.conftest import page_csrf_token

HUGE = (2**63, 2**64)


def integer_arguments(rule):
    return [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]


def huge_addresses(app, found):
    """(method, path) for every rule with an integer, each integer in turn set to each huge number."""
    addresses = []
    for rule in app.url_map.iter_rules():
        for name in integer_arguments(rule):
            values = next(bindings(rule, found))
            for number in HUGE:
                path = rule.build({**values, name: number}, append_unknown=False)[1]
                addresses += [(method, path) for method in methods(rule)]
    return addresses


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_huge_number_in_any_route_is_not_found(app, client, network, network_fillings, signed_in):
    if signed_in:
        answer = client.post("/admin/sign-in", data={
            "csrf_token": page_csrf_token(client, "/admin/sign-in"), "email": network.coordinator_email,
            "password": PASSWORD,
        })
        assert answer.status_code == 303
    csrf = page_csrf_token(client, f"/shifts/{network.shift_id}")
    addresses = huge_addresses(app, network_fillings)
    assert any("/admin/shifts/" in path for _method, path in addresses)
    problems = []
    for method, path in addresses:
        answer = client.open(path, method=method, data=None if method == "GET" else {"csrf_token": csrf})
        if answer.status_code != 404:
            problems.append(f"{method} {path}: {answer.status_code}")
    assert not problems, "\n".join(problems)
