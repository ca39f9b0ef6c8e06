"""Product families and variants (docs/CATALOG.md, "Variants").

A family is a Product with `option_names` and no parent; a variant is a Product with `parent` = the family and
`option_values`, its own GTIN, pictures and offers. A family takes no offers (offers.services refuses them); a plain
product never becomes a family (families are created as such), so no offer can sit on a family.

Who may write: `seller=None` is the system (imports, the demo) or an operator (`actor`); a seller may change the
family it created, add variants to a family it created or sells a variant of, and change the variants it created."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from comptoir.catalog import errors
from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.domain.variants import (
    combination_key,
    normalise_option_names,
    normalise_option_values,
    variant_label,
)
from comptoir.catalog.events import ProductsChanged
from comptoir.catalog.models import Category, Product
from comptoir.catalog.services.products import DUPLICATE_GTIN_MESSAGE, product_create
from comptoir.core import clock
from comptoir.core.events import publish
from comptoir.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from comptoir.core.services import audit_record

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

DUPLICATE_COMBINATION_MESSAGE = "This family already has a variant with these options."


@dataclass(frozen=True)
class VariantSpec:
    """One variant to create: its option values and what is its own. An empty title becomes
    "<family title> – M / Red"; category, brand and language are the family's."""

    option_values: dict[str, str]
    gtin: str | None = None
    title: str = ""
    description: str = ""
    attributes: dict[str, Any] | None = None
    image_urls: list[str] | None = field(default=None)
    weight_grams: int | None = None


FAMILY_EDITABLE_FIELDS = frozenset({"title", "description", "brand", "attributes", "option_names"})
VARIANT_EDITABLE_FIELDS = frozenset({"title", "description", "gtin", "option_values", "attributes", "weight_grams"})


def _lock_family(family_id: int) -> Product:
    family = Product.objects.select_for_update().filter(pk=family_id).first() if isinstance(family_id, int) else None
    if family is None:
        raise NotFound("No such product family.", code=errors.PRODUCT_NOT_FOUND)
    if family.parent_id is not None or not family.option_names:
        raise ValidationError(
            "This product is not a product family.",
            code=errors.NOT_A_FAMILY,
            fields={"family_id": "Not a product family (a product with option groups)."},
        )
    return family


def _seller_may_extend(seller: Seller | None, family: Product) -> bool:
    if seller is None or family.created_by_seller_id == seller.pk:
        return True
    return Product.objects.filter(parent_id=family.pk, offers__seller_id=seller.pk).exists()


def _combinations(family: Product, *, excluding_variant_id: int | None = None) -> set[tuple[str, ...]]:
    variants = Product.objects.filter(parent_id=family.pk)
    if excluding_variant_id is not None:
        variants = variants.exclude(pk=excluding_variant_id)
    return {
        combination_key(family.option_names, values)
        for values in variants.values_list("option_values", flat=True)
        if all(name in values for name in family.option_names)
    }


def _variant_insert(
    *, family: Product, spec: VariantSpec, existing: set[tuple[str, ...]], seller: Seller | None, actor: User | None
) -> Product:
    """Validate one variant against its locked family and insert it. `existing` (the family's combinations) is
    updated. Raises ValidationError with every field error."""
    values, field_errors = normalise_option_values(family.option_names, spec.option_values)
    if not field_errors and combination_key(family.option_names, values) in existing:
        field_errors["option_values"] = DUPLICATE_COMBINATION_MESSAGE
    title = spec.title.strip() if isinstance(spec.title, str) else spec.title
    if not field_errors and not title:
        title = f"{family.title} – {variant_label(family.option_names, values)}"[:300]
    if field_errors:
        raise ValidationError("The variant is invalid.", code=errors.INVALID_VARIANT, fields=field_errors)
    variant = product_create(
        title=title,
        category_id=family.category_id,
        description=spec.description,
        brand=family.brand,
        gtin=spec.gtin,
        attributes=spec.attributes,
        language=family.language,
        weight_grams=spec.weight_grams,
        country_of_origin=family.country_of_origin,
        hs_code=family.hs_code,
        image_urls=spec.image_urls,
        seller=seller,
        actor=None,
    )
    variant.parent = family
    variant.option_values = values
    variant.save(update_fields=["parent", "option_values", "updated_at"])
    existing.add(combination_key(family.option_names, values))
    if actor is not None or seller is not None:
        audit_record(
            actor=actor,
            action="product.variant_created",
            target=variant,
            seller_id=seller.pk if seller else None,
            data={"family_id": family.pk, "option_values": values},
        )
    return variant


def _raise_with_index(error: ValidationError, index: int) -> None:
    raise ValidationError(
        "A variant is invalid.",
        code=error.code,
        fields={f"variants[{index}].{name}": message for name, message in error.fields.items()},
    ) from error


def product_family_create(
    *,
    title: str,
    category_id: int,
    option_names: Sequence[str],
    description: str = "",
    brand: str = "",
    attributes: dict[str, Any] | None = None,
    language: str = "en",
    country_of_origin: str = "",
    hs_code: str = "",
    image_urls: list[str] | None = None,
    variants: Sequence[VariantSpec] = (),
    seller: Seller | None = None,
    actor: User | None = None,
) -> Product:
    """Create a product family with its option groups (1 to 5 distinct names, in display order) and, optionally,
    its first variants, all or nothing. The family has no GTIN (a GTIN names one sellable article: a variant).
    Raises ValidationError: the family's field errors (`option_names`, `title`, …) or a variant's, keyed
    `variants[<index>].<field>` (`option_values`, `option_values.<group>`, `gtin`, …)."""
    names, names_error = normalise_option_names(option_names)
    try:
        with transaction.atomic():
            try:
                family = product_create(
                    title=title,
                    category_id=category_id,
                    description=description,
                    brand=brand,
                    attributes=attributes,
                    language=language,
                    country_of_origin=country_of_origin,
                    hs_code=hs_code,
                    image_urls=image_urls,
                    seller=seller,
                    actor=None,
                )
            except ValidationError as error:
                if names_error:
                    error.fields["option_names"] = names_error
                raise
            if names_error:
                raise ValidationError(
                    "The product family is invalid.", code=errors.INVALID_FAMILY, fields={"option_names": names_error}
                )
            family.option_names = names
            family.save(update_fields=["option_names", "updated_at"])
            if actor is not None or seller is not None:
                audit_record(
                    actor=actor,
                    action="product.family_created",
                    target=family,
                    seller_id=seller.pk if seller else None,
                    data={"option_names": names},
                )
            existing: set[tuple[str, ...]] = set()
            for index, spec in enumerate(variants):
                try:
                    _variant_insert(family=family, spec=spec, existing=existing, seller=seller, actor=actor)
                except ValidationError as error:
                    _raise_with_index(error, index)
    except IntegrityError as error:
        raise ValidationError(
            "The product family is invalid.", code=errors.INVALID_FAMILY, fields={"variants": str(error)[:200]}
        ) from error
    return family


def product_variant_create(
    *,
    family_id: int,
    option_values: dict[str, str],
    gtin: str | None = None,
    title: str = "",
    description: str = "",
    attributes: dict[str, Any] | None = None,
    image_urls: list[str] | None = None,
    weight_grams: int | None = None,
    seller: Seller | None = None,
    actor: User | None = None,
) -> Product:
    """Add one variant to a family (the family row is locked, so two requests cannot add the same combination).
    Raises NotFound (no such family), ValidationError (`not_a_family`; `invalid_variant` with `option_values`,
    `option_values.<group>` or `gtin` field errors; `invalid_product` for the product's own fields) and
    PermissionDenied (`family_not_yours`: a seller who neither created the family nor sells one of its variants)."""
    spec = VariantSpec(
        option_values=option_values,
        gtin=gtin,
        title=title,
        description=description,
        attributes=attributes,
        image_urls=image_urls,
        weight_grams=weight_grams,
    )
    try:
        with transaction.atomic():
            family = _lock_family(family_id)
            if not _seller_may_extend(seller, family):
                raise PermissionDenied(
                    "Only the seller who created this family or sells one of its variants can add a variant.",
                    code=errors.FAMILY_NOT_YOURS,
                )
            return _variant_insert(family=family, spec=spec, existing=_combinations(family), seller=seller, actor=actor)
    except IntegrityError as error:
        # The GTIN was taken by another request between the check and the insert.
        raise ValidationError(
            "The variant is invalid.", code=errors.INVALID_VARIANT, fields={"gtin": DUPLICATE_GTIN_MESSAGE}
        ) from error


def _text_changes(changes: dict[str, Any], field_errors: dict[str, str], updates: dict[str, Any]) -> None:
    """Title, description and attributes of a family or variant update: checked into `field_errors`, kept in
    `updates`."""
    if "title" in changes:
        value = changes["title"]
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > 300:
            field_errors["title"] = "A title of 1 to 300 characters is required."
        else:
            updates["title"] = value.strip()
    if "description" in changes:
        if not isinstance(changes["description"], str):
            field_errors["description"] = "Text."
        updates["description"] = changes["description"]
    if "attributes" in changes:
        if not isinstance(changes["attributes"], dict):
            field_errors["attributes"] = "An object of attribute names to values."
        updates["attributes"] = changes["attributes"]


def _weight_change(changes: dict[str, Any], field_errors: dict[str, str], updates: dict[str, Any]) -> None:
    """`weight_grams` from `changes` into `updates`: None, or a whole number of grams up to 10 t."""
    if "weight_grams" in changes:
        value = changes["weight_grams"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 10_000_000):
            field_errors["weight_grams"] = "A positive whole number."
        updates["weight_grams"] = value


def _save_audited(product: Product, updates: dict[str, Any], *, action: str, actor, seller: Seller | None) -> None:
    """Apply `updates` to `product`, save those fields and audit the change with its before and after."""
    before = {name: getattr(product, name) for name in updates}
    for name, value in updates.items():
        setattr(product, name, value)
    product.save(update_fields=[*updates, "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=product,
        seller_id=seller.pk if seller else None,
        data={"before": before, "after": updates},
    )


def product_variant_update(
    *, variant_id: int, changes: dict[str, Any], seller: Seller | None = None, actor: User | None = None
) -> Product:
    """Change a variant's own fields: `title`, `description`, `gtin` (None or "" removes it), `option_values`,
    `attributes`, `weight_grams`. Its family is locked first (the combination stays unique). Raises NotFound,
    ValidationError (unknown fields, field errors as `product_variant_create`) and PermissionDenied
    (`variant_not_yours`: a seller changing a variant it did not create)."""
    unknown = set(changes) - VARIANT_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            "Unknown fields.", code=errors.INVALID_VARIANT, fields=dict.fromkeys(sorted(unknown), "Cannot be changed.")
        )
    parent_id = (
        Product.objects.filter(pk=variant_id).values_list("parent_id", flat=True).first()
        if isinstance(variant_id, int)
        else None
    )
    if parent_id is None:
        raise NotFound("No such variant.", code=errors.PRODUCT_NOT_FOUND)
    try:
        with transaction.atomic():
            family = _lock_family(parent_id)
            variant = Product.objects.select_for_update().get(pk=variant_id)
            if seller is not None and variant.created_by_seller_id != seller.pk:
                raise PermissionDenied(
                    "Only the seller who created this variant can change it.", code=errors.VARIANT_NOT_YOURS
                )
            field_errors: dict[str, str] = {}
            updates: dict[str, Any] = {}
            if "option_values" in changes:
                values, value_errors = normalise_option_values(family.option_names, changes["option_values"])
                field_errors.update(value_errors)
                if not value_errors and combination_key(family.option_names, values) in _combinations(
                    family, excluding_variant_id=variant.pk
                ):
                    field_errors["option_values"] = DUPLICATE_COMBINATION_MESSAGE
                updates["option_values"] = values
            if "gtin" in changes:
                normalised, gtin_error = normalise_gtin(changes["gtin"])
                if gtin_error:
                    field_errors["gtin"] = gtin_error
                elif normalised and Product.objects.filter(gtin=normalised).exclude(pk=variant.pk).exists():
                    field_errors["gtin"] = DUPLICATE_GTIN_MESSAGE
                updates["gtin"] = normalised
            _text_changes(changes, field_errors, updates)
            _weight_change(changes, field_errors, updates)
            if field_errors:
                raise ValidationError("The variant is invalid.", code=errors.INVALID_VARIANT, fields=field_errors)
            _save_audited(variant, updates, action="product.variant_updated", actor=actor, seller=seller)
            publish(ProductsChanged(product_ids=(variant.pk,), at=clock.now()))
    except IntegrityError as error:
        raise ValidationError(
            "The variant is invalid.", code=errors.INVALID_VARIANT, fields={"gtin": DUPLICATE_GTIN_MESSAGE}
        ) from error
    return variant


def product_family_update(
    *, family_id: int, changes: dict[str, Any], seller: Seller | None = None, actor: User | None = None
) -> Product:
    """Change a family's shared text: `title`, `description`, `brand`, `attributes`; and `option_names` while it
    has no variant (their option values are keyed by those names). Raises NotFound, ValidationError (unknown fields,
    `not_a_family`, field errors), Conflict (`family_has_variants` when renaming option groups of a family with
    variants) and PermissionDenied (`family_not_yours`: a seller who did not create the family)."""
    unknown = set(changes) - FAMILY_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            "Unknown fields.", code=errors.INVALID_FAMILY, fields=dict.fromkeys(sorted(unknown), "Cannot be changed.")
        )
    with transaction.atomic():
        family = _lock_family(family_id)
        if seller is not None and family.created_by_seller_id != seller.pk:
            raise PermissionDenied(
                "Only the seller who created this family can change it.", code=errors.FAMILY_NOT_YOURS
            )
        field_errors: dict[str, str] = {}
        updates: dict[str, Any] = {}
        if "option_names" in changes:
            names, names_error = normalise_option_names(changes["option_names"])
            if names_error:
                field_errors["option_names"] = names_error
            elif names != family.option_names and Product.objects.filter(parent_id=family.pk).exists():
                raise Conflict(
                    "The option groups of a family with variants cannot change.", code=errors.FAMILY_HAS_VARIANTS
                )
            updates["option_names"] = names
        _text_changes(changes, field_errors, updates)
        if "brand" in changes:
            value = changes["brand"]
            if not isinstance(value, str) or len(value.strip()) > 120:
                field_errors["brand"] = "At most 120 characters."
            else:
                updates["brand"] = value.strip()
        if field_errors:
            raise ValidationError("The product family is invalid.", code=errors.INVALID_FAMILY, fields=field_errors)
        before = {name: getattr(family, name) for name in updates}
        for name, value in updates.items():
            setattr(family, name, value)
        family.save(update_fields=[*updates, "updated_at"])
        if "brand" in updates:
            # Variants show their family's brand (search filters on it).
            Product.objects.filter(parent_id=family.pk).update(brand=updates["brand"])
        audit_record(
            actor=actor,
            action="product.family_updated",
            target=family,
            seller_id=seller.pk if seller else None,
            data={"before": before, "after": updates},
        )
        # Variants are indexed with their family's description and brand.
        variant_ids = tuple(Product.objects.filter(parent_id=family.pk).values_list("pk", flat=True))
        if variant_ids:
            publish(ProductsChanged(product_ids=variant_ids, at=clock.now()))
    return family


def product_family_options_add(
    *,
    family_id: int,
    option_names: Sequence[str],
    values_by_variant: dict[int, dict[str, str]],
    default_values: dict[str, str],
    seller: Seller | None = None,
    actor: User | None = None,
) -> Product:
    """Give a family that has variants new option groups, as a shop does when a product gains an option (a T-shirt
    sold by size now comes in colours too): `option_names` keeps every group the family has (in any order) and adds
    the new ones; each existing variant keeps its id, offers and pictures and takes its value for each new group from
    `values_by_variant[variant id]`, else from `default_values` (the shop's first value of that group). A variant whose
    title was the generated "<family> – M" gets the new generated title. Nothing changes when no group is added.

    Raises NotFound, PermissionDenied (`family_not_yours`: a seller who did not create the family) and
    ValidationError (`invalid_family`: `option_names` that drop or rename a group, or a new group without a value for
    some variant; `invalid_variant`: two variants ending with the same combination, keyed `variants[<id>]`)."""
    names, names_error = normalise_option_names(list(option_names))
    with transaction.atomic():
        family = _lock_family(family_id)
        if seller is not None and family.created_by_seller_id != seller.pk:
            raise PermissionDenied(
                "Only the seller who created this family can change it.", code=errors.FAMILY_NOT_YOURS
            )
        if names_error:
            raise ValidationError(
                "The product family is invalid.", code=errors.INVALID_FAMILY, fields={"option_names": names_error}
            )
        if [name for name in family.option_names if name not in names]:
            raise ValidationError(
                "The product family is invalid.",
                code=errors.INVALID_FAMILY,
                fields={
                    "option_names": f"The groups {', '.join(family.option_names)} are kept; new ones may be added."
                },
            )
        added = [name for name in names if name not in family.option_names]
        if not added:
            return family
        variants = list(Product.objects.select_for_update().filter(parent_id=family.pk).order_by("pk"))
        field_errors: dict[str, str] = {}
        seen: set[tuple[str, ...]] = set()
        changed: list[Product] = []
        for variant in variants:
            given = values_by_variant.get(variant.pk, {})
            values = dict(variant.option_values)
            for name in added:
                values[name] = given.get(name) or default_values.get(name, "")
            cleaned, value_errors = normalise_option_values(names, values)
            if value_errors:
                field_errors[f"variants[{variant.pk}]"] = "; ".join(
                    f"{key}: {text}" for key, text in value_errors.items()
                )
                continue
            key = combination_key(names, cleaned)
            if key in seen:
                field_errors[f"variants[{variant.pk}]"] = DUPLICATE_COMBINATION_MESSAGE
                continue
            seen.add(key)
            if variant.title == f"{family.title} – {variant_label(family.option_names, variant.option_values)}"[:300]:
                variant.title = f"{family.title} – {variant_label(names, cleaned)}"[:300]
            variant.option_values = cleaned
            changed.append(variant)
        if field_errors:
            raise ValidationError("The variants are invalid.", code=errors.INVALID_VARIANT, fields=field_errors)
        before = family.option_names
        family.option_names = names
        family.save(update_fields=["option_names", "updated_at"])
        now = clock.now()
        for variant in changed:
            variant.updated_at = now
        Product.objects.bulk_update(changed, ["option_values", "title", "updated_at"])
        audit_record(
            actor=actor,
            action="product.family_options_added",
            target=family,
            seller_id=seller.pk if seller else None,
            data={"before": before, "after": names, "variants": len(changed)},
        )
        if changed:
            publish(ProductsChanged(product_ids=tuple(variant.pk for variant in changed), at=now))
    return family


PRODUCT_EDITABLE_FIELDS = frozenset({"title", "description", "brand", "attributes", "weight_grams", "category_id"})


def product_update(
    *, product_id: int, changes: dict[str, Any], seller: Seller | None = None, actor: User | None = None
) -> Product:
    """Change a plain product's own fields (neither a family nor a variant: their services are above): `title`,
    `description`, `brand`, `attributes`, `weight_grams`, `category_id`. Raises NotFound, ValidationError
    (`invalid_product`: unknown fields, field errors, a family or a variant) and PermissionDenied
    (`product_not_yours`: a seller changing a product it did not create; the shared catalog's text is not a seller's
    to change)."""
    unknown = set(changes) - PRODUCT_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            "Unknown fields.", code=errors.INVALID_PRODUCT, fields=dict.fromkeys(sorted(unknown), "Cannot be changed.")
        )
    with transaction.atomic():
        product = (
            Product.objects.select_for_update().filter(pk=product_id).first() if isinstance(product_id, int) else None
        )
        if product is None:
            raise NotFound("No such product.", code=errors.PRODUCT_NOT_FOUND)
        if product.parent_id is not None or product.option_names:
            raise ValidationError(
                "Change a family or a variant through its own service.",
                code=errors.INVALID_PRODUCT,
                fields={"product_id": "A product family or a variant."},
            )
        if seller is not None and product.created_by_seller_id != seller.pk:
            raise PermissionDenied("Only the seller who created this product can change it.", code=errors.NOT_YOURS)
        field_errors: dict[str, str] = {}
        updates: dict[str, Any] = {}
        _text_changes(changes, field_errors, updates)
        if "brand" in changes:
            value = changes["brand"]
            if not isinstance(value, str) or len(value.strip()) > 120:
                field_errors["brand"] = "At most 120 characters."
            else:
                updates["brand"] = value.strip()
        _weight_change(changes, field_errors, updates)
        if "category_id" in changes:
            value = changes["category_id"]
            if not isinstance(value, int) or not Category.objects.filter(pk=value).exists():
                field_errors["category_id"] = "Unknown category."
            updates["category_id"] = value
        if field_errors:
            raise ValidationError("The product is invalid.", code=errors.INVALID_PRODUCT, fields=field_errors)
        _save_audited(product, updates, action="product.updated", actor=actor, seller=seller)
        publish(ProductsChanged(product_ids=(product.pk,), at=clock.now()))
    return product
