"""Pictures and 3D/AR files of catalog products, sent by sellers as multipart/form-data.

A seller with an offer on a product may add pictures and 3D files to it and delete those it added (docs/CATALOG.md).
The bytes decide the type, never the file name or the part's Content-Type."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja import Path as PathParam
from ninja.files import UploadedFile
from pydantic import Field

from comptoir.api.schemas import MAX_ID, between, problems
from comptoir.api.security import seller_auth, seller_principal
from comptoir.catalog.conf import catalog_media_settings
from comptoir.catalog.models import ProductImage, ProductModel3D
from comptoir.catalog.services import (
    product_image_delete,
    product_image_upload,
    product_model_3d_delete,
    product_model_3d_upload,
)

router = Router(tags=["seller: product media"])

WRITE = seller_auth("offers:write")
Id = Annotated[int, between(1, MAX_ID)]


class RenditionOut(Schema):
    width: int
    height: int
    url: str


class ProductImageOut(Schema):
    id: int
    product_id: int
    url: str = Field(description="The stored picture: upright, without metadata, in its uploaded format.")
    alt_text: str
    position: int = Field(description="0 is the product's main picture.")
    content_type: str = Field(description="image/jpeg, image/png or image/webp.")
    width: int
    height: int
    renditions: list[RenditionOut] = Field(
        description="WebP renditions (160, 480 and 1200 px wide by default, never wider than the original), made by a "
        "background task: empty right after the upload."
    )
    uploaded_by_you: bool


class ProductModel3DOut(Schema):
    id: int
    product_id: int
    kind: str = Field(description="glb (binary glTF 2.0) or usdz.")
    url: str
    byte_size: int
    uploaded_by_you: bool


def image_out(image: ProductImage, *, seller_id: int) -> dict:
    from django.core.files.storage import default_storage

    return {
        "id": image.pk,
        "product_id": image.product_id,
        "url": image.src,
        "alt_text": image.alt_text,
        "position": image.position,
        "content_type": image.content_type,
        "width": image.width or 0,
        "height": image.height or 0,
        "renditions": [
            {"width": item["width"], "height": item["height"], "url": default_storage.url(item["name"])}
            for item in image.renditions
        ],
        "uploaded_by_you": image.uploaded_by_seller_id == seller_id,
    }


def model_out(model: ProductModel3D, *, seller_id: int) -> dict:
    return {
        "id": model.pk,
        "product_id": model.product_id,
        "kind": model.kind,
        "url": model.file.url,
        "byte_size": model.byte_size,
        "uploaded_by_you": model.uploaded_by_seller_id == seller_id,
    }


def _limits_text() -> str:
    limits = catalog_media_settings().picture_limits
    return (
        f"JPEG, PNG or WebP (told by its bytes), at most {limits.max_bytes} bytes, each side {limits.min_side} to "
        f"{limits.max_side} px, at most {limits.max_pixels} pixels"
    )


@router.post(
    "/seller/products/{product_id}/images",
    response={200: ProductImageOut, 201: ProductImageOut, **problems(400, 401, 403, 404, 409, 413, 415, 422)},
    auth=WRITE,
    summary="Add a picture to a product",
    description=(
        "Send `multipart/form-data` with the picture in `file` and an optional `alt_text` (what the picture shows, for "
        "people who cannot see it; at most 300 characters). The picture must be a "
        + _limits_text()
        + " (defaults; the operator may change them). It is stored upright (EXIF orientation applied) without its "
        "metadata. Only a seller with an offer on the product may add pictures (403 `offer_required_for_media`).\n\n"
        "201: added. 200: the same bytes were already a picture of this product (nothing changed: retrying an upload "
        "is safe). 409 `too_many_images`: the product has its maximum of pictures. 413 `file_too_large`; 415 "
        "`unsupported_file_type` (not JPEG, PNG or WebP, whatever its name); 422 `invalid_image` (unreadable or "
        "truncated), `image_too_many_pixels` (a decompression bomb, or simply too many pixels), `image_too_small`, "
        "`image_too_big`, `invalid_alt_text`. 400 `malformed_multipart`: a body that is not valid multipart/form-data."
    ),
)
def image_add(
    request: HttpRequest,
    product_id: PathParam[Id],
    file: File[UploadedFile],
    alt_text: str = Form("", max_length=300),
):
    principal = seller_principal(request)
    outcome = product_image_upload(
        product_id=product_id, seller=principal.seller, actor=principal.actor, content=file, alt_text=alt_text
    )
    return Status(201 if outcome.created else 200, image_out(outcome.image, seller_id=principal.seller.pk))


@router.delete(
    "/seller/products/{product_id}/images/{image_id}",
    response={204: None, **problems(401, 403, 404)},
    auth=WRITE,
    summary="Delete a picture you added",
    description=(
        "403 `media_not_yours` for a picture another seller added (the marketplace's operators moderate those)."
    ),
)
def image_delete(request: HttpRequest, product_id: PathParam[Id], image_id: PathParam[Id]):
    principal = seller_principal(request)
    product_image_delete(image_id=image_id, product_id=product_id, seller=principal.seller, actor=principal.actor)
    return Status(204, None)


@router.post(
    "/seller/products/{product_id}/models-3d",
    response={200: ProductModel3DOut, 201: ProductModel3DOut, **problems(400, 401, 403, 404, 409, 413, 415, 422)},
    auth=WRITE,
    summary="Add a 3D/AR file to a product",
    description=(
        "Send `multipart/form-data` with a GLB (binary glTF 2.0: magic `glTF`, version 2, the header's length equal "
        "to the file's) or a USDZ (an uncompressed zip whose first entry is a `.usdc` or `.usda` layer) in `file`. "
        "The storefront offers it for download and AR viewing. Same rule, statuses and idempotency as pictures; 422 "
        "`invalid_model_3d` for a malformed file; at most 4 files per product (409)."
    ),
)
def model_3d_add(request: HttpRequest, product_id: PathParam[Id], file: File[UploadedFile]):
    principal = seller_principal(request)
    outcome = product_model_3d_upload(
        product_id=product_id, seller=principal.seller, actor=principal.actor, content=file
    )
    return Status(201 if outcome.created else 200, model_out(outcome.model, seller_id=principal.seller.pk))


@router.delete(
    "/seller/products/{product_id}/models-3d/{model_id}",
    response={204: None, **problems(401, 403, 404)},
    auth=WRITE,
    summary="Delete a 3D/AR file you added",
)
def model_3d_delete(request: HttpRequest, product_id: PathParam[Id], model_id: PathParam[Id]):
    principal = seller_principal(request)
    product_model_3d_delete(model_id=model_id, product_id=product_id, seller=principal.seller, actor=principal.actor)
    return Status(204, None)
