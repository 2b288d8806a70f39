"""Finding a site by the slug in a link: the one way every door does it; and a site's neighbours."""
import math

from sqlalchemy import case, select

from pantry.sites.models import Site
from pantry.sites.rules import SLUG_PATTERN


def by_slug(session, slug):
    """The site with this slug, or None. What no slug looks like never reaches the database."""
    if not SLUG_PATTERN.match(slug):
        return None
    return session.scalar(select(Site).where(Site.slug == slug))


def neighbours(session, site, most):
    """The `most` other sites nearest `site`: those of its neighbourhood first, then by distance
    where both are on the map (flat-earth, as the home page orders them), then by name. Cut in the
    database, so a network of 1,000 sites costs no more to offer than one of 10."""
    order = [case((Site.neighbourhood == site.neighbourhood, 0), else_=1)] if site.neighbourhood else []
    if site.latitude is not None and site.longitude is not None:
        shrink = math.cos(math.radians(site.latitude)) ** 2  # a degree of longitude is shorter away from the equator
        north, east = Site.latitude - site.latitude, Site.longitude - site.longitude
        order += [Site.latitude.is_(None), north * north + east * east * shrink]
    query = select(Site).where(Site.id != site.id).order_by(*order, Site.name, Site.id).limit(most)
    return session.scalars(query).all()
