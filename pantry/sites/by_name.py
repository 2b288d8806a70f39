"""The network's sites a page at a time, by name (then id, so the order is total), along the
(name, id) index: a coordinator's lists of sites cost what one page shows, however many there are."""
from sqlalchemy import select

from pantry import seek
from pantry.sites.models import Site

ORDER = seek.Order((Site.name, Site.id))


def query():
    return select(Site)


def sites_page(session, where, size):
    """The page of sites at `where` (a seek.Seek), `size` to a page."""
    return seek.page(session, query(), ORDER, where, size)
