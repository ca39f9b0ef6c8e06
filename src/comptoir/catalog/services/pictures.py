"""Pictures and 3D/AR files of shared catalog products.

Who may do what (docs/CATALOG.md): a product is shared by every seller who offers it, so
- a seller with an offer on the product (active or paused) may add pictures and 3D files to it;
- a seller may delete only what its own members or keys uploaded;
- an operator may delete anything (moderation), with a reason, recorded in the audit log.

Uploads are idempotent by content: the same bytes sent again for the same product return the existing picture (the
database refuses a second row: unique product + SHA-256). Files go through Django's storage API (`default_storage`);
a failed write removes what it stored, so no row points to a missing file and no file is left without a row (but for
a crash between the file write and the commit, where the file stays orphaned under its content-derived name and is
overwritten by the next upload of the same bytes)."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction

from comptoir.catalog import errors
from comptoir.catalog.conf import catalog_media_settings
from comptoir.catalog.domain.models_3d import ModelRefused, validate_model
from comptoir.catalog.domain.pictures import (
    PictureRefused,
    Refusal,
    normalise_picture,
    render_renditions,
    rendition_widths,
)
from comptoir.catalog.models import Product, ProductImage, ProductModel3D
from comptoir.catalog.selectors import seller_may_add_media
from comptoir.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationError
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.core.text import forbidden_character, forbidden_character_message

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

logger = logging.getLogger(__name__)

MODELS_3D_PER_PRODUCT = 4
MAX_ALT_TEXT = 300

_PICTURE_ERRORS: dict[Refusal, tuple[type[ValidationError], str]] = {
    Refusal.TOO_LARGE: (errors.FileTooLarge, errors.FILE_TOO_LARGE),
    Refusal.UNSUPPORTED_TYPE: (errors.UnsupportedFileType, errors.UNSUPPORTED_FILE_TYPE),
    Refusal.TOO_MANY_PIXELS: (ValidationError, errors.IMAGE_TOO_MANY_PIXELS),
    Refusal.TOO_SMALL: (ValidationError, errors.IMAGE_TOO_SMALL),
    Refusal.TOO_BIG: (ValidationError, errors.IMAGE_TOO_BIG),
    Refusal.CORRUPT: (ValidationError, errors.INVALID_IMAGE),
}


@dataclass(frozen=True)
class ImageUpload:
    image: ProductImage
    created: bool  # False: the same picture was already there (nothing written)


@dataclass(frozen=True)
class ModelUpload:
    model: ProductModel3D
    created: bool


def _product_for_contributor(*, product_id: int, seller: Seller, lock: bool = False) -> Product:
    products = Product.objects.select_for_update() if lock else Product.objects.all()
    product = products.filter(pk=product_id).first()
    if product is None:
        raise NotFound("No such product.", code=errors.PRODUCT_NOT_FOUND)
    if not seller_may_add_media(seller_id=seller.pk, product_id=product_id):
        raise PermissionDenied(
            "Only a seller with an offer on this product can add pictures or 3D files to it.",
            code=errors.OFFER_REQUIRED_FOR_MEDIA,
        )
    return product


def _checked_alt_text(alt_text: str) -> str:
    if not isinstance(alt_text, str) or len(alt_text.strip()) > MAX_ALT_TEXT:
        raise ValidationError(
            "The description of the picture is too long.",
            code=errors.INVALID_ALT_TEXT,
            fields={"alt_text": f"At most {MAX_ALT_TEXT} characters."},
        )
    character = forbidden_character(alt_text)
    if character is not None:
        raise ValidationError(
            "The description of the picture contains a control character.",
            code=errors.INVALID_ALT_TEXT,
            fields={"alt_text": forbidden_character_message(character)},
        )
    return alt_text.strip()


def _store(name: str, content: bytes) -> str:
    """Save under `name`; a file already there is a leftover of a failed attempt (no row names it): replace it."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete the stored file %s", name)


def _bounded(content: bytes | File, max_bytes: int) -> bytes:
    """The bytes of an upload, reading at most one byte more than the limit (enough to know it is too large)."""
    if isinstance(content, bytes):
        return content
    data = content.read(max_bytes + 1)
    return data if isinstance(data, bytes) else data.encode()


def _enqueue_renditions(image_id: int) -> None:
    from comptoir.catalog.tasks import product_image_renditions_task

    product_image_renditions_task.enqueue(image_id=image_id)


def product_image_upload(
    *, product_id: int, seller: Seller, actor: User | None, content: bytes | File, alt_text: str = ""
) -> ImageUpload:
    """Add a picture to a product for `seller`. The picture is checked and normalised (catalog.domain.pictures); its
    renditions are made by a task after the commit (until then pages show the original).

    Raises NotFound (no product), PermissionDenied (`offer_required_for_media`: the seller has no offer on it),
    FileTooLarge (413), UnsupportedFileType (415), ValidationError (422: not a readable picture, too many pixels, a side
    too short or too long, alt text) and Conflict (`too_many_images`)."""
    alt_text = _checked_alt_text(alt_text)
    _product_for_contributor(product_id=product_id, seller=seller)  # refuse before decoding anything
    return _picture_add(
        product_id=product_id,
        seller=seller,
        actor=actor,
        content=content,
        alt_text=alt_text,
        authorise=functools.partial(_product_for_contributor, product_id=product_id, seller=seller, lock=True),
        action="product.image_added",
    )


def _product_for_importer(*, product_id: int, seller: Seller) -> Product:
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise NotFound("No such product.", code=errors.PRODUCT_NOT_FOUND)
    if product.created_by_seller_id != seller.pk and not seller_may_add_media(
        seller_id=seller.pk, product_id=product_id
    ):
        raise PermissionDenied(
            "Only the seller who created this product or offers it can add pictures to it.",
            code=errors.OFFER_REQUIRED_FOR_MEDIA,
        )
    return product


def product_image_import(
    *, product_id: int, seller: Seller, actor: User | None, content: bytes, alt_text: str = "", source_url: str = ""
) -> ImageUpload:
    """Add a picture a shop import gave by address (fetched by connectors' worker) to a product `seller` created
    (a family, which takes no offers, included) or offers: the same checks, normalisation, storage, idempotency and
    renditions as `product_image_upload`, and its errors."""
    return _picture_add(
        product_id=product_id,
        seller=seller,
        actor=actor,
        content=content,
        alt_text=_checked_alt_text(alt_text[:MAX_ALT_TEXT]),
        authorise=functools.partial(_product_for_importer, product_id=product_id, seller=seller),
        action="product.image_imported",
        data={"url": source_url[:500]},
    )


def _picture_add(
    *,
    product_id: int,
    seller: Seller,
    actor: User | None,
    content: bytes | File,
    alt_text: str,
    authorise: Callable[[], Product],
    action: str,
    data: dict[str, Any] | None = None,
) -> ImageUpload:
    limits = catalog_media_settings()
    try:
        picture = normalise_picture(_bounded(content, limits.picture_limits.max_bytes), limits.picture_limits)
    except PictureRefused as refusal:
        error_class, code = _PICTURE_ERRORS[refusal.refusal]
        raise error_class(refusal.message, code=code, fields={"file": refusal.message}) from refusal
    stored: list[str] = []
    try:
        with transaction.atomic(durable=True):
            product = authorise()
            existing = ProductImage.objects.filter(product=product, source_sha256=picture.source_sha256).first()
            if existing is not None:
                return ImageUpload(image=existing, created=False)
            images = list(ProductImage.objects.filter(product=product).values_list("position", flat=True))
            if len(images) >= limits.images_per_product:
                raise Conflict(
                    f"A product has at most {limits.images_per_product} pictures.", code=errors.TOO_MANY_IMAGES
                )
            name = f"catalog/products/{product.pk}/{picture.source_sha256[:24]}.{picture.extension}"
            stored.append(_store(name, picture.content))
            image = ProductImage.objects.create(
                product=product,
                file=stored[0],
                alt_text=alt_text,
                position=max(images, default=-1) + 1,
                content_type=picture.content_type,
                width=picture.width,
                height=picture.height,
                byte_size=len(picture.content),
                source_sha256=picture.source_sha256,
                uploaded_by_seller=seller,
            )
            audit_record(
                actor=actor,
                action=action,
                target=image,
                seller_id=seller.pk,
                data={"product_id": product.pk, "width": picture.width, "height": picture.height, **(data or {})},
            )
            transaction.on_commit(functools.partial(_enqueue_renditions, image.pk))
    except BaseException:
        _delete_files(stored)
        raise
    return ImageUpload(image=image, created=True)


def product_image_move(
    *, product_id: int, image_id: int, seller: Seller, actor: User | None, direction: str
) -> list[ProductImage]:
    """Move a picture one place earlier (`direction="up"`, towards the main picture) or later (`"down"`) among the
    product's pictures, for a seller who may add pictures to it (`offer_required_for_media` otherwise). The product
    row is locked, so two moves queue; positions are renumbered 0..n-1. Moving the first picture up (or the last
    down) changes nothing. Returns the pictures in their new order. Raises NotFound, PermissionDenied,
    ValidationError (`invalid_direction`)."""
    if direction not in ("up", "down"):
        raise ValidationError(
            "Move a picture up or down.", code=errors.INVALID_DIRECTION, fields={"direction": "up or down."}
        )
    with transaction.atomic():
        product = _product_for_contributor(product_id=product_id, seller=seller, lock=True)
        images = list(ProductImage.objects.filter(product=product).order_by("position", "id"))
        index = next((number for number, image in enumerate(images) if image.pk == image_id), None)
        if index is None:
            raise NotFound("No such picture.", code=errors.IMAGE_NOT_FOUND)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(images):
            return images
        images[index], images[other] = images[other], images[index]
        changed = []
        for position, image in enumerate(images):
            if image.position != position:
                image.position = position
                changed.append(image)
        ProductImage.objects.bulk_update(changed, ["position"])
        audit_record(
            actor=actor,
            action="product.image_moved",
            target=images[other],
            seller_id=seller.pk,
            data={"product_id": product.pk, "direction": direction, "order": [image.pk for image in images]},
        )
    return images


def product_image_delete(
    *, image_id: int, actor: User | None, seller: Seller | None = None, product_id: int | None = None, reason: str = ""
) -> None:
    """Delete a picture and, after the commit, its files. With `seller`: only a picture that seller uploaded
    (PermissionDenied `media_not_yours` otherwise); without: an operator's moderation (PermissionDenied unless
    `actor` is an operator). NotFound when there is no such picture (of `product_id`, when given)."""
    if seller is None:
        require_operator(actor)
    with transaction.atomic(durable=True):
        images = ProductImage.objects.select_for_update().filter(pk=image_id)
        if product_id is not None:
            images = images.filter(product_id=product_id)
        image = images.first()
        if image is None:
            raise NotFound("No such picture.", code=errors.IMAGE_NOT_FOUND)
        if seller is not None and image.uploaded_by_seller_id != seller.pk:
            raise PermissionDenied("Another seller added this picture.", code=errors.MEDIA_NOT_YOURS)
        names = [str(image.file.name)] if image.file else []
        names += [item["name"] for item in image.renditions]
        audit_record(
            actor=actor,
            action="product.image_removed",
            target=image,
            reason=reason,
            seller_id=seller.pk if seller else image.uploaded_by_seller_id,
            data={"product_id": image.product_id, "file": image.file.name, "url": image.url},
        )
        image.delete()
        transaction.on_commit(functools.partial(_delete_files, names))


def product_image_renditions_build(*, image_id: int) -> int:
    """Make the WebP renditions of an uploaded picture (catalog.tasks). Returns how many files were written.

    Idempotent: a picture whose renditions match the configured widths is left alone (0), a rendition file the record
    already names is reused. Atomic: the record is updated in one statement once every file is stored; a failure (or
    a picture deleted meanwhile) removes the files written by this run and leaves the record as it was."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or not image.file or not image.width:
        return 0
    settings = catalog_media_settings()
    widths = rendition_widths(image.width, settings.rendition_widths)
    current = {item["width"]: item for item in image.renditions}
    if sorted(current) == widths:
        return 0
    written: list[str] = []
    renditions: list[dict[str, Any]] = []
    original_name = str(image.file.name)
    base = original_name.rsplit(".", 1)[0]
    try:
        missing = [width for width in widths if width not in current]
        with default_storage.open(original_name, "rb") as stored:
            made = render_renditions(stored.read(), missing, max_pixels=settings.picture_limits.max_pixels)
        by_width = dict(zip(missing, made, strict=True))
        for width in widths:
            if width in current:
                renditions.append(current[width])
                continue
            rendition = by_width[width]
            name = _store(f"{base}-w{width}.webp", rendition.content)
            written.append(name)
            renditions.append({"width": rendition.width, "height": rendition.height, "name": name})
        with transaction.atomic():
            updated = ProductImage.objects.filter(pk=image.pk, file=original_name).update(renditions=renditions)
    except BaseException:
        _delete_files(written)
        raise
    if not updated:  # deleted or replaced while we worked
        _delete_files(written)
        return 0
    kept = {item["name"] for item in renditions}
    _delete_files([item["name"] for item in image.renditions if item["name"] not in kept])
    return len(written)


def product_model_3d_upload(
    *, product_id: int, seller: Seller, actor: User | None, content: bytes | File
) -> ModelUpload:
    """Add a GLB or USDZ file to a product (its kind is read from the bytes). Same rule and errors as pictures:
    NotFound, PermissionDenied, FileTooLarge (413), UnsupportedFileType (415), ValidationError (422
    `invalid_model_3d`), Conflict (`too_many_images`: at most MODELS_3D_PER_PRODUCT files)."""
    _product_for_contributor(product_id=product_id, seller=seller)
    limits = catalog_media_settings().model_limits
    content = _bounded(content, limits.max_bytes)
    try:
        kind = validate_model(content, limits)
    except ModelRefused as refusal:
        error_class: type[ApplicationError] = {
            "too_large": errors.FileTooLarge,
            "unsupported_type": errors.UnsupportedFileType,
        }.get(refusal.reason, ValidationError)
        code = {"too_large": errors.FILE_TOO_LARGE, "unsupported_type": errors.UNSUPPORTED_FILE_TYPE}.get(
            refusal.reason, errors.INVALID_MODEL_3D
        )
        raise error_class(refusal.message, code=code, fields={"file": refusal.message}) from refusal
    sha256 = hashlib.sha256(content).hexdigest()
    stored: list[str] = []
    try:
        with transaction.atomic(durable=True):
            product = _product_for_contributor(product_id=product_id, seller=seller, lock=True)
            existing = ProductModel3D.objects.filter(product=product, source_sha256=sha256).first()
            if existing is not None:
                return ModelUpload(model=existing, created=False)
            if ProductModel3D.objects.filter(product=product).count() >= MODELS_3D_PER_PRODUCT:
                raise Conflict(f"A product has at most {MODELS_3D_PER_PRODUCT} 3D files.", code=errors.TOO_MANY_IMAGES)
            stored.append(_store(f"catalog/products/{product.pk}/3d/{sha256[:24]}.{kind.value}", content))
            model = ProductModel3D.objects.create(
                product=product,
                kind=kind.value,
                file=stored[0],
                byte_size=len(content),
                source_sha256=sha256,
                uploaded_by_seller=seller,
            )
            audit_record(
                actor=actor,
                action="product.model_3d_added",
                target=model,
                seller_id=seller.pk,
                data={"product_id": product.pk, "kind": kind.value, "bytes": len(content)},
            )
    except BaseException:
        _delete_files(stored)
        raise
    return ModelUpload(model=model, created=True)


def product_model_3d_delete(
    *, model_id: int, actor: User | None, seller: Seller | None = None, product_id: int | None = None, reason: str = ""
) -> None:
    """Delete a 3D file: by the seller that uploaded it, or by an operator (seller None). As product_image_delete."""
    if seller is None:
        require_operator(actor)
    with transaction.atomic(durable=True):
        models = ProductModel3D.objects.select_for_update().filter(pk=model_id)
        if product_id is not None:
            models = models.filter(product_id=product_id)
        model = models.first()
        if model is None:
            raise NotFound("No such 3D file.", code=errors.MODEL_3D_NOT_FOUND)
        if seller is not None and model.uploaded_by_seller_id != seller.pk:
            raise PermissionDenied("Another seller added this 3D file.", code=errors.MEDIA_NOT_YOURS)
        audit_record(
            actor=actor,
            action="product.model_3d_removed",
            target=model,
            reason=reason,
            seller_id=seller.pk if seller else model.uploaded_by_seller_id,
            data={"product_id": model.product_id, "file": model.file.name},
        )
        name = str(model.file.name)
        model.delete()
        transaction.on_commit(functools.partial(_delete_files, [name]))
