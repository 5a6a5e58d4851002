import os

import pytest


@pytest.fixture(scope="session")
def odoo_db():
    """The database scripts/test.sh installed both addons with demo data into."""
    db = os.environ.get("MOH_TEST_DB")
    if not db or not os.environ.get("MOH_ODOO_BIN"):
        pytest.fail("tests/e2e needs a real Odoo: run it through scripts/test.sh")
    return db
