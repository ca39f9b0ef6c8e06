import pytest

from comptoir.search.tests.support import committed
from comptoir.web.storefront.tests.seed import seed_shop


@pytest.fixture
def shop(db):
    with committed():  # as if each service's transaction committed: the index is updated on commit
        return seed_shop()
