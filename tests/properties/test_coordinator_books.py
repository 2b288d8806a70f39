"""A site's books from the coordinator side, sent hostile input: correcting a ledger entry, a
count, and the query strings of the ledger's filters, the CSV exports and the label sheets.

The writes: never a 500, a refusal (4xx, the form again, an error message after the redirect)
changed no row, the books balance, and a correction or a count that went through is one new
movement naming what it fixes, its note plain text. The reads: never a 500, never a write, and a
200 from an export is CSV with its header, a 200 from a label sheet is a PDF."""
import csv
import io
from urllib.parse import quote

from hypothesis import given, settings, strategies as st
from sqlalchemy import func, select

from pantry.stock.models import KINDS, Movement
from tests.properties.conftest import PROPERTIES, examples, page_token
from tests.properties.desk import fields_of, get, ids, plain, post, requests_of
from tests.properties.hostile import (
    CHARS,
    csrf_tokens,
    dates_as_typed,
    hostile_text,
    keys,
    numbers_as_strings,
    urlencoded,
)

EXPORTS = ["movements", "care-records", "temperatures", "sign-ups"]


def movement_ids(session, world):
    session.rollback()
    return list(session.scalars(select(Movement.id).where(Movement.site_id == world.site_id)))


def query_string(data, plausible):
    """Query parameters as an address bar sends them; sometimes bytes that are not UTF-8."""
    pairs = data.draw(fields_of(plausible), label="query")
    text = urlencoded(pairs).decode()
    return text + data.draw(st.sampled_from(["", "", "", "&x=%ff%fe", "&%00=%00", "&&=&"]), label="tail")


@settings(PROPERTIES, max_examples=examples(50))
@given(data=st.data())
def test_correcting_an_entry_takes_anything(desk, session, world, data):
    real = movement_ids(session, world)
    # An entry of the site (its restocks, or a correction an earlier example made), else no entry.
    movement = data.draw(st.one_of(st.integers(0, 20).map(lambda at: real[at % len(real)]),
                                   st.sampled_from([0, 2**31 - 1, 2**63 - 1])), label="movement")
    path = f"/admin/sites/{world.slug}/ledger/{movement}"
    token = data.draw(csrf_tokens(page_token(desk, f"/admin/sites/{world.slug}/ledger/{real[0]}")), label="csrf")
    fields = {"key": keys, "note": st.sampled_from(["", "typed 60, meant 6"]) | hostile_text}
    pairs = data.draw(fields_of(fields), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    before = session.scalar(select(func.max(Movement.id)))
    post(desk, session, path, body, content_type, headers)
    for made in session.scalars(select(Movement).where(Movement.id > before)):
        assert made.kind == "correction" and made.corrects_id == movement, (made.kind, made.corrects_id)
        assert plain(made.note or ""), repr(made.note)


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_a_count_takes_anything(desk, session, world, data):
    path = f"/admin/sites/{world.slug}/count"
    token = data.draw(csrf_tokens(page_token(desk, f"/admin/sites/{world.slug}/stock")), label="csrf")
    fields = {"key": keys, "item": ids([world.beans, world.milk]),
              "counted": st.integers(-2, 10_001).map(str) | numbers_as_strings}
    pairs = data.draw(fields_of(fields), label="fields")
    body, content_type, headers = data.draw(requests_of(pairs, token), label="body")
    before = session.scalar(select(func.max(Movement.id)))
    post(desk, session, path, body, content_type, headers)
    for made in session.scalars(select(Movement).where(Movement.id > before)):
        assert made.kind == "count" and made.item_id in (world.beans, world.milk) and 0 <= made.quantity <= 9999


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_the_ledger_filters_take_anything(desk, session, world, data):
    plausible = {
        "item": st.just("") | ids([world.beans, world.milk]), "kind": st.sampled_from(["", *KINDS]),
        "date_from": st.just("") | dates_as_typed, "date_to": st.just("") | dates_as_typed,
        "page": st.sampled_from(["1", "2", "0", "-1", "100000", "100001"]) | numbers_as_strings,
    }
    answer = get(desk, session, f"/admin/sites/{world.slug}/ledger", query_string(data, plausible))
    assert answer.status_code in (200, 404, 422), answer.status_code


@settings(PROPERTIES, max_examples=examples(60))
@given(data=st.data())
def test_the_exports_take_any_dates(desk, session, world, data):
    name = data.draw(st.sampled_from([None, *EXPORTS]), label="export")
    path = f"/admin/sites/{world.slug}/exports" + ("" if name is None else f"/{name}.csv")
    plausible = {"date_from": dates_as_typed, "date_to": dates_as_typed}
    answer = get(desk, session, path, query_string(data, plausible))
    assert answer.status_code in (200, 422), answer.status_code
    if name is not None and answer.status_code == 200:
        assert answer.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
        assert rows and rows[0][0] in ("entry", "care_record", "reading", "shift")


@settings(PROPERTIES, max_examples=examples(15))
@given(data=st.data())
def test_the_label_sheets_take_any_paper_and_query(desk, session, world, data):
    paper = data.draw(st.one_of(st.sampled_from(["a4", "letter", "A4", "a3", "", "a4.pdf"]),
                                st.text(st.characters(codec="ascii", exclude_characters="/?#%"), max_size=10),
                                st.text(CHARS, max_size=10).filter(lambda text: "/" not in text)), label="paper")
    where = data.draw(st.sampled_from([f"/admin/sites/{world.slug}/labels-",
                                       f"/admin/tags/{world.item_code}/label-"]), label="sheet")
    plausible = {"paper": st.sampled_from(["a4", "letter"]), "item": ids([world.beans])}
    # Quoted as a browser would send it: a "?" or "#" typed in the paper is part of the path.
    answer = get(desk, session, f"{where}{quote(paper, safe='')}.pdf", query_string(data, plausible))
    assert answer.status_code in (200, 404), answer.status_code
    if answer.status_code == 200:
        assert answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF")
