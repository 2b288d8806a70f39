"""Nothing a request header says reaches a page, a kept page or a link, unless a setting
says to believe it. Behind one proxy (PROXIES=1) with the page cache on, every public page is
asked for with a foreign value in every X-Forwarded-* header, then asked for again cleanly:
neither answer carries the foreign value."""
import pytest

from pantry import create_app
from pantry.extensions import db
from tests.conftest import settings
from tests.security.forwarded import FOREIGN, foreign_in, public_pages


@pytest.fixture
def behind_a_proxy(app, database_url):
    proxied = create_app(settings(database_url, PROXIES=1, PAGE_CACHE_SECONDS=30))
    proxied.test_client_class = app.test_client_class
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_no_forwarded_header_reaches_a_page_or_a_kept_page(behind_a_proxy, network, network_fillings, app):
    pages = public_pages(app, network_fillings)
    assert "/" in pages and any(page.startswith("/sites/") for page in pages)
    visitor, poisoner = behind_a_proxy.test_client(), behind_a_proxy.test_client()
    problems = []
    for path in pages:
        for who, headers in (("foreign", FOREIGN), ("clean", {})):
            client = poisoner if headers else visitor
            answer = client.get(path, headers=headers, buffered=True)
            problems += [f"{who} GET {path}: {found}" for found in foreign_in(answer.headers.items(), answer.data)]
            assert answer.status_code < 500, f"{path}: {answer.status_code}"
    assert not problems, "\n".join(problems)


def test_a_believed_prefix_still_keeps_its_pages_apart(app, database_url, network):
    """A deployment that says to believe X-Forwarded-Prefix: a page made for one prefix is
    never served for a request without it (the cache is keyed by what links are made from)."""
    proxied = create_app(settings(database_url, PROXIES=1, PAGE_CACHE_SECONDS=30,
                                  FORWARDED_HEADERS=["For", "Proto", "Prefix"]))
    proxied.test_client_class = app.test_client_class
    try:
        client = proxied.test_client()
        assert "/pantry/static/" in client.get("/", headers={"X-Forwarded-Prefix": "/pantry"}).text
        assert "/pantry/static/" not in client.get("/").text
    finally:
        with proxied.app_context():
            db.engine.dispose()


def test_a_value_that_cannot_be_true_is_not_believed(app, database_url):
    from flask import request

    proxied = create_app(settings(database_url, PROXIES=1))
    seen = {}

    @proxied.get("/__who")
    def who():
        seen.update(address=request.remote_addr, scheme=request.scheme)
        return ""

    proxied.test_client().get("/__who", environ_base={"REMOTE_ADDR": "10.0.0.1"},
                              headers={"X-Forwarded-For": "not an address", "X-Forwarded-Proto": "gopher"})
    assert seen == {"address": "10.0.0.1", "scheme": "http"}
    with proxied.app_context():
        db.engine.dispose()
