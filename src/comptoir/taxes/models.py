"""VAT rates as effective-dated data with their source (domain/rates.py says how one is chosen for a day)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from comptoir.taxes.domain.duties import CustomsValue, DutyKind, SpecificKind, SpecificUnit
from comptoir.taxes.domain.rates import TaxClass


class VatRate(models.Model):
    """A country's rate of a tax class (`category` empty), or the rate products of a tax category bear in a country
    (`category` set; `tax_class` is then the rate's kind: reduced, super_reduced, zero, standard)."""

    country = models.CharField(max_length=2)
    tax_class = models.CharField(max_length=16, choices=[(item.value, item.value) for item in TaxClass])
    category = models.CharField(
        max_length=40,
        blank=True,
        default="",
        db_default="",
        help_text="Empty: the class's rate. A tax category (books, foodstuffs): the rate its products bear here.",
    )
    rate_bp = models.PositiveIntegerField(help_text="Basis points: 2000 = 20 %, 550 = 5.5 %.")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, help_text="Where the rate comes from (data package and version, law).")
    imported_at = models.DateTimeField()

    class Meta:
        # The checkout's offers read looks rates up by country for the class rows and the category rows at once: the
        # two unique indexes are partial (on `category`), so neither serves that look-up; this one does.
        indexes = [models.Index(fields=["country", "tax_class"], name="vat_rate_by_country")]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_class", "valid_from"],
                condition=models.Q(category=""),
                name="vat_rate_one_per_start",
            ),
            models.UniqueConstraint(
                fields=["country", "category", "valid_from"],
                condition=~models.Q(category=""),
                name="vat_category_rate_one_per_start",
            ),
            models.CheckConstraint(condition=models.Q(rate_bp__lte=10_000), name="vat_rate_at_most_100pct"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="vat_rate_ends_after_it_starts",
            ),
        ]
        ordering = ["country", "category", "tax_class", "-valid_from"]

    def __str__(self) -> str:
        kind = f"{self.category} ({self.tax_class})" if self.category else self.tax_class
        return f"{self.country} {kind} {Decimal(self.rate_bp).scaleb(-2).normalize():f} % from {self.valid_from}"


class SellerTaxProfile(models.Model):
    """A seller's VAT position the marketplace prices with. `charges_destination_vat`: the seller charges the buyer's
    country's VAT on its intra-EU distance sales (its such sales, on every channel, passed EUR 10,000 this year or
    last, or it opted in; it declares them through OSS). Declared by the seller and kept by the operator: the
    marketplace sees only its own sales, not the seller's other channels (docs/TAXES.md)."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="tax_profile")
    charges_destination_vat = models.BooleanField(
        default=False, help_text="Over the EUR 10,000 EU distance-sales threshold, or opted in (OSS)."
    )
    oss_registration = models.CharField(max_length=40, blank=True, help_text="Where and under which number (OSS).")
    # The marketplace's own count (SellerDistanceSale rows): the last calendar year in which the seller charges
    # destination VAT because its distance sales on the marketplace passed EUR 10,000 (the crossing year and the next).
    # Kept by taxes.services.seller_distance_sale_count; whichever of it and the declaration says "over" wins.
    counted_over_through_year = models.PositiveIntegerField(null=True, blank=True)
    # Identity for the DAC7 report (Dir. (EU) 2021/514), completed by the seller in the seller center: an individual
    # gives a date of birth, an entity its business registration number (the seller's trade register number).
    legal_form = models.CharField(
        max_length=10, blank=True, choices=[("individual", "individual"), ("entity", "entity")]
    )
    tin = models.CharField(max_length=40, blank=True, help_text="Tax identification number (DAC7).")
    tin_country = models.CharField(max_length=2, blank=True, help_text="Country that issued the TIN.")
    date_of_birth = models.DateField(null=True, blank=True, help_text="Individuals only (DAC7).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Tax profile of seller {self.seller_id}"


class SellerDistanceSale(models.Model):
    """One seller order's intra-EU B2C distance sales, net of VAT, in EUR cents, counted towards the seller's EUR 10,000
    threshold of its calendar year (docs/TAXES.md, "The seller's distance sales"). One row per seller order (counting
    again changes nothing); a cancelled or refunded seller order counts 0. `seller_order_id` is the orders app's id
    (taxes sits below orders and does not name its models)."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="distance_sales")
    seller_order_id = models.BigIntegerField(unique=True)
    year = models.PositiveIntegerField()
    net_eur_cents = models.BigIntegerField()
    counted_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["seller", "year"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(net_eur_cents__gte=0), name="distance_sale_not_negative")
        ]

    def __str__(self) -> str:
        return (
            f"seller {self.seller_id} {self.year}: {self.net_eur_cents} EUR cents (seller order {self.seller_order_id})"
        )


class SellerDistanceCounter(models.Model):
    """The row a checkout locks (`SELECT … FOR UPDATE`, through an upsert: orders.locks) before it reads a seller's
    distance sales of a year, so that two checkouts of one seller decide one after the other and exactly one sale is
    the crossing one (docs/TAXES.md, "The crossing sale"). It holds no amount: the count is the sum of the seller's
    `SellerDistanceSale` rows of the year, written in the same transaction as the order."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="distance_counters")
    year = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "year"], name="distance_counter_one_per_seller_year")]

    def __str__(self) -> str:
        return f"distance-sales counter of seller {self.seller_id}, {self.year}"


class ViesStatus(models.TextChoices):
    NOT_CHECKED = "not_checked", "not checked (VIES off)"
    VALID = "valid", "registered (VIES)"
    INVALID = "invalid", "not registered (VIES)"
    UNREACHABLE = "unreachable", "VIES unreachable"


class VatNumberCheck(models.Model):
    """One check of a VAT number a buyer gave, kept as evidence for a reverse-charged sale (the format by
    python-stdnum, VIES's answer when it was asked). Append-only."""

    number = models.CharField(max_length=32, db_index=True)
    country = models.CharField(max_length=2, blank=True)
    is_format_valid = models.BooleanField()
    format_problem = models.CharField(max_length=200, blank=True)
    vies_status = models.CharField(max_length=16, choices=ViesStatus.choices, default=ViesStatus.NOT_CHECKED)
    vies_name = models.CharField(max_length=200, blank=True)
    vies_address = models.CharField(max_length=300, blank=True)
    vies_request_date = models.DateField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="vat_number_checks"
    )
    checked_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["number", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.vies_status} {self.checked_at:%Y-%m-%d}"

    @property
    def is_accepted(self) -> bool:
        """Whether the number may be used for a reverse charge: well formed, and not refused by VIES."""
        return self.is_format_valid and self.vies_status != ViesStatus.INVALID


class DutyRule(models.Model):
    """A customs duty rule of a destination's customs area, effective-dated, with its source (domain/duties.py says
    what each kind means; `comptoir tax duties-load` loads taxes/data/duty_rules.json)."""

    area = models.CharField(max_length=2, help_text='"EU", "GB", "CH" or a country outside them ("US").')
    kind = models.CharField(max_length=16, choices=[(item.value, item.value) for item in DutyKind])
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField(default=0, help_text="Minor units per item (flat_per_item).")
    value_limit = models.BigIntegerField(
        null=True, blank=True, help_text="The consignment's intrinsic value up to which the rule applies."
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    marketplace_collected_only = models.BooleanField(
        default=False, help_text="Applies only when the marketplace collects the import VAT at checkout (IOSS)."
    )
    customs_value = models.CharField(
        max_length=3,
        choices=[(item.value, item.value) for item in CustomsValue],
        default=CustomsValue.CIF.value,
        help_text="Tariff rules: cif = the shipping is in the customs value (EU, UK); fob = it is not (US).",
    )
    source = models.TextField()
    loaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "kind", "valid_from"], name="duty_rule_one_per_start"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="duty_rule_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="duty_rule_ends_after_it_starts",
            ),
        ]
        ordering = ["area", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.area} {self.kind} from {self.valid_from}"


class TariffRate(models.Model):
    """An ad valorem duty rate of a customs area's tariff for an HS code prefix, from any origin or from one (a
    preferential rate), effective-dated, with its source. Operator data loaded from a CSV by `comptoir tax
    tariffs-load` (docs/TAXES.md "Tariff rates"); a `tariff` duty rule reads it (domain/duties.py)."""

    area = models.CharField(max_length=2, help_text='The destination\'s customs area: "EU", "GB", "CH" or a country.')
    hs_prefix = models.CharField(
        max_length=10, help_text="2 digits (chapter), 4 (heading), 6 or more (subheading): the longest prefix wins."
    )
    origin = models.CharField(
        max_length=2, blank=True, default="", help_text="Country of origin of a preferential rate; empty: any origin."
    )
    rate_bp = models.PositiveIntegerField(help_text="Basis points of the customs value: 1200 = 12 %.")
    specific_amount = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="A specific duty: an amount of `specific_currency` (major units) per `specific_unit`.",
    )
    specific_currency = models.CharField(max_length=3, blank=True, default="")
    specific_unit = models.CharField(
        max_length=12, blank=True, default="", choices=[(item.value, item.value) for item in SpecificUnit]
    )
    specific_kind = models.CharField(
        max_length=8,
        blank=True,
        default="",
        choices=[(item.value, item.value) for item in SpecificKind],
        help_text="plus: ad valorem + specific; minimum / maximum: the ad valorem part bounded by the specific amount.",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.TextField()
    loaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "hs_prefix", "origin", "valid_from"], name="tariff_rate_one_per_start"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(specific_amount__isnull=True, specific_currency="", specific_unit="", specific_kind="")
                    | (
                        models.Q(specific_amount__gte=0)
                        & ~models.Q(specific_currency="")
                        & ~models.Q(specific_unit="")
                        & ~models.Q(specific_kind="")
                    )
                ),
                name="tariff_rate_specific_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="tariff_rate_ends_after_it_starts",
            ),
        ]
        ordering = ["area", "hs_prefix", "origin", "-valid_from"]

    def __str__(self) -> str:
        origin = f" from {self.origin}" if self.origin else ""
        percent = Decimal(self.rate_bp).scaleb(-2).normalize()
        specific = ""
        if self.specific_amount is not None:
            amount = f"{self.specific_amount.normalize():f}"
            specific = f" {self.specific_kind} {self.specific_currency} {amount}/{self.specific_unit}"
        return f"{self.area} {self.hs_prefix}{origin}: {percent:f} %{specific} from {self.valid_from}"
