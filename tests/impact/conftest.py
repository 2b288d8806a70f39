from tests.coordinators.conftest import admin  # noqa: F401  (the exports the figures are checked against are coordinators')
