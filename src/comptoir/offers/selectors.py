from __future__ import annotations

from comptoir.offers.domain.shipping import Rate
from comptoir.core.money import Money
from comptoir.offers.models import Offer, ShippingRate
from comptoir.sellers.models import SellerStatus


def offer_visible_qs():
    """Offers a buyer may see and buy: active, from verified sellers."""
    return Offer.objects.filter(is_active=True, seller__status=SellerStatus.VERIFIED)


def offer_list_for_product(product_id: int):
    return offer_visible_qs().filter(product_id=product_id).select_related("seller", "shipping_profile").prefetch_related("shipping_profile__rates").order_by("price_amount", "id")


def offer_list_for_seller(seller):
    return Offer.objects.filter(seller=seller).select_related("product").order_by("-id")


def shipping_rates_for_profiles(profile_ids) -> dict[int, list[Rate]]:
    rates: dict[int, list[Rate]] = {}
    for row in ShippingRate.objects.filter(profile_id__in=list(profile_ids)):
        rates.setdefault(row.profile_id, []).append(Rate(
            id=row.pk, zone_name=row.zone_name, countries=tuple(row.countries), service_level=row.service_level, carrier=row.carrier,
            first_item=Money(row.first_item_amount, row.currency), additional_item=Money(row.additional_item_amount, row.currency),
            transit_days_min=row.transit_days_min, transit_days_max=row.transit_days_max,
        ))
    return rates
