"""What every answer says about itself in production: the security headers on pages, redirects,
errors of every kind, static files, the API and downloads; cookies that never travel in the
clear; and who the client is when Pantry sits behind a proxy (PROXIES)."""
import re
from pathlib import Path

import pytest
from flask import request

from pantry import create_app
from pantry.extensions import db
from pantry.tags.rules import issue_tag
from tests.conftest import NOW, csrf_token, key, settings

TEMPLATES = Path(__file__).resolve().parents[1] / "pantry"
HTTPS = {"base_url": "https://pantry.example"}


@pytest.fixture
def production(app, database_url):
    """The app as deployed: ENVIRONMENT=production, over HTTPS, on the test's database."""
    deployed = create_app(settings(database_url, ENVIRONMENT="production", MAX_CONTENT_LENGTH=1024,
                                   RATE_LIMITS=True, LIMIT_LOGS="1 per minute"))

    @deployed.get("/__boom")
    def boom():
        raise RuntimeError("a bug")

    deployed.config["PROPAGATE_EXCEPTIONS"] = False
    deployed.test_client_class = app.test_client_class
    yield deployed
    with deployed.app_context():
        db.engine.dispose()  # its own pool: no connection left open for the garbage collector


def assert_protected(response):
    headers = response.headers
    policy = dict(
        (directive.split(" ", 1) + [""])[:2] for directive in headers["Content-Security-Policy"].split("; ")
    )
    assert policy["script-src"] == "'self'", policy
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert re.fullmatch(r"max-age=\d{8,}", headers["Strict-Transport-Security"])


def test_every_kind_of_answer_carries_the_headers(production, make_site, make_item, session):
    site = make_site()
    item = make_item()
    tag = issue_tag(session, site, "item", NOW, item=item)
    session.commit()
    client = production.test_client()
    answers = {
        "home page": client.get("/", **HTTPS),
        "site page": client.get(f"/sites/{site.slug}", **HTTPS),
        "stylesheet": client.get("/static/pantry.css", **HTTPS),
        "script": client.get("/static/pantry.js", **HTTPS),
        "service worker": client.get("/sw.js", **HTTPS),
        "manifest": client.get("/manifest.webmanifest", **HTTPS),
        "API read": client.get("/api/v1/sites", **HTTPS),
        "API error": client.get("/api/v1/sites/nowhere", **HTTPS),
        "poster PDF": client.get(f"/sites/{site.slug}/poster.pdf", **HTTPS),
        "redirect to sign-in": client.get("/admin/", **HTTPS),
        "not found": client.get("/no/such/page", **HTTPS),
        "wrong method": client.delete("/", **HTTPS),
        "CSRF refusal": client.post("/admin/sign-in", data={"email": "a@b.example"}, **HTTPS),
        "too large": client.post("/admin/sign-in", data={"email": "x" * 4096}, **HTTPS),
        "a bug": client.get("/__boom", **HTTPS),
        "scan page": client.get(f"/t/{tag.code}", **HTTPS),
    }
    expected = {"redirect to sign-in": 302, "not found": 404, "wrong method": 405, "CSRF refusal": 400,
                "too large": 413, "a bug": 500, "API error": 404}
    for name, response in answers.items():
        response.close()  # static files are streamed from an open file
        assert response.status_code == expected.get(name, 200), (name, response.status_code)
        assert_protected(response)


def test_a_limited_answer_carries_the_headers_and_retry_after(production, make_site, make_item):
    site, item = make_site(), make_item()
    client = production.test_client()
    body = {"kind": "take", "item_id": item.id, "quantity": 1}
    token = client.get("/api/v1/csrf-token", **HTTPS).json["csrf_token"]
    answers = [
        client.post(f"/api/v1/sites/{site.slug}/movements", json={**body, "key": key()},
                    headers={"X-CSRFToken": token, "Referer": "https://pantry.example/"}, **HTTPS)
        for _ in range(2)
    ]
    assert answers[1].status_code == 429, [answer.status_code for answer in answers]
    assert int(answers[1].headers["Retry-After"]) >= 1
    assert_protected(answers[1])


def test_the_session_cookie_is_secure_httponly_and_lax_in_production(production):
    response = production.test_client().get("/admin/sign-in", **HTTPS)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    attributes = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")[1:]}
    assert "secure" in attributes and "httponly" in attributes
    assert attributes["samesite"].strip().lower() == "samesite=lax"


def test_development_over_http_keeps_cookies_usable_and_sends_no_hsts(app):
    response = app.test_client().get("/admin/sign-in")
    assert "Strict-Transport-Security" not in response.headers
    assert "secure" not in response.headers["Set-Cookie"].lower()
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Content-Security-Policy"]  # the same policy everywhere, so development shows breakage


def test_over_https_a_form_needs_a_same_origin_referer(production):
    """Referrer-Policy: same-origin keeps the Referer on our own forms, which Flask-WTF's
    HTTPS check needs; a post from another site (or with no Referer) is refused."""
    client = production.test_client()
    token = csrf_token(client.get("/admin/sign-in", **HTTPS).text)
    form = {"csrf_token": token, "email": "nobody@example.org", "password": "wrong password"}
    same_site = client.post("/admin/sign-in", data=form, headers={"Referer": "https://pantry.example/admin/sign-in"},
                            **HTTPS)
    other_site = client.post("/admin/sign-in", data=form, headers={"Referer": "https://evil.example/"}, **HTTPS)
    no_referer = client.post("/admin/sign-in", data=form, **HTTPS)
    assert same_site.status_code == 422  # read and refused for the password, not for CSRF
    assert other_site.status_code == 400
    assert no_referer.status_code == 400


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy allows scripts only from our own files; this keeps templates within it."""
    offenders = []
    for template in TEMPLATES.rglob("templates/**/*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag:
                offenders.append(f"{template}: {tag}")
        offenders += [f"{template}: {handler}" for handler in re.findall(r"\son[a-z]+\s*=", text, flags=re.I)]
        offenders += [f"{template}: style attribute" for _ in re.findall(r"\sstyle\s*=", text, flags=re.I)]
        offenders += [f"{template}: <style>" for _ in re.findall(r"<style\b", text, flags=re.I)]
    assert not offenders, "\n".join(offenders)


def _seen_by(app, environ):
    seen = {}

    @app.get("/__who")
    def who():
        seen.update(address=request.remote_addr, scheme=request.scheme, host=request.host)
        return ""

    app.test_client().get("/__who", environ_base=environ, headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "fridges.example",
    })
    return seen


@pytest.mark.parametrize("proxies, believed, expected", [
    (0, ["For", "Proto"], {"address": "127.0.0.1", "scheme": "http", "host": "localhost"}),
    # The host is believed only when a setting says so: it makes every link on a kept page.
    (1, ["For", "Proto"], {"address": "203.0.113.7", "scheme": "https", "host": "localhost"}),
    (1, ["For", "Proto", "Host"], {"address": "203.0.113.7", "scheme": "https", "host": "fridges.example"}),
])
def test_forwarded_headers_count_only_behind_a_configured_proxy(app, database_url, proxies, believed, expected):
    behind = create_app(settings(database_url, PROXIES=proxies, FORWARDED_HEADERS=believed))
    with behind.app_context():
        assert _seen_by(behind, {"REMOTE_ADDR": "127.0.0.1"}) == expected
        db.session.remove()
        db.engine.dispose()
