from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock


class Category(models.Model):
    """A node of the category tree. `path` is the materialised path of ids ('/1/7/42/') so a subtree
    is one indexed prefix query. Commission is set on any node and inherited by its descendants."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    slug = models.SlugField(max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    position = models.PositiveIntegerField(default=0)
    commission_rate_bp = models.PositiveIntegerField(
        null=True, blank=True, help_text="Basis points (1200 = 12%). Empty: inherit from the parent."
    )
    expected_attributes = models.JSONField(
        default=list, blank=True, help_text="Attribute names a complete listing in this category states."
    )

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate_bp__isnull=True) | models.Q(commission_rate_bp__lte=10000),
                name="category_commission_at_most_100pct",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class Product(models.Model):
    """A shared catalog entry. Several sellers' offers attach to one product (matched by GTIN)."""

    gtin = models.CharField(
        max_length=14, null=True, blank=True, unique=True, help_text="GTIN-8/12/13/14, check digit verified."
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    brand = models.CharField(max_length=120, blank=True, db_index=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    attributes = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="en", help_text="Language of title and description.")
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    length_mm = models.PositiveIntegerField(null=True, blank=True)
    width_mm = models.PositiveIntegerField(null=True, blank=True)
    height_mm = models.PositiveIntegerField(null=True, blank=True)
    country_of_origin = models.CharField(max_length=2, blank=True)
    hs_code = models.CharField(max_length=10, blank=True, help_text="Harmonized System code, 6 to 10 digits.")
    created_by_seller = models.ForeignKey(
        "sellers.Seller", null=True, blank=True, on_delete=models.SET_NULL, related_name="created_products"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["category", "id"])]

    def __str__(self) -> str:
        return self.title


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    url = models.CharField(max_length=500, help_text="Path under MEDIA_URL or an absolute URL.")
    alt_text = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position}: {self.url}"
