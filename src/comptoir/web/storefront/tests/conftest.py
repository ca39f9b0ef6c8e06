import pytest

from comptoir.search.tests.support import committed
from comptoir.web.storefront.tests.seed import seed_shop


@pytest.fixture
def shop(db):
    with committed():  # the search index is updated when the services' transactions commit
        return seed_shop()


@pytest.fixture
def buyer_client(client, shop):
    client.force_login(shop.buyer)
    return client
