"""Feeds (docs/FEEDS.md): the shop's own offers for Google Merchant Center and other channels, at secret addresses."""

from __future__ import annotations

from django.views.decorators.http import require_POST

from comptoir.web.feed_pages import feed_action, feed_detail_page, feed_list_page
from comptoir.web.sellercenter.access import seller_view

CONTEXT = {"section": "feeds", "detail_url": "sellercenter:feed", "action_url": "sellercenter:feed_action"}


@seller_view
def feed_list(request):
    return feed_list_page(request, seller=request.seller, template="sellercenter/feeds/list.html", context=CONTEXT)


@seller_view
def feed_detail(request, feed_id: int):
    return feed_detail_page(
        request, seller=request.seller, feed_id=feed_id, template="sellercenter/feeds/detail.html", context=CONTEXT
    )


@require_POST
@seller_view
def feed_action_view(request, feed_id: int, action: str):
    return feed_action(
        request,
        seller=request.seller,
        feed_id=feed_id,
        action=action,
        list_url="sellercenter:feeds",
        detail_url="sellercenter:feed",
    )
