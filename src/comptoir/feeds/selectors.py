from __future__ import annotations

from typing import TYPE_CHECKING

from comptoir.core.crypto import decrypt_text, token_hash
from comptoir.feeds.models import Feed

if TYPE_CHECKING:
    from comptoir.sellers.models import Seller


def feed_list(seller: Seller | None):
    """A seller's feeds, or the marketplace's (seller None), newest first."""
    feeds = Feed.objects.filter(seller__isnull=True) if seller is None else Feed.objects.filter(seller=seller)
    return feeds.order_by("-created_at", "-id")


def feed_get(seller: Seller | None, feed_id: int) -> Feed | None:
    return feed_list(seller).filter(pk=feed_id).first()


def feed_list_all():
    return Feed.objects.select_related("seller").order_by("seller_id", "pk")


def feed_by_token(token: str) -> Feed | None:
    """The active feed this token opens, None otherwise (unknown, rotated away or inactive)."""
    if not isinstance(token, str) or not token.startswith("cfd_") or len(token) > 100:
        return None
    return Feed.objects.filter(token_hash=token_hash(token), is_active=True).first()


def feed_token(feed: Feed) -> str:
    """The feed's current token, for its owner's eyes only."""
    return decrypt_text(feed.token_encrypted)
