"""How a coordinator screen reads the page it is asked for: ?older=<id> (the rows after that one)
or ?newer=<id> (the rows before it), as pantry.seek pages a list; a bad one shows the first page
and says why, never a 500. The public pages read it the same way (pantry.seek.requested)."""
from pantry.seek import BAD_PAGE, requested

__all__ = ["BAD_PAGE", "requested"]
