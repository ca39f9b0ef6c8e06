import pytest

from comptoir.testing.builders import make_seller
from comptoir.webhooks.services import webhook_endpoint_create
from comptoir.webhooks.tests.receiver import start_receiver


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queues on commit (events, tasks), as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def seller():
    return make_seller("Hooked Shop")


@pytest.fixture
def endpoint(seller, receiver):
    owner = seller.members.get().user
    endpoint, secret = webhook_endpoint_create(
        seller=seller,
        actor=owner,
        url=receiver.url,
        event_types=["order.created", "order.cancelled", "order.shipped", "offer.out_of_stock", "payout.sent"],
    )
    receiver.secret = secret
    return endpoint
