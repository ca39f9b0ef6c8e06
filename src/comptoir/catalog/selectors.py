from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q

from comptoir.catalog.conf import catalog_settings
from comptoir.catalog.domain.translations import ProductText
from comptoir.catalog.models import Category, Product, ProductImage, ProductModel3D


def category_commission_bp(category: Category) -> int:
    """The commission of a category: its own rate, else its nearest ancestor's, else the default."""
    ids = [int(part) for part in category.path.strip("/").split("/") if part]
    rates = dict(Category.objects.filter(pk__in=ids).values_list("pk", "commission_rate_bp"))
    for category_id in reversed(ids):
        rate = rates.get(category_id)
        if rate is not None:
            return int(rate)
    return catalog_settings().default_commission_bp


def category_subtree_ids(category: Category) -> list[int]:
    return list(Category.objects.filter(path__startswith=category.path).values_list("pk", flat=True))


def product_get_by_gtin(gtin: str) -> Product | None:
    from comptoir.catalog.domain.identifiers import normalise_gtin

    normalised, error = normalise_gtin(gtin)
    if error or normalised is None:
        return None
    return Product.objects.filter(gtin=normalised).first()


def category_list():
    return Category.objects.order_by("path")


def category_get(category_id: int) -> Category | None:
    return Category.objects.filter(pk=category_id).first()


def product_get(product_id: int) -> Product | None:
    return Product.objects.select_related("category").prefetch_related("images").filter(pk=product_id).first()


def product_search(*, query: str = "", category: Category | None = None, with_offers_in=None):
    """Products matching every word of `query` (case-insensitive, in title, brand or description),
    in `category` or below it, ordered by id.

    `with_offers_in`: a queryset of offers (the caller's notion of a visible offer); when given,
    only products with at least one offer in it are returned. It is passed in rather than imported
    because offers depend on the catalog, not the other way round. This is a plain LIKE match over a
    few columns; a proper full-text engine replaces it later."""
    from django.db.models import Exists, OuterRef, Q

    products = Product.objects.select_related("category").prefetch_related("images")
    for word in query.split()[:10]:
        products = products.filter(Q(title__icontains=word) | Q(brand__icontains=word) | Q(description__icontains=word))
    if category is not None:
        products = products.filter(category_id__in=category_subtree_ids(category))
    if with_offers_in is not None:
        products = products.filter(Exists(with_offers_in.filter(product_id=OuterRef("pk"))))
    return products.order_by("id")


def seller_may_add_media(*, seller_id: int, product_id: int) -> bool:
    """Whether the seller has an offer (active or paused) on the product: the rule for adding pictures and 3D files.
    A product family takes no offers, so its pictures (shown for every variant without pictures of its own) are the
    business of the seller who created it or sells one of its variants, as adding a variant is. Read through the
    `offers` reverse relation, so the catalog needs no import of the offers app above it."""
    is_family = Q(parent__isnull=True) & ~Q(option_names=[])
    return (
        Product.objects.filter(pk=product_id)
        .filter(
            Q(offers__seller_id=seller_id)
            | (is_family & Q(created_by_seller_id=seller_id))
            | (is_family & Q(variants__offers__seller_id=seller_id))
        )
        .exists()
    )


def product_images(product_id: int):
    return ProductImage.objects.filter(product_id=product_id).order_by("position", "id")


def product_models_3d(product_id: int):
    return ProductModel3D.objects.filter(product_id=product_id).order_by("kind", "id")


def product_is_family(product: Product) -> bool:
    """A product family: option groups and no parent. It takes no offers; its variants do."""
    return product.parent_id is None and bool(product.option_names)


def product_family_variants(family_id: int):
    """A family's variants in the order they were added (the seller's order), with their pictures."""
    return Product.objects.filter(parent_id=family_id).prefetch_related("images").order_by("id")


def product_variant_find(*, family_id: int, option_values: dict[str, str]) -> Product | None:
    """The family's variant with exactly these option values (after the same trimming as the services), or None.
    For imports: find the variant a re-imported row describes."""
    from comptoir.catalog.domain.variants import combination_key, normalise_option_values

    family = Product.objects.filter(pk=family_id, parent__isnull=True).first()
    if family is None or not family.option_names:
        return None
    values, field_errors = normalise_option_values(family.option_names, option_values)
    if field_errors:
        return None
    wanted = combination_key(family.option_names, values)
    for variant in Product.objects.filter(parent_id=family_id).order_by("id"):
        if tuple(variant.option_values.get(name) for name in family.option_names) == wanted:
            return variant
    return None


def product_translations(product_id: int):
    """A product's translations, by language."""
    from comptoir.catalog.models import ProductTranslation

    return ProductTranslation.objects.filter(product_id=product_id).order_by("language")


def product_text_table(product_ids: Iterable[int], languages: Sequence[str]) -> dict[tuple[int, str], ProductText]:
    """The text of each product in each of `languages` (docs/LANGUAGES.md fallback: the translation, else the product's
    own text, else any translation; a variant shares its family's). Three queries at most, whatever the count."""
    from comptoir.catalog.domain.translations import TextParts, resolve_text, variant_text
    from comptoir.catalog.domain.variants import variant_label
    from comptoir.catalog.models import ProductTranslation

    ids = {int(pk) for pk in product_ids}
    if not ids:
        return {}
    rows = {
        row[0]: row
        for row in Product.objects.filter(pk__in=ids).values_list(
            "pk", "parent_id", "title", "description", "attributes", "language", "option_values", "option_names"
        )
    }
    family_ids = {row[1] for row in rows.values() if row[1] is not None} - set(rows)
    if family_ids:
        for row in Product.objects.filter(pk__in=family_ids).values_list(
            "pk", "parent_id", "title", "description", "attributes", "language", "option_values", "option_names"
        ):
            rows[row[0]] = row
    option_names = {pk: row[7] for pk, row in rows.items()}
    translations: dict[int, dict[str, TextParts]] = {}
    for product_id, language, title, description, attributes in ProductTranslation.objects.filter(
        product_id__in=list(rows)
    ).values_list("product_id", "language", "title", "description", "attributes"):
        translations.setdefault(product_id, {})[language] = TextParts(title, description, attributes or {})

    def own_text(pk: int, language: str) -> ProductText:
        _pk, _parent, title, description, attributes, own_language, _values, _names = rows[pk]
        return resolve_text(
            requested=language,
            own_language=own_language,
            own=TextParts(title, description or "", attributes or {}),
            translations=translations.get(pk, {}),
        )

    table: dict[tuple[int, str], ProductText] = {}
    for pk in ids:
        if pk not in rows:
            continue
        _pk, parent_id, title, description, attributes, _language, values, _names = rows[pk]
        for language in languages:
            if parent_id is None or parent_id not in rows:
                table[(pk, language)] = own_text(pk, language)
            else:
                table[(pk, language)] = variant_text(
                    family_text=own_text(parent_id, language),
                    variant_label=variant_label(option_names.get(parent_id) or [], values or {}),
                    variant=TextParts(title, description or "", attributes or {}),
                )
    return table


def products_localize(products: Iterable[Product], language: str | None) -> None:
    """Attach each product's text in `language` (the request's when None), which `Product.display_title`,
    `display_description`, `display_attributes` and `display_language` then show. Three queries for any number."""
    from django.utils.translation import get_language

    from comptoir.catalog.domain.translations import language_base

    items = [product for product in products if product is not None]
    code = language_base(language or get_language() or "en")
    table = product_text_table({product.pk for product in items}, [code])
    for product in items:
        text = table.get((product.pk, code))
        if text is not None:
            product.localized_text = text  # type: ignore[attr-defined]  # read by Product.display_* properties
