"""Sellers' offers and shipping profiles in the operator console: browse and search, never edit (offers change
through the seller's own tools, which call comptoir.offers.services). One operator action: how an offer is
fulfilled, the one term a seller cannot set to `marketplace` itself."""

from django.contrib import admin

from comptoir.catalog.admin import ProductAdmin, search_by_gtin_first
from comptoir.core.admin import (
    OperatorActionsMixin,
    ReadOnlyModelAdmin,
    ReadOnlyTabularInline,
    money_column,
)
from comptoir.offers.models import FulfilmentMethod, Offer, ShippingProfile, ShippingRate
from comptoir.offers.services import offer_fulfilment_method_set


@admin.register(Offer)
class OfferAdmin(OperatorActionsMixin, ReadOnlyModelAdmin):
    list_display = (
        "sku",
        "product",
        "gtin",
        "seller",
        "price",
        "stock",
        "condition",
        "fulfilment_method",
        "is_active",
        "updated_at",
    )
    list_filter = ("is_active", "condition", "fulfilment_method", "currency", "ships_from_country")
    search_fields = ("=sku", "product__title", "seller__name")
    list_select_related = ("product", "seller")
    ordering = ("-updated_at",)
    fields = (
        "seller",
        "product",
        "sku",
        "price",
        "stock",
        "condition",
        "condition_note",
        "handling_days",
        "ships_from_country",
        "fulfilment_method",
        "shipping_profile",
        "return_policy_days",
        "is_active",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    actions = ("fulfilled_by_the_marketplace", "fulfilled_by_the_seller")

    def _fulfilment_method_set(self, request, queryset, method: str, *, done: str) -> None:
        self.run_service_for_each(
            request,
            queryset,
            lambda offer: offer_fulfilment_method_set(actor=request.user, offer_id=offer.pk, fulfilment_method=method),
            done=done,
        )

    @admin.action(description="Mark as fulfilled by the marketplace", permissions=["operator"])
    def fulfilled_by_the_marketplace(self, request, queryset) -> None:
        self._fulfilment_method_set(
            request, queryset, FulfilmentMethod.MARKETPLACE, done="Offers marked as fulfilled by the marketplace"
        )

    @admin.action(description="Mark as fulfilled by the seller", permissions=["operator"])
    def fulfilled_by_the_seller(self, request, queryset) -> None:
        self._fulfilment_method_set(
            request, queryset, FulfilmentMethod.MERCHANT, done="Offers marked as fulfilled by the seller"
        )

    price = money_column("price_amount", "price", ordering="price_amount")

    def get_search_results(self, request, queryset, search_term):
        return search_by_gtin_first(super(), request, queryset, search_term, "product__gtin")

    @admin.display(description="GTIN", ordering="product__gtin")
    def gtin(self, offer: Offer) -> str:
        return offer.product.gtin or "—"


class ShippingRateInline(ReadOnlyTabularInline):
    model = ShippingRate
    fields = (
        "zone_name",
        "countries",
        "service_level",
        "carrier",
        "first_item",
        "additional_item",
        "transit_days_min",
        "transit_days_max",
    )
    readonly_fields = fields

    first_item = money_column("first_item_amount", "first item")

    additional_item = money_column("additional_item_amount", "each additional item")


@admin.register(ShippingProfile)
class ShippingProfileAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "seller", "created_at")
    search_fields = ("name", "seller__name")
    list_select_related = ("seller",)
    fields = ("seller", "name", "created_at")
    readonly_fields = fields
    inlines = [ShippingRateInline]


class ProductOfferInline(ReadOnlyTabularInline):
    model = Offer
    fields = ("seller", "sku", "price", "stock", "condition", "is_active")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seller")

    price = money_column("price_amount", "price")


# The product page lists its offers: the inline is declared here because offers sits above catalog.
ProductAdmin.inlines = [*ProductAdmin.inlines, ProductOfferInline]
