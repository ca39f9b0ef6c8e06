"""Product families and their variants (docs/CATALOG.md, "Variants"): a seller creates a family with its option groups
and variants, adds variants, changes them. Offers go to variants through POST /seller/offers (a family takes none)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Router
from pydantic import Field, StrictStr

from comptoir.api.idempotency import run_idempotent
from comptoir.api.routers.catalog import ProductOut, product_out
from comptoir.api.routers.seller_offers import WRITE, Dimension
from comptoir.api.schemas import MAX_ID, BodyId, BodyInt, InputSchema, StrictBool, length, problems
from comptoir.api.security import seller_principal
from comptoir.catalog.domain.variants import MAX_OPTION_GROUPS, MAX_OPTION_NAME_LENGTH, MAX_OPTION_VALUE_LENGTH
from comptoir.catalog.selectors import product_get
from comptoir.catalog.services import (
    VariantSpec,
    product_family_create,
    product_family_update,
    product_variant_create,
    product_variant_update,
)

router = Router(tags=["seller: product families"])

OptionName = Annotated[StrictStr, length(MAX_OPTION_NAME_LENGTH, 1)]
OptionValue = Annotated[StrictStr, length(MAX_OPTION_VALUE_LENGTH, 1)]
OptionValues = dict[OptionName, OptionValue]
Gtin = Annotated[StrictStr, Field(max_length=20, pattern=r"^([0-9 -]{8,20})?$")]
Attributes = dict[Annotated[StrictStr, length(100)], Annotated[StrictStr, length(500)] | BodyInt | StrictBool]
OPTION_VALUES_DESCRIPTION = 'One value per option group of the family, e.g. {"Size": "M", "Colour": "Red"}.'


class VariantIn(InputSchema):
    option_values: OptionValues = Field(description=OPTION_VALUES_DESCRIPTION, max_length=MAX_OPTION_GROUPS)
    gtin: Gtin | None = Field(None, description="This variant's GTIN (check digit verified, unique in the catalog).")
    title: Annotated[StrictStr, length(300)] = Field("", description="Empty: the family's title and the options.")
    description: Annotated[StrictStr, length(20000)] = ""
    attributes: Attributes = Field(default_factory=dict)
    image_urls: list[Annotated[StrictStr, length(500, 1)]] = Field(default_factory=list, max_length=20)
    weight_grams: Dimension | None = None

    def spec(self) -> VariantSpec:
        return VariantSpec(**self.model_dump())


class FamilyCreateIn(InputSchema):
    title: Annotated[StrictStr, length(300, 1)]
    category_id: BodyId
    option_names: list[OptionName] = Field(
        min_length=1, max_length=MAX_OPTION_GROUPS, description="The option groups in display order, e.g. Size, Colour."
    )
    description: Annotated[StrictStr, length(20000)] = ""
    brand: Annotated[StrictStr, length(120)] = ""
    attributes: Attributes = Field(default_factory=dict)
    language: Annotated[StrictStr, length(8, 2)] = "en"
    country_of_origin: Annotated[StrictStr, Field(max_length=2, pattern="^([A-Za-z]{2})?$")] = ""
    hs_code: Annotated[StrictStr, Field(max_length=10, pattern="^([0-9]{6,10})?$")] = ""
    image_urls: list[Annotated[StrictStr, length(500, 1)]] = Field(default_factory=list, max_length=20)
    variants: list[VariantIn] = Field(
        default_factory=list, max_length=500, description="The first variants, one per combination; more can be added."
    )


class FamilyUpdateIn(InputSchema):
    """Only the fields sent are changed; `option_names` only while the family has no variant (409 otherwise)."""

    title: Annotated[StrictStr, length(300, 1)] | None = None
    description: Annotated[StrictStr, length(20000)] | None = None
    brand: Annotated[StrictStr, length(120)] | None = None
    attributes: Attributes | None = None
    option_names: list[OptionName] | None = Field(None, min_length=1, max_length=MAX_OPTION_GROUPS)


class VariantUpdateIn(InputSchema):
    """Only the fields sent are changed; `gtin: null` removes the GTIN."""

    option_values: OptionValues | None = Field(None, description=OPTION_VALUES_DESCRIPTION)
    gtin: Gtin | None = None
    title: Annotated[StrictStr, length(300, 1)] | None = None
    description: Annotated[StrictStr, length(20000)] | None = None
    attributes: Attributes | None = None
    weight_grams: Dimension | None = None


@router.post(
    "/seller/product-families",
    response={201: ProductOut, **problems(401, 403, 422)},
    auth=WRITE,
    summary="Create a product family with its option groups and variants",
)
def family_add(request: HttpRequest, payload: FamilyCreateIn):
    """A family (no GTIN, no offers) and its variants, all or nothing. A variant's errors are keyed
    `variants[<index>].<field>`. Then offer each variant with POST /seller/offers (`product_id` = the variant)."""
    principal = seller_principal(request)

    def action():
        fields = payload.model_dump(exclude={"variants"})
        family = product_family_create(
            **fields,
            variants=[variant.spec() for variant in payload.variants],
            seller=principal.seller,
            actor=principal.actor,
        )
        return 201, product_out(product_get(family.pk))

    return run_idempotent(
        request, actor_key=principal.actor_key, scope="family.create", payload=payload.model_dump(), action=action
    )


@router.patch(
    "/seller/product-families/{family_id}",
    response={200: ProductOut, **problems(401, 403, 404, 409, 422)},
    auth=WRITE,
    summary="Change a product family you created",
)
def family_change(request: HttpRequest, payload: FamilyUpdateIn, family_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    changes = payload.model_dump(exclude_unset=True)

    def action():
        family = product_family_update(
            family_id=family_id, changes=changes, seller=principal.seller, actor=principal.actor
        )
        return 200, product_out(product_get(family.pk))

    return run_idempotent(request, actor_key=principal.actor_key, scope="family.update", payload=changes, action=action)


@router.post(
    "/seller/product-families/{family_id}/variants",
    response={201: ProductOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Add a variant to a product family",
)
def variant_add(request: HttpRequest, payload: VariantIn, family_id: int = PathParam(..., ge=1, le=MAX_ID)):
    """Open to the family's creator and to sellers offering one of its variants (403 `family_not_yours` otherwise);
    422 `invalid_variant` when the combination exists or the option values do not match the family's groups."""
    principal = seller_principal(request)

    def action():
        variant = product_variant_create(
            family_id=family_id, **payload.model_dump(), seller=principal.seller, actor=principal.actor
        )
        return 201, product_out(product_get(variant.pk))

    return run_idempotent(
        request, actor_key=principal.actor_key, scope="variant.create", payload=payload.model_dump(), action=action
    )


@router.patch(
    "/seller/variants/{variant_id}",
    response={200: ProductOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Change a variant you created",
)
def variant_change(request: HttpRequest, payload: VariantUpdateIn, variant_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    changes = payload.model_dump(exclude_unset=True)

    def action():
        variant = product_variant_update(
            variant_id=variant_id, changes=changes, seller=principal.seller, actor=principal.actor
        )
        return 200, product_out(product_get(variant.pk))

    return run_idempotent(
        request, actor_key=principal.actor_key, scope="variant.update", payload=changes, action=action
    )
