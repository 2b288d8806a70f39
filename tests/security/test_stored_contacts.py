"""No public answer depends on whether someone else's email, phone or name is stored: a sign-up
with an address that already holds a place (on the shift, at the same time, on a full shift)
gets the answer a never-seen address gets, and the public pages after it differ in nothing."""
import difflib
import re
from datetime import time

from tests.conftest import csrf_token, key
from tests.shifts.test_pages import add, sign_up

SECRETS = [
    (re.compile(r"<wbr>"), ""),
    (re.compile(r"/sign-ups/[A-Za-z0-9_-]+"), "/sign-ups/[token]"),
    (re.compile(r"\d+ of \d+ places? taken"), "[places]"),  # compared apart: taken() below
    (re.compile(r'name="(csrf_token|key)" value="[^"]*"'), r'name="\1" value=""'),
    (re.compile(r"[a-z]+@example\.org"), "[email]"),
]


def seen(client, shift, email, phone="555-0100", token=None):
    """What the sender sees: the answer, and the page it leads to, with its own secrets blanked.
    With `token` (a full shift's page has no form), the form is sent as a page opened earlier would."""
    if token:
        answer = client.post(f"/shifts/{shift.id}/sign-up", data={
            "csrf_token": token, "key": key(), "name": "Sam", "email": email, "phone": phone})
    else:
        answer = sign_up(client, shift, name="Sam", email=email, phone=phone)
    page = client.get(answer.headers["Location"]).text if answer.status_code == 303 else answer.text
    for pattern, blank in SECRETS:
        page = pattern.sub(blank, page)
    return answer.status_code, page


def differences(one, other):
    return "\n".join(difflib.unified_diff(one.splitlines(), other.splitlines(), lineterm=""))


def taken(client, shift):
    """The places taken on the shift, as its public page says."""
    return int(re.search(r"(\d+) of \d+ places? taken", client.get(f"/shifts/{shift.id}").text).group(1))


def test_a_stored_email_changes_no_answer(app, client, session, make_site):
    fridge, shelf = make_site("Corner Fridge"), make_site("Library Shelf", kind="pantry")
    held = add(session, fridge, 1, capacity=4)
    at_the_same_time = add(session, shelf, 1, time(9, 15), time(10), capacity=4)
    assert sign_up(client, held, name="Ana Ruiz", email="ana@example.org", phone="555-0142").status_code == 303
    cases = {
        "the same shift": (held, "ANA@example.org "),
        "a shift at the same time": (at_the_same_time, "ana@example.org"),
    }
    for case, (shift, known) in cases.items():
        before = taken(client, shift)
        with_known = seen(client, shift, known, phone="555-0142")
        assert taken(client, shift) == before + 1, case  # a place, as for anyone
        with_fresh = seen(client, shift, "zoe@example.org")
        assert taken(client, shift) == before + 2, case
        assert with_known == with_fresh, f"{case}:\n" + differences(with_known[1], with_fresh[1])
        assert with_known[0] == 303
    full = add(session, fridge, 2, capacity=1)
    assert sign_up(client, full, name="Ana Ruiz", email="ana@example.org").status_code == 303
    token = csrf_token(client.get(f"/shifts/{held.id}").text)
    with_known, with_fresh = (seen(client, full, email, token=token) for email in ("ana@example.org", "zoe@example.org"))
    assert with_known == with_fresh, differences(with_known[1], with_fresh[1])
    assert with_known[0] == 409
