"""Finding a site by the slug in a link: the one way every door does it."""
from sqlalchemy import select

from pantry.sites.models import Site
from pantry.sites.rules import SLUG_PATTERN


def by_slug(session, slug):
    """The site with this slug, or None. What no slug looks like never reaches the database."""
    if not SLUG_PATTERN.match(slug):
        return None
    return session.scalar(select(Site).where(Site.slug == slug))

