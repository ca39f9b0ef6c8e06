from __future__ import annotations

from comptoir.core.crypto import token_hash
from comptoir.sellers.models import Seller, SellerApiKey, SellerMember, SellerStatus


def seller_api_key_authenticate(secret: str) -> SellerApiKey | None:
    return (
        SellerApiKey.objects.select_related("seller")
        .filter(key_hash=token_hash(secret), revoked_at__isnull=True)
        .first()
    )


def seller_memberships_for_user(user) -> list[SellerMember]:
    return list(SellerMember.objects.select_related("seller").filter(user=user).order_by("seller_id"))


def seller_list_verified():
    return Seller.objects.filter(status=SellerStatus.VERIFIED).order_by("name")
