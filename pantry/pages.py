"""Rendered pages (a site's page, the impact report), kept per process and served again while
nothing they show has moved.

A page is kept with a version (for a site's page: its latest movement, reading and care
record) and reused while the version is the same and it is younger than PAGE_CACHE_SECONDS.
So a take or a thermometer reading shows at once on every worker, and what the version does
not see (a target, a site's hours, a sign-up, "3 minutes ago") is at most that many seconds old."""
import time

from flask import current_app, request, session
from flask_babel import get_locale

MOST_KEPT = 512


class RenderedPages:
    def __init__(self):
        self._kept = {}

    def page(self, version, render):
        seconds = current_app.config["PAGE_CACHE_SECONDS"]
        if not seconds or "_flashes" in session:
            return render()
        # Everything of the request a page's links are made from, so no request makes another's page.
        key = (request.scheme, request.host, request.script_root, request.full_path, str(get_locale()))
        kept = self._kept.get(key)
        now = time.monotonic()
        if kept and kept[0] == version and now - kept[1] < seconds:
            return kept[2]
        body = render()
        if len(self._kept) >= MOST_KEPT:
            self._kept.clear()
        self._kept[key] = (version, now, body)
        return body


def rendered_pages():
    return current_app.extensions.setdefault("pantry.rendered_pages", RenderedPages())
