"""One log at a label, by whichever door: each check and each lookup once, and each limit of
the ledger's rule (pantry.stock.entries) refused with one message at the form, the JSON outbox
(the offline replay) and the API alike."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from pantry.database import utcnow
from pantry.stock import ledger
from pantry.stock.models import Movement
from pantry.tags.rules import issue_tag
from tests.books import statements
from tests.conftest import csrf_token, key

OVER_THE_CAP = "Enter a whole number from 1 to 50."
NOT_THIS_LABEL = "This label is for Canned beans."
BAD_KEY = "This entry has no valid key (8 to 64 letters, digits, - or _). Reload the page and try again."


@pytest.fixture
def beans(session, fridge, make_item):
    beans = make_item("Canned beans")
    ledger.restock(session, fridge.id, beans.id, 6, key(), utcnow(), best_before=date(2027, 3, 1))
    session.commit()
    return beans


@pytest.fixture
def milk(session, make_item):
    return make_item("Milk 1 L", "dairy", "carton")


@pytest.fixture
def labels(session, fridge, beans):
    """The codes of the fridge's site label and of its label for beans."""
    codes = {purpose: issue_tag(session, fridge, purpose, utcnow(), item=beans if purpose == "item" else None).code
             for purpose in ("site", "item")}
    session.commit()
    return codes


def shapes(sent):
    """Each statement as its verb and the table it is about: ("SELECT", "tag"), ("UPDATE", "batch")..."""
    found = []
    for statement in sent:
        plain = re.sub(r"%\(\w+\)s", "?", statement)  # PostgreSQL's named parameters hold parentheses
        words = re.sub(r"\(SELECT [^()]*\)", "", plain).split()  # a subquery's FROM is not the statement's
        if words[0] == "SELECT":
            found.append(("SELECT", words[words.index("FROM") + 1] if "FROM" in words else "EXISTS"))
        elif words[0] == "INSERT":
            found.append(("INSERT", words[2]))
        else:
            found.append((words[0], words[1]))
    return found


def movements(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(Movement))


# A take at a label: the label (with its site and item); the stock row, locked, with the replay
# of the key looked up in the same statement; the batches to take from; a batch, the movement,
# its allocation, the stock; the reports the take puts right. 16 statements once, then 10 (the
# site and item checked by an EXISTS, the replay by a SELECT of its own); now 8.
A_TAKE = [("SELECT", "tag"), ("SELECT", "stock"), ("SELECT", "batch"), ("UPDATE", "batch"),
          ("INSERT", "movement"), ("INSERT", "allocation"), ("UPDATE", "stock"), ("UPDATE", "report")]


def test_a_log_post_reads_the_label_once_and_does_each_thing_once(client, session, labels, beans):
    token = csrf_token(client.get(f"/t/{labels['site']}").text)
    data = {"csrf_token": token, "key": key(), "kind": "take", "item": beans.id, "quantity": 2}
    with statements() as sent:
        answer = client.post(f"/t/{labels['site']}/log", data=data)
    assert answer.status_code == 303
    assert shapes(sent) == A_TAKE, "\n".join(sent)
    assert "FROM movement" in sent[1]  # the replay, inside the lock's statement


def test_a_json_log_post_answers_without_reading_the_movement_back(client, session, labels, beans):
    token = csrf_token(client.get(f"/t/{labels['site']}").text)
    body = {"key": key(), "kind": "take", "item": beans.id, "quantity": 2}
    with statements() as sent:
        answer = client.post(f"/t/{labels['site']}/log", json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 201
    assert answer.json["movement"]["item"] == "Canned beans" and answer.json["movement"]["delta"] == -2
    assert answer.json["message"] == "Logged: took 2 Canned beans"
    assert shapes(sent) == A_TAKE, "\n".join(sent)


def test_a_replayed_key_answers_as_the_first_time_and_books_nothing(client, session, labels, beans):
    token = csrf_token(client.get(f"/t/{labels['site']}").text)
    body = {"key": key(), "kind": "take", "item": beans.id, "quantity": 2}
    first = client.post(f"/t/{labels['site']}/log", json=body, headers={"X-CSRFToken": token})
    with statements() as sent:
        again = client.post(f"/t/{labels['site']}/log", json=body, headers={"X-CSRFToken": token})
    assert again.status_code == 201 and again.json == first.json
    assert ("INSERT", "movement") not in shapes(sent)
    assert movements(session) == 2


@pytest.mark.parametrize("entry", [
    {"kind": "take", "quantity": 51},  # over the cap
    {"kind": "take", "quantity": 1, "best_before": "2027-03-01"},  # a date on a take
    {"kind": "take", "quantity": 1, "key": "short"},  # a key of the wrong shape
    {"kind": "take", "quantity": 1, "item": "milk"},  # another item than the label's
])
def test_a_refused_entry_never_begins_the_write(client, session, labels, beans, milk, entry):
    """Checked before the write transaction: a refusal never takes SQLite's write lock."""
    token = csrf_token(client.get(f"/t/{labels['item']}").text)
    data = {"csrf_token": token, "key": key(), "item": beans.id, **entry}
    if data["item"] == "milk":
        data["item"] = milk.id
    with statements(leaving_out=()) as sent:
        answer = client.post(f"/t/{labels['item']}/log", data=data)
    assert answer.status_code == 422
    assert not [statement for statement in sent if statement.startswith("BEGIN IMMEDIATE")], "\n".join(sent)
    assert not [statement for statement in sent if statement.split()[0] in ("INSERT", "UPDATE")]


def test_an_items_first_movement_at_a_site_checks_that_the_item_exists(client, session, fridge, labels, milk):
    """No stock row yet: the ledger asks whether the site and item exist, then makes the row."""
    token = csrf_token(client.get(f"/t/{labels['site']}").text)
    data = {"csrf_token": token, "key": key(), "kind": "restock", "item": milk.id, "quantity": 3}
    with statements() as sent:
        answer = client.post(f"/t/{labels['site']}/log", data=data)
    assert answer.status_code == 303
    assert shapes(sent)[1:6] == [("SELECT", "stock"), ("SELECT", "EXISTS"), ("INSERT", "stock"), ("SELECT", "stock"),
                                 ("SELECT", "movement")], "\n".join(sent)
    unknown = {"csrf_token": token, "key": key(), "kind": "restock", "item": milk.id + 1000, "quantity": 3}
    refused = client.post(f"/t/{labels['site']}/log", data=unknown)
    assert refused.status_code == 422 and "There is no such item." in refused.text
    assert movements(session) == 2


def form_door(client, code, **fields):
    """A log sent by the page's form: the refusal is on the page, at its field."""
    token = csrf_token(client.get(f"/t/{code}").text)
    answer = client.post(f"/t/{code}/log", data={"csrf_token": token, **fields})
    assert answer.status_code == 422
    return answer.text


def outbox_door(client, code, **fields):
    """A log the offline outbox replays as JSON: the refusal names its field."""
    token = csrf_token(client.get(f"/t/{code}").text)
    answer = client.post(f"/t/{code}/log", json=fields, headers={"X-CSRFToken": token})
    assert answer.status_code == 422 and answer.json["code"] == "invalid"
    return answer.json["fields"]


def api_door(client, slug, **fields):
    token = client.get("/api/v1/csrf-token").json["csrf_token"]
    answer = client.post(f"/api/v1/sites/{slug}/movements", json=fields, headers={"X-CSRFToken": token})
    assert answer.status_code == 422 and answer.json["code"] == "invalid"
    return answer.json["fields"]


def test_more_than_the_cap_is_refused_alike_at_every_door(client, session, fridge, labels, beans):
    entry = {"key": key(), "kind": "take", "item": beans.id, "quantity": 51}
    assert OVER_THE_CAP in form_door(client, labels["site"], **entry)
    assert outbox_door(client, labels["site"], **entry) == {"quantity": [OVER_THE_CAP]}
    assert api_door(client, fridge.slug, **entry) == {"quantity": [OVER_THE_CAP]}
    assert movements(session) == 1


def test_another_item_at_an_items_label_is_refused_alike(client, session, labels, milk):
    entry = {"key": key(), "kind": "take", "item": milk.id, "quantity": 1}
    assert NOT_THIS_LABEL in form_door(client, labels["item"], **entry)
    assert outbox_door(client, labels["item"], **entry) == {"item": [NOT_THIS_LABEL]}
    assert movements(session) == 1  # the API has no label: any item of the network is its own


@pytest.mark.parametrize("bad", ["short", "k" * 65, "has spaces in it", "trailing-newline\n", ""])
def test_a_key_of_the_wrong_shape_is_refused_alike_at_every_door(client, session, fridge, labels, beans, bad):
    entry = {"key": bad, "kind": "take", "item": beans.id, "quantity": 1}
    assert BAD_KEY in form_door(client, labels["site"], **entry)
    assert outbox_door(client, labels["site"], **entry) == {"key": [BAD_KEY]}
    assert api_door(client, fridge.slug, **entry) == {"key": [BAD_KEY]}
    assert movements(session) == 1


def test_the_ledger_itself_refuses_each_with_the_field_it_names(session, fridge, beans, milk):
    """The same three, asked of the rule without HTTP."""
    from pantry.stock.errors import BadKey, BadQuantity, NotThisLabel

    now = utcnow()
    with pytest.raises(BadQuantity) as over:
        ledger.record(session, ledger.Entry("take", key(), fridge.id, beans.id, 51), now, most=50)
    with pytest.raises(NotThisLabel) as other:
        ledger.record(session, ledger.Entry("take", key(), fridge.id, milk.id, 1), now, label_item_id=beans.id)
    with pytest.raises(BadKey) as shape:
        ledger.record(session, ledger.Entry("take", "short", fridge.id, beans.id, 1), now)
    assert [(error.value.field, str(error.value)) for error in (over, other, shape)] == [
        ("quantity", OVER_THE_CAP), ("item", NOT_THIS_LABEL), ("key", BAD_KEY)]
    assert ledger.record(session, ledger.Entry("count", key(), fridge.id, beans.id, 50), now, most=50).quantity == 50


def test_a_label_error_is_not_a_ledger_error():
    """An `except LedgerError` (the coordinators' books, the checklist's send) lets a label's refusal by."""
    from pantry.refusals import Refusal
    from pantry.stock.errors import LedgerError
    from pantry.tags.rules import RevokedTag, TagError, UnknownTag

    for error in (UnknownTag, RevokedTag):
        assert issubclass(error, TagError) and issubclass(error, Refusal)
        assert not issubclass(error, LedgerError)
