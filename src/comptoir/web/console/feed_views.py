"""The marketplace's feeds (docs/FEEDS.md): every seller's visible offers for Google Merchant Center (a multi-seller
account: each item names its seller) and other channels."""

from __future__ import annotations

from django.views.decorators.http import require_POST

from comptoir.web.console.views import operator_required
from comptoir.web.feed_pages import feed_action, feed_detail_page, feed_list_page

CONTEXT = {"section": "feeds", "detail_url": "console:feed", "action_url": "console:feed-action"}


@operator_required
def feed_list(request):
    return feed_list_page(request, seller=None, template="console/feeds/list.html", context=CONTEXT)


@operator_required
def feed_detail(request, feed_id: int):
    return feed_detail_page(
        request, seller=None, feed_id=feed_id, template="console/feeds/detail.html", context=CONTEXT
    )


@operator_required
@require_POST
def feed_action_view(request, feed_id: int, action: str):
    return feed_action(
        request, seller=None, feed_id=feed_id, action=action, list_url="console:feeds", detail_url="console:feed"
    )
