"""Numbers in addresses: every <int:...> in every route names a row or nothing.

Ids are 32-bit on PostgreSQL, and SQLite's integers end at 2**63 - 1: a larger number in an
address would reach the database and fail there (a 500). The app's "int" converter stops at
the largest id, so such an address is a page not found before any view runs."""
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1


class RowNumber(IntegerConverter):
    """<int:...> and <int(max=N):...>, never above LARGEST_ID."""

    def __init__(self, map, *args, **options):
        super().__init__(map, *args, **options)
        self.max = LARGEST_ID if self.max is None else min(self.max, LARGEST_ID)


def register(app):
    """Before any blueprint: a rule takes its converter when it is added."""
    app.url_map.converters["int"] = RowNumber
