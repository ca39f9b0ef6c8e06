"""Country rules as effective-dated data with their source, what sellers record for them, and the markets each offer
is blocked in (docs/COMPLIANCE.md)."""

from django.db import models
from django.db.models.functions import Lower

from comptoir.compliance.domain import rules as domain
from comptoir.core import clock


class ComplianceRule(models.Model):
    """One rule, loaded from compliance/data/rules.json by `comptoir compliance rules-load` (the table is empty until
    then: no rule, no block)."""

    code = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    requirement = models.CharField(max_length=30, choices=[(code, code) for code in domain.REQUIREMENTS])
    scheme = models.CharField(max_length=40, blank=True, help_text="The registration scheme, for registrations.")
    countries = models.JSONField(default=list, help_text='ISO 3166 codes; "EU" stands for the Member States.')
    categories = models.JSONField(
        default=list, blank=True, help_text="Category slugs (with their subtrees); none: all."
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="First day no longer in force (exclusive).")
    source = models.TextField(help_text="Where the rule comes from (legal text and the page it was read on).")
    loaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def as_rule(self) -> domain.Rule:
        return domain.Rule(
            code=self.code,
            requirement=self.requirement,
            countries=domain.expand_countries(self.countries),
            categories=frozenset(self.categories),
            scheme=self.scheme,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
        )


class SellerRegistration(models.Model):
    """A seller's producer registration in one country's scheme (a French EPR unique ID, a LUCID number, …)."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="compliance_registrations")
    scheme = models.CharField(max_length=40, choices=[(scheme, scheme) for scheme in domain.SCHEMES])
    country = models.CharField(max_length=2)
    number = models.CharField(max_length=100)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["seller_id", "scheme", "country"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "scheme", "country"], name="seller_registration_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.scheme} {self.country} {self.number}"


class ResponsiblePerson(models.Model):
    """The economic operator established in the EU that answers for a non-EU seller's products (GPSR Art. 16)."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="responsible_person")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300)
    email = models.EmailField()
    country = models.CharField(max_length=2)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class Manufacturer(models.Model):
    """The postal and electronic address of a manufacturer whose products the seller offers (GPSR Art. 19(a)), per
    seller and manufacturer name: a product names its manufacturer by its brand or its `manufacturer` attribute
    (case-insensitive match); the product is shared between sellers, each answering for the facts it shows."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="manufacturers")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, help_text="Street, postal code and town.")
    country = models.CharField(max_length=2)
    email = models.EmailField(help_text="The electronic address (GPSR Art. 19(a)).")
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["seller_id", "name"]
        constraints = [models.UniqueConstraint("seller", Lower("name"), name="manufacturer_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class OfferMarketBlock(models.Model):
    """An offer may not be sold to buyers in `country`, for `reasons` (the evaluator's reason dicts). Maintained by
    `compliance.services.offer_market_blocks_refresh`; no row: allowed."""

    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="market_blocks")
    country = models.CharField(max_length=2)
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["offer_id", "country"]
        constraints = [models.UniqueConstraint(fields=["offer", "country"], name="offer_market_block_unique")]
        indexes = [models.Index(fields=["country", "offer"], name="offer_market_block_country")]

    def __str__(self) -> str:
        return f"offer {self.offer_id} blocked in {self.country}"
