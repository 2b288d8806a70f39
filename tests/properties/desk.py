"""The coordinator side under hostile input: what coordinators type that the public side never
asks for (times, ids of rows, emails), and the checks every example there makes.

A coordinator's refusal comes three ways: a 4xx, a form shown again with its errors (422), or a
redirect carrying an error message (a correction or a count the ledger refused). Each of the
three must leave every row of every table as it was, not only their counts: an edit form that
changed a site and then failed would keep the count and still have written."""
from hypothesis import event, strategies as st

from pantry.text import has_control_characters
from tests.properties.conftest import assert_answered, assert_books_balance, row_counts
from tests.properties.hostile import (
    CHARS,
    form_bodies,
    form_fields,
    header_safe,
    numbers_as_strings,
    with_token,
)
from tests.security.conftest import changed_tables, fingerprint

ODD_TIMES = [
    "24:00", "23:60", "9:00", "9:5", "09:00 PM", "٠٩:٠٠", "０９:００", "09:00:00.5", "T09:00", "09:00:60",
    "-01:00", "09h00", "0900", "09:00\n", " 09:00", "99:99", "00:00", "23:59", "23:59:59", "09:00+02:00", "",
]
times_as_typed = st.one_of(
    st.times().map(lambda moment: moment.strftime("%H:%M")),
    st.times().map(lambda moment: moment.strftime("%H:%M:%S")),
    st.sampled_from(ODD_TIMES),
)
emails = st.one_of(
    st.from_regex(r"[a-z0-9.+_-]{1,20}@[a-z0-9-]{1,12}\.(org|example)", fullmatch=True),
    st.builds(lambda local: f"{local}@example.org", st.text(CHARS, min_size=1, max_size=30)),
    st.sampled_from(["ada@example.org", "ADA@Example.org ", "coordinator@example.org", "a@b", "@example.org",
                     "a@@example.org", "a@example.org\x00", "a" * 250 + "@example.org"]),
)


def ids(real):
    """A row's id as a form sends it: mostly a real one, else any number written any way."""
    return st.one_of(st.sampled_from(real).map(str), st.sampled_from(real).map(str), numbers_as_strings)


@st.composite
def right_fields(draw, plausible):
    """Every field right-looking: a coordinator's forms have up to eight fields, so with each
    one hostile half the time (form_fields) the rules behind the parsers would seldom be reached."""
    return [(name, draw(right)) for name, right in plausible.items()]


def fields_of(plausible, odd=None):
    """Fields as form_fields sends them (`odd` adds wrong values of a field's own kind: times,
    days), or every one right."""
    mixed = {name: right | odd[name] if name in (odd or {}) else right for name, right in plausible.items()}
    return st.one_of(form_fields(mixed), form_fields(mixed), right_fields(plausible))


@st.composite
def requests_of(draw, pairs, token):
    """(body, Content-Type, headers): the fields as form_bodies sends them, the CSRF token in the
    body; sometimes in an X-CSRFToken header as well, so a broken body still reaches the form."""
    body, content_type = draw(form_bodies(with_token(pairs, token)))
    if token is None or draw(st.integers(0, 2)) != 0:
        return body, content_type, {}
    return body, content_type, {"X-CSRFToken": header_safe(token)}


def flashed_errors(client):
    """The error messages waiting for the next page, taken off it (so the next example starts clean)."""
    with client.session_transaction() as cookie:
        return [message for category, message in cookie.pop("_flashes", []) if category == "error"]


def post(client, session, path, body, content_type, headers=None):
    """POST as a coordinator, and check: never a 500; a refusal changed no row; the books balance."""
    before = fingerprint(session)
    answer = client.post(path, data=body, content_type=content_type, headers=headers or {})
    assert_answered(answer)
    errors = flashed_errors(client)
    event(f"answered {answer.status_code}{' with an error message' if errors else ''}")  # --hypothesis-show-statistics
    if answer.status_code >= 400 or errors:
        changed = changed_tables(before, fingerprint(session))
        assert not changed, f"a refusal ({answer.status_code}, {errors}) changed {changed}"
    assert_books_balance(session)
    return answer


def get(client, session, path, query):
    """GET with a query string as typed into the address bar: never a 500, never a write."""
    before = row_counts(session)
    answer = client.get(path, query_string=query, buffered=True)  # a streamed CSV read in its context
    assert_answered(answer)
    event(f"answered {answer.status_code}")
    assert row_counts(session) == before, f"a GET of {path}?{query} wrote"
    return answer


def plain(text, allowed=""):
    """What a saved line of text must look like: no control characters, no edge spaces."""
    return not has_control_characters(text, allowed) and text == text.strip()


def one_line(text):
    return plain(text) and " ".join(text.split()) == text
