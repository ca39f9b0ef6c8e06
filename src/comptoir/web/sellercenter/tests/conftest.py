import pytest

from comptoir.web.sellercenter.tests.support import offer_of, shop


@pytest.fixture
def seller_setup(db):
    """A verified shop with its owner, a shipping profile and one offer; the client is logged in as the owner."""
    seller, owner, profile = shop()
    offer = offer_of(seller, profile, sku="MUG-001", price_amount=1490, stock=12)
    return {"seller": seller, "owner": owner, "profile": profile, "offer": offer}


@pytest.fixture
def owner_client(client, seller_setup):
    client.force_login(seller_setup["owner"])
    return client
