from django.conf import settings
from django.core.files.storage import default_storage
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
    names = models.JSONField(
        default=dict,
        blank=True,
        help_text='Names in other languages: {"de": "Küche", "es": "Cocina"}. English and French have their fields.',
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
        return self.name_in(get_language() or "en")

    def name_in(self, language: str) -> str:
        """The name in `language` ("de", "de-AT"): `names`, else the French or English field, else English."""
        code = language.lower().split("-")[0]
        if code == "fr":
            return self.name_fr or self.name_en
        if code == "en":
            return self.name_en
        translated = self.names.get(code) if isinstance(self.names, dict) else None
        return translated if isinstance(translated, str) and translated.strip() else self.name_en


class TaxClass(models.TextChoices):
    """The VAT class of a product: which of a country's rates applies (comptoir.taxes reads the rates per country and
    day; the values are those of `comptoir.taxes.domain.rates.TaxClass`)."""

    STANDARD = "standard", _("Standard rate")
    REDUCED = "reduced", _("Reduced rate")
    SUPER_REDUCED = "super_reduced", _("Super-reduced rate")
    ZERO = "zero", _("Zero rate")


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
    weight_grams = models.PositiveIntegerField(null=True, blank=True, help_text="Net weight of one unit (the goods).")
    gross_weight_grams = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Gross weight of one unit with its packing: what a duty per kg or 100 kg gross is levied on.",
    )
    volume_millilitres = models.PositiveIntegerField(
        null=True, blank=True, help_text="Volume of one unit (liquids): what a duty per litre is levied on."
    )
    length_mm = models.PositiveIntegerField(null=True, blank=True)
    width_mm = models.PositiveIntegerField(null=True, blank=True)
    height_mm = models.PositiveIntegerField(null=True, blank=True)
    country_of_origin = models.CharField(max_length=2, blank=True)
    hs_code = models.CharField(max_length=10, blank=True, help_text="Harmonized System code, 6 to 10 digits.")
    tax_class = models.CharField(
        max_length=16,
        choices=TaxClass.choices,
        default=TaxClass.STANDARD,
        db_default=TaxClass.STANDARD.value,
        help_text="VAT class: which of each country's rates applies (docs/TAXES.md).",
    )
    tax_category = models.CharField(
        max_length=40,
        blank=True,
        default="",
        db_default="",
        help_text="Tax category (books, childrens_clothing, foodstuffs, alcohol…): its rate per country comes first, "
        "then the VAT class; alcohol, tobacco and energy_products are excise goods (docs/TAXES.md).",
    )
    created_by_seller = models.ForeignKey(
        "sellers.Seller", null=True, blank=True, on_delete=models.SET_NULL, related_name="created_products"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Variants (docs/CATALOG.md): a product family is a Product with `option_names` (["Size", "Colour"]) and no
    # parent; each combination is a Product of its own (own GTIN, pictures, offers) with `parent` set to the family
    # and `option_values` ({"Size": "M", "Colour": "Red"}). Offers attach to a variant, never to a family that has
    # variants. A product without variants has neither.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="variants", help_text="Family product."
    )
    option_names = models.JSONField(default=list, blank=True, help_text="Option groups of a family, in order.")
    option_values = models.JSONField(default=dict, blank=True, help_text="This variant's value per option group.")

    class Meta:
        indexes = [models.Index(fields=["category", "id"])]
        constraints = [
            # One variant per combination: the services store option values in the family's group order, so one
            # combination has one stored form (jsonb compares as JSON; SQLite compares the same text).
            models.UniqueConstraint(
                fields=["parent", "option_values"],
                condition=models.Q(parent__isnull=False),
                name="product_variant_one_per_combination",
            ),
            # A variant is not a family: one level only.
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | models.Q(option_names=[]),
                name="product_variant_has_no_option_groups",
            ),
            # Option values exactly on variants.
            models.CheckConstraint(
                condition=(models.Q(parent__isnull=True) & models.Q(option_values={}))
                | (models.Q(parent__isnull=False) & ~models.Q(option_values={})),
                name="product_option_values_only_on_variants",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_family(self) -> bool:
        """A product family (option groups, no parent): it takes no offers, its variants do."""
        return self.parent_id is None and bool(self.option_names)

    # The text in the request's language, once `catalog.selectors.products_localize` attached it (else the product's
    # own fields): what pages and the API show. Never saved: `title`, `description` and `attributes` stay the
    # product's own.
    @property
    def display_title(self) -> str:
        text = getattr(self, "localized_text", None)
        return text.title if text is not None else self.title

    @property
    def display_description(self) -> str:
        text = getattr(self, "localized_text", None)
        return text.description if text is not None else self.description

    @property
    def display_attributes(self) -> dict:
        text = getattr(self, "localized_text", None)
        return dict(text.attributes) if text is not None else dict(self.attributes or {})

    @property
    def display_language(self) -> str:
        text = getattr(self, "localized_text", None)
        return text.language if text is not None else self.language


class ProductTranslation(models.Model):
    """A product's title, description and attributes in another language than its own, supplied by a seller (or an
    import). One per product and language; variants have none: they share their family's (docs/LANGUAGES.md)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    updated_by_seller = models.ForeignKey(
        "sellers.Seller", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["product_id", "language"]
        constraints = [
            models.UniqueConstraint(fields=["product", "language"], name="product_translation_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} [{self.language}]: {self.title}"


class ProductImage(models.Model):
    """A picture of a product. Either an uploaded file (`file`, normalised at upload: upright, without metadata) with
    its WebP `renditions` made by a task, or an address given by an import (`url`). The first by `position` is the
    product's main picture. Who may add and remove them: docs/CATALOG.md."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    url = models.CharField(max_length=500, blank=True, help_text="Path under MEDIA_URL or an absolute URL.")
    file = models.FileField(max_length=300, blank=True, help_text="The uploaded picture, in the default storage.")
    alt_text = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=20, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    byte_size = models.PositiveIntegerField(null=True, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the uploaded bytes.")
    # [{"width": 480, "height": 360, "name": "<storage name>"}, ...] narrowest first; empty until the task ran.
    renditions = models.JSONField(default=list, blank=True)
    uploaded_by_seller = models.ForeignKey(
        "sellers.Seller", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "source_sha256"],
                condition=~models.Q(source_sha256=""),
                name="product_image_one_per_upload",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position}: {self.file.name or self.url}"

    @property
    def src(self) -> str:
        """The address of the full picture (the uploaded original, or the imported address)."""
        if self.file:
            return self.file.url
        if self.url.startswith(("/", "http://", "https://")):
            return self.url
        # Django gives a relative MEDIA_URL ("media/") the script prefix ("/media/").
        return f"{settings.MEDIA_URL}{self.url}"

    @property
    def srcset(self) -> str:
        """`srcset` of the WebP renditions ("<url> 160w, <url> 480w, …"), empty until they exist."""
        return ", ".join(f"{default_storage.url(item['name'])} {item['width']}w" for item in self.renditions)

    def rendition_src(self, min_width: int) -> str:
        """The narrowest rendition at least `min_width` wide (else the widest), or the original until they exist."""
        for item in self.renditions:
            if item["width"] >= min_width:
                return default_storage.url(item["name"])
        return default_storage.url(self.renditions[-1]["name"]) if self.renditions else self.src

    @property
    def thumbnail_src(self) -> str:
        return self.rendition_src(160)

    @property
    def card_src(self) -> str:
        return self.rendition_src(480)

    @property
    def large_src(self) -> str:
        return self.rendition_src(1200)


class ProductModel3D(models.Model):
    """A 3D/AR file of a product (GLB or USDZ), offered on the product page for download or AR viewing."""

    class Kind(models.TextChoices):
        GLB = "glb", _("3D model (GLB)")
        USDZ = "usdz", _("AR model (USDZ)")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="models_3d")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(max_length=300)
    byte_size = models.PositiveIntegerField()
    source_sha256 = models.CharField(max_length=64)
    uploaded_by_seller = models.ForeignKey(
        "sellers.Seller", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "source_sha256"], name="product_model_3d_one_per_upload"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.kind}: {self.file.name}"
