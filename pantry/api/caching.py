"""Brief public caching of the API's reads: a strong ETag made from the body itself, so it
changes exactly when what the answer shows changes, and 304 when the caller has it already.

Conditional requests are answered from If-None-Match only. Last-Modified, where given,
says when the books behind the answer last moved; it is not used to answer If-Modified-Since,
because some of what an answer shows (a target, a site's hours) changes without moving it."""
import hashlib
import json
import re

from flask import Response, request
from flask_babel import lazy_gettext as _l
from werkzeug.http import http_date

from pantry.refusals import Refusal

MAX_AGE = 30
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
# RFC 9110: If-None-Match = "*" / #entity-tag (a list that may be empty);
# entity-tag = [ W/ ] DQUOTE *etagc DQUOTE
_ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
_LIST = re.compile(rf"[ \t,]*(?:{_ENTITY_TAG}(?:[ \t]*,[ \t,]*{_ENTITY_TAG})*[ \t,]*)?")
_OPAQUE = re.compile(r'(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")')


class BadIfNoneMatch(Refusal):
    code = "bad_if_none_match"
    status = 400
    message = _l('The If-None-Match header must be * or a list of quoted ETags, such as "abc", W/"def".')


def if_none_match():
    """The opaque tags the caller already has ('*' for any), or None when it sent none.
    Raises BadIfNoneMatch for a header that is neither * nor a list of entity tags."""
    value = request.headers.get("If-None-Match")
    if value is None:
        return None
    if value.strip() == "*":
        return {"*"}
    if not _LIST.fullmatch(value):
        raise BadIfNoneMatch()
    return set(_OPAQUE.findall(value))


def etag_for(body):
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def json_body(payload):
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def cached_json(payload, last_modified=None):
    """The read's answer: 200 with the body, or 304 without it when the caller's
    If-None-Match names its ETag (compared weakly, as RFC 9110 says for If-None-Match)."""
    body = json_body(payload)
    etag = etag_for(body)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    held = if_none_match()
    if held is not None and ("*" in held or etag in held):
        response = Response(status=304, headers=headers)
        response.headers.pop("Content-Type", None)
        return response
    return Response(body, 200, headers, mimetype="application/json")


def uncached_json(payload, status=200):
    """An answer no cache may keep: a CSRF token, a movement just logged."""
    return Response(json_body(payload), status, {"Cache-Control": "no-store"}, mimetype="application/json")
