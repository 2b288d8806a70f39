"""Installable and kept offline: the manifest and its icons, the service worker, the outbox's
token, and static files that a phone may keep while their version holds."""
import io
import json
import re

import pytest
from PIL import Image

pytestmark = pytest.mark.once  # what it checks does not depend on the database


def test_the_manifest_names_the_app_its_icons_and_how_it_opens(client):
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.mimetype == "application/manifest+json"
    manifest = json.loads(answer.text)
    assert manifest["name"] == manifest["short_name"] == "Pantry"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_every_icon_is_a_png_of_the_size_it_claims(client):
    for icon in client.get("/manifest.webmanifest").json["icons"]:
        with client.get(icon["src"]) as answer:  # a file: closed when read
            assert answer.status_code == 200
            assert answer.mimetype == "image/png"
            image = Image.open(io.BytesIO(answer.data))
        assert image.format == "PNG"
        assert "x".join(map(str, image.size)) == icon["sizes"]


def test_every_page_links_the_manifest_the_script_and_a_theme_for_light_and_dark(client):
    page = client.get("/").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert re.search(r'<script src="/static/pantry\.js\?v=\w+" defer data-worker="/sw\.js"', page)
    assert re.search(r'<meta name="theme-color" content="#\w+" media="\(prefers-color-scheme: light\)">', page)
    assert re.search(r'<meta name="theme-color" content="#\w+" media="\(prefers-color-scheme: dark\)">', page)
    assert "<script>" not in page  # no inline script: a strict Content-Security-Policy must not break a page


def test_the_worker_is_served_from_the_root_and_never_kept_stale(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert answer.headers["Service-Worker-Allowed"] == "/"
    assert answer.headers["Cache-Control"] == "no-cache"
    settings = json.loads(re.match(r"const PANTRY = (.*);\n", answer.text).group(1))
    for asset in settings["assets"]:  # the files it keeps, each by its current version
        with client.get(asset) as kept:
            assert kept.status_code == 200


def test_a_fresh_token_for_the_outbox_is_never_cached(client):
    answer = client.get("/t/token")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json["csrf_token"]


def test_a_static_file_asked_for_by_its_version_is_kept_a_year(client):
    versioned = re.search(r'href="(/static/pantry\.css\?v=\w+)"', client.get("/").text).group(1)
    with client.get(versioned) as kept:
        assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for stale in ("/static/pantry.css", "/static/pantry.css?v=0000000000"):
        with client.get(stale) as answer:
            assert answer.status_code == 200
            assert answer.headers["Cache-Control"] == "no-cache"
            assert answer.headers["ETag"]
