from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock
from comptoir.core.money import Money


class Condition(models.TextChoices):
    NEW = "new", _("New")
    REFURBISHED = "refurbished", _("Refurbished")
    USED_LIKE_NEW = "used_like_new", _("Used – like new")
    USED_GOOD = "used_good", _("Used – good")
    USED_ACCEPTABLE = "used_acceptable", _("Used – acceptable")


class FulfilmentMethod(models.TextChoices):
    MERCHANT = "merchant", _("Shipped by the seller")
    MARKETPLACE = "marketplace", _("Fulfilled by the marketplace")
    DROPSHIP = "dropship", _("Shipped by the seller's supplier")


class ShippingProfile(models.Model):
    """A seller's shipping template: which destinations, at what price and speed. Offers point to one."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="shipping_profiles")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.seller} – {self.name}"


class ShippingRate(models.Model):
    """One shipping option for a destination zone (a list of ISO countries, or ["*"] for the rest of the world).

    Price = first_item + additional_item × (items − 1), per seller order."""

    profile = models.ForeignKey(ShippingProfile, on_delete=models.CASCADE, related_name="rates")
    zone_name = models.CharField(max_length=60)
    countries = models.JSONField(default=list)
    service_level = models.CharField(max_length=20, default="standard", help_text="standard, express, economy …")
    carrier = models.CharField(max_length=60, blank=True)
    currency = models.CharField(max_length=3)
    first_item_amount = models.BigIntegerField(help_text="Minor units")
    additional_item_amount = models.BigIntegerField(default=0, help_text="Minor units")
    transit_days_min = models.PositiveSmallIntegerField()
    transit_days_max = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["profile_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_item_amount__gte=0, additional_item_amount__gte=0),
                name="shipping_rate_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(transit_days_max__gte=models.F("transit_days_min")),
                name="shipping_rate_transit_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone_name} {self.service_level}"


class Offer(models.Model):
    """A seller's offer on a product. Stock can never go below zero (database constraint)."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="offers")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="offers")
    sku = models.CharField(max_length=100)
    price_amount = models.BigIntegerField(help_text="Unit price in minor units")
    currency = models.CharField(max_length=3)
    stock = models.IntegerField(default=0)
    condition = models.CharField(max_length=20, choices=Condition.choices, default=Condition.NEW)
    condition_note = models.CharField(max_length=300, blank=True)
    handling_days = models.PositiveSmallIntegerField(
        default=1, help_text="Business days to hand the parcel to the carrier."
    )
    ships_from_country = models.CharField(max_length=2)
    fulfilment_method = models.CharField(
        max_length=20, choices=FulfilmentMethod.choices, default=FulfilmentMethod.MERCHANT
    )
    shipping_profile = models.ForeignKey(ShippingProfile, on_delete=models.PROTECT, related_name="offers")
    return_policy_days = models.PositiveSmallIntegerField(default=14)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="offer_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(price_amount__gt=0), name="offer_price_positive"),
            models.UniqueConstraint(fields=["seller", "sku"], name="offer_unique_seller_sku"),
            models.UniqueConstraint(
                fields=["seller", "product", "condition"], name="offer_unique_seller_product_condition"
            ),
        ]
        indexes = [models.Index(fields=["product", "is_active"])]

    def __str__(self) -> str:
        return f"{self.seller} – {self.sku}"

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.currency)

    @property
    def ships_to(self) -> list[str]:
        """Countries reached by this offer's shipping profile (['*'] means worldwide)."""
        countries: list[str] = []
        for rate in self.shipping_profile.rates.all():
            countries.extend(rate.countries)
        return sorted(set(countries))
