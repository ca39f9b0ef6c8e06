"""Many products in one operation (shop imports: thousands of products, families and variants per file).

`product_bulk_create` applies the rules of `product_create`, `product_family_create` and `product_variant_create`
through the same check functions (`product_field_errors`, `normalise_option_names`, `normalise_option_values`), but
reads what the database must say once per batch (the categories, the GTINs already taken, the families and their
combinations) and writes with one INSERT per table. All or nothing: one bad draft refuses the batch, each error
named `items[<index>].<field>`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from comptoir.catalog import errors
from comptoir.catalog.domain.variants import (
    combination_key,
    normalise_option_names,
    normalise_option_values,
    variant_label,
)
from comptoir.catalog.models import Category, Product, ProductImage
from comptoir.catalog.services.products import DUPLICATE_GTIN_MESSAGE, product_field_errors
from comptoir.catalog.services.variants import DUPLICATE_COMBINATION_MESSAGE
from comptoir.core.exceptions import ValidationError
from comptoir.core.services import audit_record

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

MAX_BULK_PRODUCTS = 5_000
MAX_REPORTED_ERRORS = 200


@dataclass(frozen=True)
class ProductDraft:
    """One product to create. A plain product gives `category_id`; a family also gives `option_names`; a variant
    gives `family_id` and `option_values` instead of a category (its category, brand and language are its
    family's; an empty title becomes "<family title> – M / Red")."""

    title: str
    category_id: int | None = None
    description: str = ""
    brand: str = ""
    gtin: str | None = None
    attributes: dict[str, Any] | None = None
    language: str = "en"
    weight_grams: int | None = None
    image_urls: tuple[str, ...] = ()
    option_names: Sequence[str] = ()
    family_id: int | None = None
    option_values: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_variant(self) -> bool:
        return self.family_id is not None


def _refuse(field_errors: dict[str, str]) -> ValidationError:
    listed = dict(list(field_errors.items())[:MAX_REPORTED_ERRORS])
    return ValidationError(
        f"{len(field_errors)} error(s) in the products; nothing was created.",
        code=errors.INVALID_PRODUCT,
        fields=listed,
    )


def _families(drafts: Sequence[ProductDraft], seller: Seller | None) -> tuple[dict[int, Product], set[int]]:
    """The drafts' families, locked in primary-key order (two imports adding the same combination queue), and
    those `seller` may extend (created it, or sells one of its variants)."""
    family_ids = sorted({draft.family_id for draft in drafts if draft.family_id is not None})
    if not family_ids:
        return {}, set()
    families = {family.pk: family for family in Product.objects.select_for_update().filter(pk__in=family_ids)}
    if seller is None:
        return families, set(families)
    extendable = {pk for pk, family in families.items() if family.created_by_seller_id == seller.pk}
    others = [pk for pk in families if pk not in extendable]
    if others:
        extendable |= set(
            Product.objects.filter(parent_id__in=others, offers__seller_id=seller.pk).values_list(
                "parent_id", flat=True
            )
        )
    return families, extendable


def product_bulk_create(
    *, drafts: Sequence[ProductDraft], seller: Seller | None = None, actor: User | None = None
) -> list[Product]:
    """Create up to MAX_BULK_PRODUCTS products (plain products, families, variants of existing families) in the order
    given, all or nothing, and return them (with their ids). The rules are those of the one-product services: every
    field of `product_create`; a family's 1 to 5 distinct option groups and no GTIN; a variant's values for exactly
    its family's groups, one variant per combination, a family `seller` may extend; GTINs valid and unique across the
    catalog and the batch. Raises ValidationError (`invalid_product`) naming each bad draft as
    `items[<index>].<field>`, and writes nothing then. One audit row (`product.bulk_created`)."""
    if not 1 <= len(drafts) <= MAX_BULK_PRODUCTS:
        raise ValidationError(
            f"Send 1 to {MAX_BULK_PRODUCTS} products.",
            code=errors.INVALID_PRODUCT,
            fields={"items": f"1 to {MAX_BULK_PRODUCTS} products."},
        )
    field_errors: dict[str, str] = {}
    gtins: dict[str, int] = {}
    checked: list[tuple[str | None, list[str], dict[str, str]]] = []
    for index, draft in enumerate(drafts):
        prefix = f"items[{index}]"
        gtin, own_errors = product_field_errors(
            title=draft.title or ("-" if draft.is_variant else ""),  # a variant's empty title is its family's
            gtin=draft.gtin,
            brand=draft.brand,
            attributes=draft.attributes,
            language=draft.language,
            dimensions={"weight_grams": draft.weight_grams},
            image_urls=list(draft.image_urls),
        )
        names: list[str] = []
        if draft.option_names:
            if draft.is_variant:
                own_errors["option_names"] = "A variant has no option groups of its own."
            elif draft.gtin:
                own_errors["gtin"] = "A product family has no GTIN: give it to its variants."
            names, names_error = normalise_option_names(draft.option_names)
            if names_error:
                own_errors["option_names"] = names_error
        if gtin is not None and "gtin" not in own_errors:
            if gtin in gtins:
                own_errors["gtin"] = f"The same GTIN as items[{gtins[gtin]}]."
            else:
                gtins[gtin] = index
        field_errors.update({f"{prefix}.{name}": message for name, message in own_errors.items()})
        checked.append((gtin, names, dict(draft.option_values)))
    # The database's checks run for the other drafts too, so one refusal lists every error of the batch.
    has_errors = {_index_of(name) for name in field_errors}
    with transaction.atomic():
        categories = set(
            Category.objects.filter(
                pk__in={draft.category_id for draft in drafts if isinstance(draft.category_id, int)}
            ).values_list("pk", flat=True)
        )
        taken = set(Product.objects.filter(gtin__in=list(gtins)).values_list("gtin", flat=True)) if gtins else set()
        families, extendable = _families(drafts, seller)
        combinations: dict[int, set[tuple[str, ...]]] = {pk: set() for pk in families}
        for parent_id, values in Product.objects.filter(parent_id__in=list(families)).values_list(
            "parent_id", "option_values"
        ):
            names = families[parent_id].option_names
            if all(name in values for name in names):
                combinations[parent_id].add(combination_key(names, values))
        products: list[Product] = []
        for index, (draft, (gtin, names, values)) in enumerate(zip(drafts, checked, strict=True)):
            prefix = f"items[{index}]"
            if gtin in taken:
                field_errors[f"{prefix}.gtin"] = DUPLICATE_GTIN_MESSAGE
            if index in has_errors:
                continue
            if draft.family_id is None:
                if draft.category_id not in categories:
                    field_errors[f"{prefix}.category_id"] = "Unknown category."
                    continue
                products.append(
                    Product(
                        gtin=gtin,
                        title=draft.title.strip(),
                        description=draft.description or "",
                        brand=(draft.brand or "").strip(),
                        category_id=draft.category_id,
                        attributes=draft.attributes or {},
                        language=draft.language,
                        weight_grams=draft.weight_grams,
                        created_by_seller=seller,
                        option_names=names,
                    )
                )
                continue
            family = families.get(draft.family_id)
            if family is None or family.parent_id is not None or not family.option_names:
                field_errors[f"{prefix}.family_id"] = "Not a product family (a product with option groups)."
                continue
            if family.pk not in extendable:
                field_errors[f"{prefix}.family_id"] = (
                    "Only the seller who created this family or sells one of its variants can add a variant."
                )
                continue
            cleaned, value_errors = normalise_option_values(family.option_names, values)
            field_errors.update({f"{prefix}.{name}": message for name, message in value_errors.items()})
            if value_errors:
                continue
            key = combination_key(family.option_names, cleaned)
            if key in combinations[family.pk]:
                field_errors[f"{prefix}.option_values"] = DUPLICATE_COMBINATION_MESSAGE
                continue
            combinations[family.pk].add(key)
            title = draft.title.strip() or f"{family.title} – {variant_label(family.option_names, cleaned)}"[:300]
            products.append(
                Product(
                    gtin=gtin,
                    title=title,
                    description=draft.description or "",
                    brand=family.brand,
                    category_id=family.category_id,
                    attributes=draft.attributes or {},
                    language=family.language,
                    weight_grams=draft.weight_grams,
                    country_of_origin=family.country_of_origin,
                    hs_code=family.hs_code,
                    created_by_seller=seller,
                    parent_id=family.pk,
                    option_values=cleaned,
                )
            )
        if field_errors:
            raise _refuse(dict(sorted(field_errors.items(), key=lambda entry: _index_of(entry[0]))))
        try:
            with transaction.atomic():
                Product.objects.bulk_create(products)
        except IntegrityError as error:
            # Another writer took a GTIN or a combination between the checks and the insert.
            raise ValidationError(
                "A product of the batch was created meanwhile; nothing was created.",
                code=errors.INVALID_PRODUCT,
                fields={"items": str(error)[:200]},
            ) from error
        ProductImage.objects.bulk_create(
            [
                ProductImage(product=product, url=url, position=position, alt_text=product.title[:300])
                for product, draft in zip(products, drafts, strict=True)
                for position, url in enumerate(draft.image_urls)
            ]
        )
        if actor is not None or seller is not None:
            audit_record(
                actor=actor,
                action="product.bulk_created",
                target=products[0],
                seller_id=seller.pk if seller else None,
                data={
                    "count": len(products),
                    "families": sum(1 for product in products if product.option_names),
                    "variants": sum(1 for product in products if product.parent_id is not None),
                    "first_id": products[0].pk,
                    "last_id": products[-1].pk,
                },
            )
    return products


def _index_of(name: str) -> int:
    try:
        return int(name.split("[", 1)[1].split("]", 1)[0])
    except (IndexError, ValueError):
        return -1
