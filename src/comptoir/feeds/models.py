"""Feeds out: a feed definition (Google Merchant Center or a channel's own columns), marketplace-wide (the operator's)
or one seller's, its secret address and its last generated file; and the Google category each category maps to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock


class FeedKind(models.TextChoices):
    GOOGLE = "google", _("Google Merchant Center")
    CHANNEL = "channel", _("Channel (your own columns)")


class FeedFormat(models.TextChoices):
    XML = "xml", "XML"
    TSV = "tsv", "TSV"
    CSV = "csv", "CSV"


# The formats each kind may be written in.
KIND_FORMATS = {FeedKind.GOOGLE: (FeedFormat.XML, FeedFormat.TSV), FeedKind.CHANNEL: (FeedFormat.CSV, FeedFormat.XML)}


class Feed(models.Model):
    """One feed: which offers (a seller's only, or every visible offer when `seller` is empty: the operator's),
    for which country, language and currency, in which format. It is read at a secret address whose token is stored
    hashed (for the lookup) and encrypted (to show the address again); rotating the token revokes the old address.
    The generated file lives in the default storage under a random name; `exclusions` lists the first offers left
    out and why."""

    seller = models.ForeignKey("sellers.Seller", null=True, blank=True, on_delete=models.CASCADE, related_name="feeds")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=FeedKind.choices)
    format = models.CharField(max_length=4, choices=FeedFormat.choices)
    country = models.CharField(max_length=2)
    language = models.CharField(max_length=8)
    currency = models.CharField(max_length=3)
    columns = models.JSONField(default=list, blank=True, help_text="A channel feed's columns: [{column, field}].")
    token_hash = models.CharField(max_length=64, unique=True)
    token_encrypted = models.TextField()
    is_active = models.BooleanField(default=True)
    file_name = models.CharField(max_length=300, blank=True)
    byte_size = models.PositiveBigIntegerField(default=0)
    generated_at = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    excluded_count = models.PositiveIntegerField(default=0)
    exclusions = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["seller", "is_active"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="google", format__in=["xml", "tsv"])
                | models.Q(kind="channel", format__in=["csv", "xml"]),
                name="feed_format_of_its_kind",
            ),
        ]

    def __str__(self) -> str:
        owner = self.seller.name if self.seller is not None else "marketplace"
        return f"{self.name} ({owner}, {self.country}/{self.language}/{self.currency}, {self.format})"


class GoogleCategoryMapping(models.Model):
    """The Google product taxonomy category (its numeric id) of a category and, unless they have their own, of its
    descendants."""

    category = models.OneToOneField("catalog.Category", on_delete=models.CASCADE, related_name="google_category")
    google_category_id = models.PositiveIntegerField(help_text="Id from Google's taxonomy-with-ids file.")

    def __str__(self) -> str:
        return f"{self.category} → {self.google_category_id}"
