"""Keyset ("seek") paging: a long list read a page at a time from where the last page ended,
along the index of its order, so a page costs what it shows however long the list is (an
OFFSET would read and throw away every row before the page).

A list is a SELECT in a fixed order of columns that ends with the row's id (unique, so the
order is total). A page starts after a row (`older`: the rows that follow it in that order)
or ends before one (`newer`: the rows that precede it); the row is named by its id alone,
and the database finds its place with one primary-key lookup inside the same statement."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, tuple_

LARGEST_ID = 2**63 - 1  # the largest id any table holds (a bigger number is not one)
BAD_PAGE = _l("That page link is not right, so this is the first page.")


@dataclass(frozen=True)
class Seek:
    """Where a page is: the first page (both None), the rows after `older`, or those before `newer`."""

    older: int | None = None
    newer: int | None = None


@dataclass(frozen=True)
class Order:
    """A list's order: its columns, the last one the row's id, all ascending or all descending."""

    columns: tuple
    descending: bool = False

    @property
    def id(self):
        return self.columns[-1]

    def after(self, row_id, forward=True):
        """The rows past `row_id` (forward) or before it, in this order."""
        id_column = self.id
        here = tuple_(*[select(column).where(id_column == row_id).correlate(None).scalar_subquery()
                        for column in self.columns[:-1]], row_id) if len(self.columns) > 1 else row_id
        keys = tuple_(*self.columns) if len(self.columns) > 1 else id_column
        return keys < here if forward == self.descending else keys > here

    def by(self, forward=True):
        reverse = forward == self.descending
        return [column.desc() if reverse else column.asc() for column in self.columns]


@dataclass
class Page:
    """The rows of one page in the list's order, and the ids to seek from for the next ones."""

    rows: list = field(default_factory=list)
    older: int | None = None  # the last row's id, when rows follow it
    newer: int | None = None  # the first row's id, when rows precede it

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)


def statement(query, order, seek, size):
    """The SELECT of one page: `query` (its filters, no order) seeked, ordered and limited, one
    row more than a page (which says whether more follow, without counting them)."""
    forward = seek.newer is None
    if seek.older is not None:
        query = query.where(order.after(seek.older))
    elif seek.newer is not None:
        query = query.where(order.after(seek.newer, forward=False))
    return query.order_by(*order.by(forward)).limit(size + 1)


def page(session, query, order, seek, size, row_id=lambda row: row.id, scalars=True):
    """One page of the list `query` in `order` (see statement), in one statement, with the ids
    of its links: `older` when rows follow the page, `newer` when it is not the first page.
    A page past either end is empty and links nowhere (the screen offers the first page)."""
    found = list((session.scalars if scalars else session.execute)(statement(query, order, seek, size)).all())
    more, found = len(found) > size, found[:size]
    if not found:
        return Page()
    if seek.newer is not None:
        found.reverse()
        before, after = more, True  # the row it ended before comes after it
    else:
        before, after = seek.older is not None, more
    return Page(found, row_id(found[-1]) if after else None, row_id(found[0]) if before else None)


def argument(text):
    """A page's row id from a query-string value: an int in range, or None when it is not one."""
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def requested(args):
    """How a page reads the page it is asked for: ?older=<id> (the rows after that one) or
    ?newer=<id> (the rows before it). (the Seek the query string asks for, None) or, for a bad
    page argument, (the first page, why): a bad link shows the first page and says why, never a 500."""
    older, newer = args.get("older"), args.get("newer")
    if older is None and newer is None:
        return Seek(), None
    if older is not None and newer is not None:
        return Seek(), BAD_PAGE
    row_id = argument(older if older is not None else newer)
    if row_id is None:
        return Seek(), BAD_PAGE
    return (Seek(older=row_id) if older is not None else Seek(newer=row_id)), None
