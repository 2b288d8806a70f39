"""Strategies for what a hostile or broken client sends: odd text, numbers as strings, dates in
odd formats, wrong JSON types, bodies that are not UTF-8, wrong Content-Types, missing, doubled
and extra fields, and missing or garbled CSRF tokens."""
import json
import uuid
from datetime import date, timedelta
from urllib.parse import quote

from hypothesis import strategies as st

# Anything UTF-8 can carry (lone surrogates cannot be sent in a form; JSON sends them escaped).
CHARS = st.characters(exclude_categories=("Cs",))
ODD_TEXT = [
    "", " ", "\x00", "a\x00b", "\r\n", "\t", "\x1b[31m", "\u202eevil", "\u2028", "\ufeff", "\ufffd", "\x7f",
    "٣", "１", "𝟙", "²", "½", "1e309", "-0", "NaN", "inf", "-inf", "0x10", "1_000", "+1", " 1 ", "1.0", "1,5",
    "9" * 30, "-" + "9" * 30, "2147483648", "9223372036854775808", "null", "[]", "{}", "true",
    "' OR 1=1 --", "<script>alert(1)</script>", "%00", "%ff", "../../etc/passwd", "é", "🥫", "a" * 5000,
]
ODD_DATES = [
    "2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "-2026-01-01",
    "2026-1-1", "２０２６-１１-２５", "٢٠٢٦-١١-٢٥", "2026-11-25\n", " 2026-11-25", "2026-11-25T10:00",
    "2026-W48-1", "20261125", "25/11/2026", "11/25/26", "today", "+2026-11-25",
]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%y", "%Y%m%d", "%d %b %Y", "%Y-%m-%dT%H:%M", "%Y/%m/%d"]
HUGE = [2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63), -(10**30)]

numbers_as_strings = st.one_of(
    st.integers(-5, 60).map(str), st.integers().map(str), st.sampled_from(HUGE).map(str), st.sampled_from(HUGE).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str), st.decimals(allow_nan=True).map(str),
)
dates_as_typed = st.one_of(
    st.builds(lambda day, layout: day.strftime(layout),
              st.dates(date(1, 1, 1), date(9999, 12, 31)), st.sampled_from(DATE_FORMATS)),
    st.dates(date.today() - timedelta(days=10), date.today() + timedelta(days=400)).map(str),
    st.sampled_from(ODD_DATES),
)
hostile_text = st.one_of(
    st.text(CHARS, max_size=40), st.sampled_from(ODD_TEXT), numbers_as_strings, dates_as_typed,
    st.text(CHARS, min_size=200, max_size=2000),
)
keys = st.one_of(
    st.builds(lambda: uuid.uuid4().hex), st.builds(lambda: uuid.uuid4().hex),
    st.sampled_from(["", "short", "x" * 65, "a" * 64 + "\n", "key\x00key\x00", "ключ-ключ-ключ"]),
    st.text(CHARS, max_size=70),
)


@st.composite
def form_fields(draw, plausible):
    """Form fields as (name, value) pairs: each of `plausible` (name -> strategy of right-looking
    values) right, hostile, missing or sent twice; sometimes an extra field or two."""
    pairs = [(name, value) for name, value in draw(st.dictionaries(
        st.text(CHARS, max_size=12), hostile_text, max_size=2)).items()]
    for name, right in plausible.items():
        how = draw(st.sampled_from(["right", "right", "right", "hostile", "missing", "twice"]))
        if how == "right":
            pairs.append((name, draw(right)))
        elif how == "hostile":
            pairs.append((name, draw(hostile_text)))
        elif how == "twice":
            pairs += [(name, draw(right)), (name, draw(st.one_of(right, hostile_text)))]
    return pairs


@st.composite
def csrf_tokens(draw, good):
    """Mostly the page's own token (so the parsers behind it are reached); else none or a garbled one."""
    how = draw(st.sampled_from(["good"] * 8 + ["missing", "garbled", "hostile"]))
    if how == "good":
        return good
    if how == "missing":
        return None
    if how == "garbled":
        at = draw(st.integers(0, len(good) - 1))
        return good[:at] + ("A" if good[at] != "A" else "B") + good[at + 1:]
    return draw(hostile_text)


def header_safe(token):
    """A token as a header can carry it (Werkzeug refuses a header with a line break in it)."""
    return token.replace("\r", "").replace("\n", "")


def with_token(pairs, token):
    """The form's fields with the CSRF token first, or without one when `token` is None."""
    return pairs if token is None else [("csrf_token", token), *pairs]


def urlencoded(pairs):
    return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in pairs).encode()


@st.composite
def form_bodies(draw, pairs):
    """How the form's fields travel: (body, Content-Type), mostly as a browser sends them."""
    how = draw(st.sampled_from(["urlencoded"] * 4 + ["multipart", "not-utf-8", "junk", "text/plain", "none"]))
    if how == "urlencoded":
        return urlencoded(pairs), "application/x-www-form-urlencoded"
    if how == "multipart":
        boundary = "pantry-boundary"
        parts = b"".join(
            b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; name=\"" + name.encode()
            + b"\"\r\n\r\n" + value.encode() + b"\r\n"
            for name, value in pairs if '"' not in name and "\r" not in name and "\n" not in name
        )
        return parts + b"--" + boundary.encode() + b"--\r\n", f"multipart/form-data; boundary={boundary}"
    if how == "not-utf-8":  # the same fields, percent-encoded from Latin-1, plus raw bytes
        body = "&".join(f"{quote(n, safe='', encoding='latin-1', errors='replace')}="
                        f"{quote(v, safe='', encoding='latin-1', errors='replace')}" for n, v in pairs)
        return body.encode() + b"&x=%ff%fe" + draw(st.binary(max_size=20)), "application/x-www-form-urlencoded"
    if how == "junk":
        return draw(st.binary(max_size=200)), draw(st.sampled_from(
            ["application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x"]))
    return urlencoded(pairs), None if how == "none" else how


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(HUGE), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),  # lone surrogates included: JSON escapes them
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def json_fields(draw, plausible):
    """A JSON object: each of `plausible` right, of any JSON type, missing; sometimes extra members."""
    body = draw(st.dictionaries(st.text(max_size=10), json_values, max_size=2))
    for name, right in plausible.items():
        how = draw(st.sampled_from(["right", "right", "right", "any", "missing"]))
        if how == "right":
            body[name] = draw(right)
        elif how == "any":
            body[name] = draw(json_values)
    return body


@st.composite
def json_bodies(draw, fields):
    """(body bytes, Content-Type): mostly the object as JSON, else broken JSON or another type."""
    how = draw(st.sampled_from(
        ["json"] * 6 + ["not-an-object", "1e309", "surrogates", "utf-16", "latin-1", "deep", "junk", "truncated"]
    ))
    content_type = draw(st.sampled_from(
        ["application/json"] * 6 + ["application/json; charset=utf-8", "application/json; charset=latin-1",
                                    "application/problem+json", "text/plain", "application/x-www-form-urlencoded",
                                    None, "application/json; charset=bogus"]
    ))
    text = json.dumps(fields)
    if how == "json":
        body = text.encode()
    elif how == "not-an-object":
        body = json.dumps(draw(st.one_of(json_scalars, st.lists(json_values, max_size=3)))).encode()
    elif how == "1e309":  # numbers JSON allows and Python reads as inf or as a 400-digit int
        number = draw(st.sampled_from(["1e309", "-1e309", "1" * 400, "1.0e-400", "-0", "1E2"]))
        body = text.replace("}", f', "quantity": {number}, "item": {number}}}', 1).replace("{,", "{").encode()
    elif how == "surrogates":  # lone surrogates sent raw: not UTF-8 at all
        body = json.dumps(fields, ensure_ascii=False).replace("}", ', "note": "\ud800"}', 1).replace(
            "{,", "{").encode("utf-8", "surrogatepass")
    elif how == "utf-16":
        body = text.encode("utf-16")
    elif how == "latin-1":
        body = json.dumps({**fields, "note": "café"}, ensure_ascii=False).encode("latin-1", "replace")
    elif how == "deep":
        depth = draw(st.integers(500, 100_000))
        body = b"[" * depth + b"]" * depth
    elif how == "junk":
        body = draw(st.binary(max_size=200))
    else:
        body = text.encode()[: draw(st.integers(0, max(len(text) - 1, 0)))]
    return body, content_type
