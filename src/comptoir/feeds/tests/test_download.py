"""/feeds/<token>: the generated file for whoever holds the token, nothing for anyone else."""

import pytest

from comptoir.catalog.models import ProductImage
from comptoir.feeds.services import feed_create, feed_generate, feed_token_rotate, feed_update, feed_url
from comptoir.testing.builders import make_offer, make_operator, make_product

pytestmark = pytest.mark.django_db


def a_feed(operator, **changes):
    values = dict(name="Google FR", kind="google", format="xml", country="FR", language="fr", currency="EUR")
    return feed_create(seller=None, actor=operator, **{**values, **changes})


def test_the_feed_address_serves_the_generated_file(client):
    product = make_product("Teapot", description="Cast iron.", brand="Kyusu")
    ProductImage.objects.create(product=product, url="https://cdn.example/teapot.jpg")
    offer = make_offer(product=product)
    feed, token = a_feed(make_operator())
    assert client.get(f"/feeds/{token}").status_code == 503  # not generated yet
    feed_generate(feed_id=feed.pk)

    response = client.get(f"/feeds/{token}")

    assert feed_url(token) == f"https://shop.example/feeds/{token}"
    assert response.status_code == 200 and response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex"
    body = b"".join(response.streaming_content)
    assert body.startswith(b'<?xml version="1.0"') and f"<g:id>offer-{offer.pk}</g:id>".encode() in body
    again = client.get(f"/feeds/{token}", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_a_tsv_feed_is_served_as_tab_separated_text(client):
    feed, token = a_feed(make_operator(), format="tsv")
    feed_generate(feed_id=feed.pk)

    response = client.get(f"/feeds/{token}")

    assert response["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    assert b"".join(response.streaming_content).startswith(b"id\ttitle\t")


def test_unknown_rotated_and_inactive_tokens_get_404(client):
    operator = make_operator()
    feed, token = a_feed(operator)
    feed_generate(feed_id=feed.pk)
    assert client.get("/feeds/cfd_unknown").status_code == 404
    assert client.head(f"/feeds/{token}").status_code == 200
    assert client.post(f"/feeds/{token}").status_code == 405

    _, new_token = feed_token_rotate(seller=None, actor=operator, feed_id=feed.pk)

    assert client.get(f"/feeds/{token}").status_code == 404
    assert client.get(f"/feeds/{new_token}").status_code == 200
    feed_update(seller=None, actor=operator, feed_id=feed.pk, changes={"is_active": False})
    assert client.get(f"/feeds/{new_token}").status_code == 404
