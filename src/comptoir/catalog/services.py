from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from comptoir.catalog import errors
from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.models import Category, Product, ProductImage
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.services import audit_record
from comptoir.sellers.domain.trader import normalise_country


def category_create(*, name_en: str, name_fr: str, parent: Category | None = None, slug: str | None = None, commission_rate_bp: int | None = None, expected_attributes: list[str] | None = None, position: int = 0, actor=None) -> Category:
    if commission_rate_bp is not None and not (0 <= commission_rate_bp <= 10_000):
        raise ValidationError("Invalid commission rate.", code="invalid_commission", fields={"commission_rate_bp": "Between 0 and 10000 basis points."})
    with transaction.atomic():
        category = Category.objects.create(
            parent=parent,
            slug=slug or slugify(name_en)[:120],
            name_en=name_en,
            name_fr=name_fr,
            commission_rate_bp=commission_rate_bp,
            expected_attributes=expected_attributes or [],
            position=position,
            depth=(parent.depth + 1) if parent else 0,
        )
        category.path = f"{parent.path if parent else '/'}{category.pk}/"
        category.save(update_fields=["path"])
        if actor is not None:
            audit_record(actor=actor, action="category.created", target=category)
    return category


def category_set_commission(*, category_id: int, commission_rate_bp: int | None, actor) -> Category:
    if commission_rate_bp is not None and not (0 <= commission_rate_bp <= 10_000):
        raise ValidationError("Invalid commission rate.", code="invalid_commission", fields={"commission_rate_bp": "Between 0 and 10000 basis points."})
    with transaction.atomic():
        category = Category.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise NotFound("No such category.", code=errors.CATEGORY_NOT_FOUND)
        previous = category.commission_rate_bp
        category.commission_rate_bp = commission_rate_bp
        category.save(update_fields=["commission_rate_bp"])
        audit_record(actor=actor, action="category.commission_changed", target=category, data={"from": previous, "to": commission_rate_bp})
    return category


def product_create(*, title: str, category_id: int, description: str = "", brand: str = "", gtin: str | None = None, attributes: dict | None = None,
                   language: str = "en", weight_grams: int | None = None, length_mm: int | None = None, width_mm: int | None = None, height_mm: int | None = None,
                   country_of_origin: str = "", hs_code: str = "", image_urls: list[str] | None = None, seller=None, actor=None) -> Product:
    """Create a shared catalog entry. Raises ValidationError (all field errors at once)."""
    field_errors: dict[str, str] = {}
    if not isinstance(title, str) or not title.strip() or len(title) > 300:
        field_errors["title"] = "A title of 1 to 300 characters is required."
    normalised_gtin, gtin_error = normalise_gtin(gtin)
    if gtin_error:
        field_errors["gtin"] = gtin_error
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        field_errors["category_id"] = "Unknown category."
    if country_of_origin and normalise_country(country_of_origin) is None:
        field_errors["country_of_origin"] = "Use an ISO 3166 two-letter country code."
    if hs_code and not (hs_code.isdigit() and 6 <= len(hs_code) <= 10):
        field_errors["hs_code"] = "An HS code has 6 to 10 digits."
    for name, value in (("weight_grams", weight_grams), ("length_mm", length_mm), ("width_mm", width_mm), ("height_mm", height_mm)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value > 10_000_000):
            field_errors[name] = "A positive whole number."
    if attributes is not None and not isinstance(attributes, dict):
        field_errors["attributes"] = "An object of attribute names to values."
    if normalised_gtin and "gtin" not in field_errors and Product.objects.filter(gtin=normalised_gtin).exists():
        field_errors["gtin"] = "A product with this GTIN already exists; attach an offer to it instead."
    if field_errors:
        raise ValidationError("The product is invalid.", code=errors.INVALID_PRODUCT, fields=field_errors)
    with transaction.atomic():
        product = Product.objects.create(
            gtin=normalised_gtin, title=title.strip(), description=description or "", brand=(brand or "").strip(), category=category,
            attributes=attributes or {}, language=language, weight_grams=weight_grams, length_mm=length_mm, width_mm=width_mm,
            height_mm=height_mm, country_of_origin=(country_of_origin or "").upper(), hs_code=hs_code or "", created_by_seller=seller,
        )
        for position, url in enumerate(image_urls or []):
            ProductImage.objects.create(product=product, url=url, position=position, alt_text=product.title)
        if actor is not None:
            audit_record(actor=actor, action="product.created", target=product, seller_id=seller.pk if seller else None)
    return product
