from django.db import models

from comptoir.core import clock


class SearchDocument(models.Model):
    """One indexed product (with at least one visible offer): what filters, facets and ranking need without
    touching the offers. The text itself lives in the backend's structure, one entry per language: the FTS5 tables
    `search_fts_<language>` on SQLite, `SearchText` rows on PostgreSQL (migration 0005).

    `delivery` maps a destination country (or "*" for every country no zone names) to [lowest landed price, fewest
    business days to the latest promised delivery, seller id of the lowest landed price]; prices are in `currency`,
    compared through the pricing seam (offers.domain.pricing)."""

    product = models.OneToOneField("catalog.Product", primary_key=True, on_delete=models.CASCADE, related_name="+")
    category_id = models.BigIntegerField()
    product_created_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    min_price = models.BigIntegerField(help_text="Lowest item price of a visible offer, minor units.")
    offer_count = models.PositiveIntegerField()
    conditions = models.CharField(max_length=200, help_text="Space-separated conditions offered.")
    ships_from = models.CharField(max_length=400, help_text="Space-separated ISO countries the offers ship from.")
    seller_ids = models.TextField(help_text="Space-separated seller ids.")
    min_handling_days = models.PositiveSmallIntegerField()
    delivery = models.JSONField(default=dict)
    views = models.PositiveIntegerField(default=0, help_text="Product page views over the conversion window.")
    orders = models.PositiveIntegerField(default=0, help_text="Order lines over the conversion window.")
    quality = models.FloatField(
        default=0.0, help_text="Ranking score without text relevance, for browsing without a query."
    )
    # `quality` = visibility_multiplier × (quality_base + points of seller_trust and seller_satisfaction): the trust
    # copy of the ranked seller is kept apart so that a trust change rewrites these columns by seller, never the text.
    ranked_seller_id = models.BigIntegerField(
        null=True, help_text="Seller of the lowest landed price whose trust `quality` uses."
    )
    quality_base = models.FloatField(
        default=0.0, help_text="The points of `quality` that do not depend on the seller's trust."
    )
    seller_trust = models.FloatField(
        default=50.0, help_text="Trust score (0–100) of the ranked seller, as last copied."
    )
    seller_satisfaction = models.FloatField(
        default=50.0, help_text="Buyer-satisfaction pillar (0–100) of the ranked seller, as last copied."
    )
    visibility_multiplier = models.FloatField(
        default=1.0, help_text="Visibility multiplier of the ranked seller, as last copied."
    )
    # Variants (docs/CATALOG.md): a variant's document carries its family and option values, so results are grouped
    # by family and faceted on options without reading the catalog. Plain products: null and {}.
    family_id = models.BigIntegerField(null=True, blank=True, help_text="The family of a variant's product.")
    option_values = models.JSONField(default=dict, blank=True, help_text="The variant's option values.")
    indexed_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [
            models.Index(fields=["category_id", "-quality"], name="search_doc_category_quality"),
            models.Index(fields=["-quality"], name="search_doc_quality"),
            models.Index(fields=["ranked_seller_id"], name="search_doc_ranked_seller"),
        ]

    def __str__(self) -> str:
        return f"Search document of product {self.product_id}"


class SearchText(models.Model):
    """PostgreSQL's full-text row per document and language (docs/SEARCH.md, "Languages"): the document, its language,
    category (to scope a match) and the `search_vector` tsvector column, which migration 0005 adds on PostgreSQL only
    with one partial GIN index per language — raw SQL reads and writes it. Kept apart from the wide document row so a
    broad match reads narrow rows that stay in shared buffers, and written by INSERT … ON CONFLICT.
    Unused (empty) on SQLite, where one FTS5 table per language holds the text."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="+", db_column="product_id")
    language = models.CharField(max_length=8)
    category_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "language"], name="search_text_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"Search text of product {self.document_id} [{self.language}]"


class ProductViewDaily(models.Model):
    """Product page views per day (the denominator of the conversion rate)."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "day"], name="product_view_daily_unique")]

    def __str__(self) -> str:
        return f"{self.views} views of product {self.product_id} on {self.day}"


class SearchPriceBasis(models.Model):
    """What the index's destination prices were computed with, one row per kind of input ("tax_rules": the digest of
    the VAT rates and duty rules in force, taxes.selectors.tax_rules_fingerprint). `search_prices_follow_tax_rules`
    re-prices the index when the current digest differs."""

    key = models.CharField(max_length=20, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    priced_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key} {self.fingerprint[:12]}"
