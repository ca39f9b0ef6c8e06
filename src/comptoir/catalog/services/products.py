from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from comptoir.catalog import errors
from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.events import ProductsChanged
from comptoir.catalog.models import Category, Product, ProductImage, TaxClass
from comptoir.core import clock
from comptoir.core.events import publish
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.services import audit_record
from comptoir.sellers.domain.trader import normalise_country

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

DUPLICATE_GTIN_MESSAGE = "A product with this GTIN already exists; attach an offer to it instead."


def product_field_errors(
    *,
    title: object,
    gtin: str | None = None,
    brand: object = "",
    attributes: object = None,
    language: object = "en",
    dimensions: dict[str, object] | None = None,
    country_of_origin: str = "",
    hs_code: str = "",
    image_urls: object = None,
) -> tuple[str | None, dict[str, str]]:
    """The checks of a new product's own fields that need no database: (the GTIN as 14 digits or None, field
    errors). `product_create` and `product_bulk_create` (catalog.services.bulk) both use it, so one rule holds
    for a product made in the seller center, by the API or by a shop import; the database checks (the category
    exists, the GTIN is free) are theirs."""
    field_errors: dict[str, str] = {}
    if not isinstance(title, str) or not title.strip() or len(title) > 300:
        field_errors["title"] = "A title of 1 to 300 characters is required."
    normalised_gtin, gtin_error = normalise_gtin(gtin)
    if gtin_error:
        field_errors["gtin"] = gtin_error
    if country_of_origin and normalise_country(country_of_origin) is None:
        field_errors["country_of_origin"] = "Use an ISO 3166 two-letter country code."
    if hs_code and not (
        isinstance(hs_code, str) and hs_code.isascii() and hs_code.isdigit() and 6 <= len(hs_code) <= 10
    ):
        field_errors["hs_code"] = "An HS code has 6 to 10 digits."
    for name, value in (dimensions or {}).items():
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value > 10_000_000
        ):
            field_errors[name] = "A positive whole number."
    if brand and (not isinstance(brand, str) or len(brand.strip()) > 120):
        field_errors["brand"] = "At most 120 characters."
    if not (isinstance(language, str) and 2 <= len(language) <= 8):
        field_errors["language"] = "A language code such as 'en' or 'fr'."
    if image_urls is not None and (
        not isinstance(image_urls, (list, tuple))
        or any(not isinstance(url, str) or not url.strip() or len(url) > 500 for url in image_urls)
    ):
        field_errors["image_urls"] = "A list of image URLs of at most 500 characters."
    if attributes is not None and not isinstance(attributes, dict):
        field_errors["attributes"] = "An object of attribute names to values."
    return (None if gtin_error else normalised_gtin), field_errors


def _commission_rate_error(commission_rate_bp: object) -> str | None:
    if commission_rate_bp is None:
        return None
    if (
        isinstance(commission_rate_bp, bool)
        or not isinstance(commission_rate_bp, int)
        or not (0 <= commission_rate_bp <= 10_000)
    ):
        return "Between 0 and 10000 basis points."
    return None


def category_create(
    *,
    name_en: str,
    name_fr: str,
    parent: Category | None = None,
    slug: str | None = None,
    commission_rate_bp: int | None = None,
    expected_attributes: list[str] | None = None,
    position: int = 0,
    names: dict[str, str] | None = None,
    actor: User | None = None,
) -> Category:
    """Add a node under `parent` (or a root); `names` holds its name in other languages ({"de": "Küche"}). Raises
    ValidationError with every field error."""
    field_errors: dict[str, str] = {}
    if names is not None and _names_error(names):
        field_errors["names"] = NAMES_MESSAGE
    for field, value in (("name_en", name_en), ("name_fr", name_fr)):
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > 120:
            field_errors[field] = "A name of 1 to 120 characters is required."
    slug = slug or (slugify(name_en)[:120] if isinstance(name_en, str) else "")
    if not slug or slugify(slug) != slug or len(slug) > 120:
        field_errors["slug"] = "Lowercase letters, digits and hyphens, at most 120 characters."
    elif Category.objects.filter(slug=slug).exists():
        field_errors["slug"] = "Another category already uses this slug."
    if (commission_error := _commission_rate_error(commission_rate_bp)) is not None:
        field_errors["commission_rate_bp"] = commission_error
    if parent is not None and len(parent.path) > 200:
        field_errors["parent"] = "The category tree is too deep here."
    if field_errors:
        raise ValidationError("The category is invalid.", code=errors.INVALID_CATEGORY, fields=field_errors)
    with transaction.atomic():
        category = Category.objects.create(
            parent=parent,
            slug=slug,
            name_en=name_en.strip(),
            name_fr=name_fr.strip(),
            commission_rate_bp=commission_rate_bp,
            expected_attributes=expected_attributes or [],
            names={code.lower(): value.strip() for code, value in (names or {}).items()},
            position=position,
            depth=(parent.depth + 1) if parent else 0,
        )
        category.path = f"{parent.path if parent else '/'}{category.pk}/"
        category.save(update_fields=["path"])
        if actor is not None:
            audit_record(actor=actor, action="category.created", target=category)
    return category


NAMES_MESSAGE = "An object of language codes (such as de) to names of 1 to 120 characters."


def _names_error(names: object) -> bool:
    return not isinstance(names, dict) or any(
        not isinstance(code, str)
        or not code.isascii()
        or not code.isalpha()
        or not (2 <= len(code) <= 8)
        or not isinstance(value, str)
        or not value.strip()
        or len(value.strip()) > 120
        for code, value in names.items()
    )


def category_set_names(*, category_id: int, names: dict[str, str], actor: User | None) -> Category:
    """Replace a category's names in other languages than English and French (`{"de": "Küche"}`), audited. Raises
    ValidationError (`invalid_category` on `names`) and NotFound."""
    if _names_error(names):
        raise ValidationError("The category is invalid.", code=errors.INVALID_CATEGORY, fields={"names": NAMES_MESSAGE})
    cleaned = {code.lower(): value.strip() for code, value in names.items()}
    with transaction.atomic():
        category = Category.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise NotFound("No such category.", code=errors.CATEGORY_NOT_FOUND)
        previous = category.names
        if previous == cleaned:
            return category
        category.names = cleaned
        category.save(update_fields=["names"])
        audit_record(
            actor=actor, action="category.names_changed", target=category, data={"from": previous, "to": cleaned}
        )
    return category


def category_set_commission(*, category_id: int, commission_rate_bp: int | None, actor: User | None) -> Category:
    if _commission_rate_error(commission_rate_bp) is not None:
        raise ValidationError(
            "Invalid commission rate.",
            code=errors.INVALID_COMMISSION,
            fields={"commission_rate_bp": "Between 0 and 10000 basis points."},
        )
    with transaction.atomic():
        category = Category.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise NotFound("No such category.", code=errors.CATEGORY_NOT_FOUND)
        previous = category.commission_rate_bp
        category.commission_rate_bp = commission_rate_bp
        category.save(update_fields=["commission_rate_bp"])
        audit_record(
            actor=actor,
            action="category.commission_changed",
            target=category,
            data={"from": previous, "to": commission_rate_bp},
        )
    return category


def product_create(
    *,
    title: str,
    category_id: int,
    description: str = "",
    brand: str = "",
    gtin: str | None = None,
    attributes: dict | None = None,
    language: str = "en",
    weight_grams: int | None = None,
    length_mm: int | None = None,
    width_mm: int | None = None,
    height_mm: int | None = None,
    country_of_origin: str = "",
    hs_code: str = "",
    image_urls: list[str] | None = None,
    seller: Seller | None = None,
    actor: User | None = None,
    gross_weight_grams: int | None = None,
    volume_millilitres: int | None = None,
) -> Product:
    """Create a shared catalog entry. Raises ValidationError (all field errors at once). `weight_grams` is the net
    weight of one unit, `gross_weight_grams` with its packing, `volume_millilitres` its volume: what a specific duty
    per kg, 100 kg gross or litre is levied on (docs/TAXES.md "Specific and compound duties")."""
    normalised_gtin, field_errors = product_field_errors(
        title=title,
        gtin=gtin,
        brand=brand,
        attributes=attributes,
        language=language,
        dimensions={
            "weight_grams": weight_grams,
            "gross_weight_grams": gross_weight_grams,
            "volume_millilitres": volume_millilitres,
            "length_mm": length_mm,
            "width_mm": width_mm,
            "height_mm": height_mm,
        },
        country_of_origin=country_of_origin,
        hs_code=hs_code,
        image_urls=image_urls,
    )
    if (
        "gross_weight_grams" not in field_errors
        and "weight_grams" not in field_errors
        and gross_weight_grams is not None
        and weight_grams is not None
        and gross_weight_grams < weight_grams
    ):
        field_errors["gross_weight_grams"] = "At least the net weight (the packing is added to it)."
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        field_errors["category_id"] = "Unknown category."
    if normalised_gtin and "gtin" not in field_errors and Product.objects.filter(gtin=normalised_gtin).exists():
        field_errors["gtin"] = DUPLICATE_GTIN_MESSAGE
    if field_errors:
        raise ValidationError("The product is invalid.", code=errors.INVALID_PRODUCT, fields=field_errors)
    assert category is not None  # else a field error was raised
    try:
        with transaction.atomic():
            product = Product.objects.create(
                gtin=normalised_gtin,
                title=title.strip(),
                description=description or "",
                brand=(brand or "").strip(),
                category=category,
                attributes=attributes or {},
                language=language,
                weight_grams=weight_grams,
                gross_weight_grams=gross_weight_grams,
                volume_millilitres=volume_millilitres,
                length_mm=length_mm,
                width_mm=width_mm,
                height_mm=height_mm,
                country_of_origin=(country_of_origin or "").upper(),
                hs_code=hs_code or "",
                created_by_seller=seller,
            )
            for position, url in enumerate(image_urls or []):
                ProductImage.objects.create(product=product, url=url, position=position, alt_text=product.title[:300])
            if actor is not None:
                audit_record(
                    actor=actor, action="product.created", target=product, seller_id=seller.pk if seller else None
                )
    except IntegrityError as error:
        # Another request created the same GTIN between the check above and this insert.
        raise ValidationError(
            "The product is invalid.", code=errors.INVALID_PRODUCT, fields={"gtin": DUPLICATE_GTIN_MESSAGE}
        ) from error
    return product


TAX_CATEGORY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def product_tax_set(*, product_id: int, tax_class: str, tax_category: str, actor: User | None) -> Product:
    """Set how a product is taxed: its VAT class and its tax category (a slug such as `books`, `childrens_clothing`,
    `alcohol`; "" for none), which decide its rate in each country (docs/TAXES.md "Categories") and whether it is an
    excise good. The operator's decision: sellers share catalog entries. Atomic and idempotent (the same values change
    nothing and publish nothing); a change is audited and publishes ProductsChanged in the transaction (the country
    rules' blocks follow at once, search re-prices on commit). Raises NotFound and ValidationError."""
    field_errors: dict[str, str] = {}
    if tax_class not in TaxClass.values:
        field_errors["tax_class"] = f"One of {', '.join(TaxClass.values)}."
    if tax_category and not TAX_CATEGORY_PATTERN.match(tax_category):
        field_errors["tax_category"] = "A slug: lower case letters, digits and _, 2 to 40 characters."
    if field_errors:
        raise ValidationError("The product is invalid.", code=errors.INVALID_PRODUCT, fields=field_errors)
    with transaction.atomic():
        product = Product.objects.select_for_update().filter(pk=product_id).first()
        if product is None:
            raise NotFound("No such product.", code=errors.PRODUCT_NOT_FOUND)
        before = {"tax_class": product.tax_class, "tax_category": product.tax_category}
        after = {"tax_class": tax_class, "tax_category": tax_category}
        if before == after:
            return product
        product.tax_class, product.tax_category = tax_class, tax_category
        product.save(update_fields=["tax_class", "tax_category", "updated_at"])
        audit_record(actor=actor, action="product.tax_set", target=product, data={"before": before, "after": after})
        publish(ProductsChanged(product_ids=(product.pk,), at=clock.now()))
    return product
