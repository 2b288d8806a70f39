"""Fixtures for the coordinator screens: a client signed in as the coordinator of tests/conftest.py."""
import pytest

from tests.conftest import PASSWORD, csrf_token


def sign_in(client, email, password, **extra):
    token = csrf_token(client.get("/admin/sign-in").text)
    return client.post("/admin/sign-in", data={"csrf_token": token, "email": email, "password": password, **extra})


@pytest.fixture
def admin(client, coordinator):
    """The test client, signed in as a coordinator."""
    answer = sign_in(client, coordinator.email, PASSWORD)
    assert answer.status_code == 303, answer.text
    return client


def post_form(client, path, **data):
    """Open the page at `path` for its CSRF token, then post `data` to it."""
    token = csrf_token(client.get(path).text)
    return client.post(path, data={"csrf_token": token, **data})
