import pytest

from comptoir.web.storefront.tests.seed import seed_shop


@pytest.fixture
def shop(db):
    return seed_shop()
