"""Fixtures for the coordinator screens: a coordinator with a password, and a client signed in as them."""
import pytest
from werkzeug.security import generate_password_hash

from pantry.coordinators.models import Coordinator
from tests.conftest import csrf_token

PASSWORD = "a long enough password"


@pytest.fixture
def coordinator(session):
    # A cheap hash keeps the tests quick; the real default is exercised in test_invitations.
    person = Coordinator(
        email="ada@example.org", name="Ada",
        password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
    )
    session.add(person)
    session.commit()
    return person


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
