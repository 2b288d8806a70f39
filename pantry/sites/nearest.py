"""Sites by where they are: the network's neighbourhoods, and the other sites a volunteer at one
site may send food to in the van: a short list, never the whole network (a select of 1,000 sites would be most of the checklist page a phone downloads).
The site's own neighbourhood comes first, then the nearest (the flat-earth order the home page
sorts by: degrees of longitude shrunk by the cosine of the latitude), then by name; words typed
keep the sites whose name or address holds every one of them, so any site can still be found."""
import math

from sqlalchemy import case, or_, select

from pantry.sites.models import Site

LARGEST_ID = 2**31 - 1  # a site id the form may name (a larger number is no site)
LONGEST = 100  # characters of words typed that count
WORDS_MOST = 8


def neighbourhoods(session):
    """The neighbourhoods the network's sites are in, by name."""
    query = select(Site.neighbourhood).where(Site.neighbourhood != "").distinct().order_by(Site.neighbourhood)
    return session.scalars(query).all()


def words(text):
    """The words typed to find a site, without control characters, at most WORDS_MOST of them."""
    printable = "".join(character for character in (text or "")[:LONGEST] if character.isprintable())
    return " ".join(printable.split()[:WORDS_MOST])


def near(session, site, size, typed="", keep=None):
    """Up to `size` sites other than `site`, nearest first, holding every word of `typed` when given;
    and the site with id `keep` (the one a refused form had chosen) if it is another site and not among them."""
    query = select(Site).where(Site.id != site.id)
    for word in typed.split():
        query = query.where(or_(Site.name.icontains(word, autoescape=True),
                                Site.address.icontains(word, autoescape=True)))
    order = []
    if site.neighbourhood:
        order.append(case((Site.neighbourhood == site.neighbourhood, 0), else_=1))
    if site.latitude is not None and site.longitude is not None:
        shrink = math.cos(math.radians(site.latitude))
        north, east = Site.latitude - site.latitude, (Site.longitude - site.longitude) * shrink
        order += [Site.latitude.is_(None), north * north + east * east]
    found = list(session.scalars(query.order_by(*order, Site.name, Site.id).limit(size)))
    if keep and 0 < keep <= LARGEST_ID and keep != site.id and keep not in {other.id for other in found}:
        kept = session.get(Site, keep)
        found += [kept] if kept else []
    return found
