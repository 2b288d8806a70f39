"""How a coordinator screen reads the page it is asked for: ?older=<id> (the rows after that one)
or ?newer=<id> (the rows before it), as pantry.seek pages a list; a bad one shows the first page
and says why, never a 500."""
from flask_babel import lazy_gettext as _l

from pantry.seek import Seek, argument

BAD_PAGE = _l("That page link is not right, so this is the first page.")


def requested(args):
    """(the Seek the query string asks for, None) or, for a bad page argument, (the first page, why)."""
    older, newer = args.get("older"), args.get("newer")
    if older is None and newer is None:
        return Seek(), None
    if older is not None and newer is not None:
        return Seek(), BAD_PAGE
    row_id = argument(older if older is not None else newer)
    if row_id is None:
        return Seek(), BAD_PAGE
    return (Seek(older=row_id) if older is not None else Seek(newer=row_id)), None
