"""Static files carry their content's hash (?v=...), so a phone may keep them a year."""
import hashlib
import os

from flask import current_app, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
_versions = {}  # path -> (mtime, hash)


def version(filename):
    """The first 10 hex digits of the file's SHA-256, or None when there is no such file.
    Worked out once per process (a deployment restarts its workers); in debug mode, again
    whenever the file changes."""
    path = safe_join(current_app.static_folder, filename)
    known = _versions.get(path)
    if known is not None and not current_app.debug:
        return known[1]
    try:
        mtime = os.stat(path).st_mtime_ns
    except (OSError, TypeError):
        return None
    if known is None or known[0] != mtime:
        with open(path, "rb") as file:
            known = (mtime, hashlib.sha256(file.read()).hexdigest()[:10])
        _versions[path] = known
    return known[1]


def add_version(endpoint, values):
    """url_for('static', filename=...) gets ?v=<hash> unless the caller gave one."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        found = version(values["filename"])
        if found:
            values["v"] = found


def cache_versioned(response):
    """A static file asked for by its current hash never changes: keep it a year.
    Without the hash (or with an old one) it is revalidated each time (ETag)."""
    if request.endpoint == "static" and response.status_code == 200:
        wanted = request.args.get("v")
        if wanted and wanted == version(request.view_args.get("filename", "")):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
    return response
