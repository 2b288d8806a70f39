"""Which sites the network's home page shows: one page of them at a time (HOME_PAGE_SITES), never
the whole network. With a place (a neighbourhood chosen from the list, or a point the phone gave)
the chosen neighbourhood's sites come first and then the nearest; a search keeps the sites whose
name or address holds every word typed; else by name.

The sites are sorted and cut in the database, so a page costs the same in a network of 10 or
1,000 sites: the order by distance is the flat-earth one (degrees of longitude shrunk by the
cosine of the latitude), which orders sites within a city as the great circle does; the
distance shown is the great circle's (pantry.needs.search.distance_km). A point is rounded to
about 1 km as it is read (pantry.needs.search.parse), used for this one page and forgotten."""
import math
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, or_, select

from pantry.needs import search
from pantry.needs.errors import BadSearch
from pantry.refusals import Refusal
from pantry.sites.models import Site

PAGE = re.compile(r"[1-9][0-9]{0,4}")  # 1 to 99999: a longer number is no page of any network
WORDS_MOST = 8  # words of a search by name or address that count; the rest are dropped


class NoSuchPage(Refusal):
    code = "no_such_page"
    status = 404
    field = "page"
    message = _l("There is no such page of sites. Start again from the first page.")


@dataclass(frozen=True)
class Choice:
    """What the neighbour asked the home page for: the GET arguments, read and checked."""

    text: str = ""  # words of a site's name or address
    neighbourhood: str = ""
    latitude: float | None = None
    longitude: float | None = None
    page: int = 1

    @property
    def located(self):
        return self.latitude is not None

    @property
    def chosen(self):
        """Whether anything but the plain first page was asked for."""
        return self != Choice()

    def args(self, page=None):
        """The GET arguments that ask for this choice (at `page`), in one order, defaults left out."""
        found = {"near": self.neighbourhood, "q": self.text}
        if self.located:
            found |= {"lat": f"{self.latitude:.{search.PLACES}f}", "lon": f"{self.longitude:.{search.PLACES}f}"}
        page = self.page if page is None else page
        found["page"] = str(page) if page > 1 else ""
        return {name: value for name, value in found.items() if value}


def parse(args):
    """A Choice from the GET arguments near, q, lat, lon and page, or a Refusal saying what is wrong
    (a neighbourhood no site is in is refused by `sites_page`, which asks the database)."""
    query = search.parse(args)  # q, lat, lon, near: lengths, control characters, the ranges of degrees
    page = args.get("page", "1").strip()
    if not PAGE.fullmatch(page):
        raise NoSuchPage()
    text = " ".join(query.text.split()[:WORDS_MOST])
    return Choice(text, query.neighbourhood, query.latitude, query.longitude, int(page))


def may_keep(args, choice):
    """Whether the page may be kept rendered: a neighbourhood and a page number, asked for with
    exactly the arguments `choice.args()` makes (no other, none twice), so no made-up address
    fills the page cache. Words typed are rendered each time; a point is never kept."""
    if choice.text or choice.located:
        return False
    wanted = choice.args()
    return set(args) == set(wanted) and all(args.getlist(name) == [value] for name, value in wanted.items())


@dataclass
class SitesPage:
    sites: list
    number: int
    size: int  # sites on a full page
    more: bool  # whether a next page has sites
    km: dict = field(default_factory=dict)  # site id -> great-circle km from the point given

    @property
    def first(self):
        """The position of the page's first site in the whole order, counted from 1."""
        return (self.number - 1) * self.size + 1

    @property
    def last(self):
        return self.first + len(self.sites) - 1


def sites_page(session, choice, size):
    """The `size` sites of `choice.page`, in the order the choice asks for, and whether more follow.
    One query for the page (and two for a chosen neighbourhood: that it is one, and its centre),
    however big the network. A neighbourhood no site is in is refused (BadSearch)."""
    if choice.neighbourhood and session.scalar(
            select(Site.id).where(Site.neighbourhood == choice.neighbourhood).limit(1)) is None:
        raise BadSearch(search.NO_SUCH_NEIGHBOURHOOD)
    query = select(Site)
    for word in choice.text.split():
        query = query.where(or_(Site.name.icontains(word, autoescape=True),
                                Site.address.icontains(word, autoescape=True)))
    order = []
    if choice.neighbourhood:
        order.append(case((Site.neighbourhood == choice.neighbourhood, 0), else_=1))
    centre = (choice.latitude, choice.longitude) if choice.located else search.neighbourhood_centre(session, choice.neighbourhood)
    if centre:
        shrink = math.cos(math.radians(centre[0]))
        north, east = Site.latitude - centre[0], (Site.longitude - centre[1]) * shrink
        order += [Site.latitude.is_(None), north * north + east * east]
    query = query.order_by(*order, Site.name, Site.id).offset((choice.page - 1) * size).limit(size + 1)
    found = session.scalars(query).all()
    if choice.page > 1 and not found:
        raise NoSuchPage()
    sites = found[:size]
    km = {}
    if choice.located:
        km = {site.id: search.distance_km(centre, (site.latitude, site.longitude))
              for site in sites if site.latitude is not None}
    return SitesPage(sites, choice.page, size, len(found) > size, km)
