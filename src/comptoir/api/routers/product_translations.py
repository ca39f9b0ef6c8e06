"""Product translations (docs/LANGUAGES.md, "Product text"): a seller's title, description and attributes of a product
it created, in another language of the site. PUT is idempotent (the same text again changes nothing) and DELETE too;
another seller's product is not found (404). Variants share their family's text: translate the family."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Router, Schema, Status
from pydantic import Field, StrictStr

from comptoir.api.idempotency import run_idempotent
from comptoir.api.routers.product_families import Attributes
from comptoir.api.routers.seller_offers import READ, WRITE
from comptoir.api.schemas import MAX_ID, length, problems
from comptoir.api.schemas import InputSchema as BaseInput
from comptoir.api.security import seller_principal
from comptoir.catalog import errors as catalog_errors
from comptoir.catalog.models import Product
from comptoir.catalog.selectors import product_translations
from comptoir.catalog.services import product_translation_delete, product_translation_put
from comptoir.core.exceptions import NotFound

router = Router(tags=["seller: product translations"])

LANGUAGE_PATH = PathParam(..., pattern=r"^[a-z]{2,8}$", description="A language of the site: en, fr, de, es, it.")


class TranslationIn(BaseInput):
    title: Annotated[StrictStr, length(300, 1)]
    description: Annotated[StrictStr, length(20000)] = ""
    attributes: Attributes = Field(
        default_factory=dict, description="Attribute names and values in this language; empty: the product's own."
    )


class TranslationOut(Schema):
    product_id: int
    language: str
    title: str
    description: str
    attributes: dict
    updated_at: str


def _out(translation) -> dict:
    return {
        "product_id": translation.product_id,
        "language": translation.language,
        "title": translation.title,
        "description": translation.description,
        "attributes": translation.attributes,
        "updated_at": translation.updated_at.isoformat(),
    }


def _own_product(product_id: int, seller) -> Product:
    product = Product.objects.filter(pk=product_id, created_by_seller=seller).first()
    if product is None:
        raise NotFound("No such product.", code=catalog_errors.PRODUCT_NOT_FOUND)
    return product


@router.get(
    "/seller/products/{product_id}/translations",
    response={200: list[TranslationOut], **problems(401, 403, 404)},
    auth=READ,
    summary="The translations of a product you created",
)
def translation_list(request: HttpRequest, product_id: int = PathParam(..., ge=1, le=MAX_ID)):
    principal = seller_principal(request)
    product = _own_product(product_id, principal.seller)
    return [_out(translation) for translation in product_translations(product.pk)]


@router.get(
    "/seller/products/{product_id}/translations/{language}",
    response={200: TranslationOut, **problems(401, 403, 404, 422)},
    auth=READ,
    summary="A product's text in one language",
)
def translation_detail(
    request: HttpRequest, product_id: int = PathParam(..., ge=1, le=MAX_ID), language: str = LANGUAGE_PATH
):
    principal = seller_principal(request)
    product = _own_product(product_id, principal.seller)
    translation = product_translations(product.pk).filter(language=language).first()
    if translation is None:
        raise NotFound("No translation in this language.", code=catalog_errors.TRANSLATION_NOT_FOUND)
    return _out(translation)


@router.put(
    "/seller/products/{product_id}/translations/{language}",
    response={200: TranslationOut, 201: TranslationOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Set a product's text in one language",
)
def translation_put(
    request: HttpRequest,
    payload: TranslationIn,
    product_id: int = PathParam(..., ge=1, le=MAX_ID),
    language: str = LANGUAGE_PATH,
):
    """Creates (201) or replaces (200) the title, description and attributes in `language`; sending the same text
    again changes nothing (200). 422 `invalid_translation` (a language the site does not speak, the product's own
    language), 422 `translation_on_variant` (translate the family), 404 for a product you did not create."""
    principal = seller_principal(request)

    def action():
        saved = product_translation_put(
            product_id=product_id,
            language=language,
            **payload.model_dump(),
            seller=principal.seller,
            actor=principal.actor,
        )
        return (201 if saved.is_created else 200), _out(saved.translation)

    return run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope="translation.put",
        payload={"product_id": product_id, "language": language, **payload.model_dump()},
        action=action,
    )


@router.delete(
    "/seller/products/{product_id}/translations/{language}",
    response={204: None, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Remove a product's text in one language",
)
def translation_delete(
    request: HttpRequest, product_id: int = PathParam(..., ge=1, le=MAX_ID), language: str = LANGUAGE_PATH
):
    """204 whether or not there was a translation in `language` (a repeated DELETE is no error)."""
    principal = seller_principal(request)
    product_translation_delete(product_id=product_id, language=language, seller=principal.seller, actor=principal.actor)
    return Status(204, None)
