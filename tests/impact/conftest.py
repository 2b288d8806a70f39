from tests.coordinators.conftest import admin, coordinator  # noqa: F401  (the exports are coordinators')
