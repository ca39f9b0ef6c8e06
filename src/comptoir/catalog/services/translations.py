"""Product translations (docs/LANGUAGES.md, "Product text"): a seller's title, description and attributes of its
product in another language. Variants share their family's text, so a family is translated, never a variant.

Who may write: `seller=None` is the system (imports, the demo) or an operator (`actor`); a seller only the products
it created (others are reported as not found, so a seller learns nothing of another's catalog)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from comptoir.catalog import errors
from comptoir.catalog.domain.translations import normalise_translation
from comptoir.catalog.events import ProductsChanged
from comptoir.catalog.models import Product, ProductTranslation
from comptoir.core import clock
from comptoir.core.events import publish
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.services import audit_record

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller


def translation_languages() -> list[str]:
    """The languages a product may be translated into: the site's (`LANGUAGES`)."""
    return [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class TranslationSaved:
    translation: ProductTranslation
    is_created: bool
    is_changed: bool  # False: the same text was already stored (nothing written, nothing audited)


def _lock_translatable(product_id: object, seller: Seller | None) -> Product:
    product = (
        Product.objects.select_for_update().filter(pk=product_id).first()
        if isinstance(product_id, int) and not isinstance(product_id, bool)
        else None
    )
    if product is None or (seller is not None and product.created_by_seller_id != seller.pk):
        raise NotFound("No such product.", code=errors.PRODUCT_NOT_FOUND)
    if product.parent_id is not None:
        raise ValidationError(
            "Variants share their family's text.",
            code=errors.TRANSLATION_ON_VARIANT,
            fields={"product_id": f"A variant shares its family's text: translate product {product.parent_id}."},
        )
    return product


def _publish_text_changed(product: Product) -> None:
    # Search indexes variants (with their family's text) and plain products, never a family.
    if product.is_family:
        ids = tuple(Product.objects.filter(parent_id=product.pk).order_by("pk").values_list("pk", flat=True))
    else:
        ids = (product.pk,)
    if ids:
        publish(ProductsChanged(product_ids=ids, at=clock.now()))


def _snapshot(translation: ProductTranslation | None) -> dict[str, Any] | None:
    if translation is None:
        return None
    return {
        "title": translation.title,
        "description": translation.description,
        "attributes": translation.attributes,
    }


def product_translation_put(
    *,
    product_id: int,
    language: str,
    title: str,
    description: str = "",
    attributes: dict[str, Any] | None = None,
    seller: Seller | None = None,
    actor: User | None = None,
) -> TranslationSaved:
    """Create or replace the product's text in `language` (idempotent: the same text again writes nothing). The
    product row is locked, so two writers of one product queue. Raises NotFound (`product_not_found`: no such product,
    or not the seller's) and ValidationError (`invalid_translation` with field errors on `language`, `title`,
    `description`, `attributes`; `translation_on_variant`)."""
    with transaction.atomic():
        product = _lock_translatable(product_id, seller)
        cleaned, field_errors = normalise_translation(
            language=language,
            title=title,
            description=description,
            attributes=attributes,
            languages=translation_languages(),
            own=product.language,
        )
        if cleaned is None:
            raise ValidationError("The translation is invalid.", code=errors.INVALID_TRANSLATION, fields=field_errors)
        code, parts = cleaned
        existing = ProductTranslation.objects.filter(product_id=product.pk, language=code).first()
        after = {"title": parts.title, "description": parts.description, "attributes": dict(parts.attributes)}
        if existing is not None and _snapshot(existing) == after:
            return TranslationSaved(existing, is_created=False, is_changed=False)
        before = _snapshot(existing)
        now = clock.now()
        if existing is None:
            translation = ProductTranslation.objects.create(
                product=product, language=code, updated_by_seller=seller, created_at=now, updated_at=now, **after
            )
        else:
            translation = existing
            for name, value in after.items():
                setattr(translation, name, value)
            translation.updated_by_seller = seller
            translation.updated_at = now
            translation.save(update_fields=[*after, "updated_by_seller", "updated_at"])
        audit_record(
            actor=actor,
            action="product.translation_saved",
            target=product,
            seller_id=seller.pk if seller else None,
            data={"language": code, "before": before, "after": after},
        )
        _publish_text_changed(product)
    return TranslationSaved(translation, is_created=existing is None, is_changed=True)


def product_translation_delete(
    *, product_id: int, language: str, seller: Seller | None = None, actor: User | None = None
) -> bool:
    """Remove the product's text in `language`; returns whether there was one (deleting twice is no error). Raises
    NotFound (`product_not_found`) and ValidationError (`translation_on_variant`)."""
    with transaction.atomic():
        product = _lock_translatable(product_id, seller)
        code = (language or "").strip().lower() if isinstance(language, str) else ""
        existing = ProductTranslation.objects.filter(product_id=product.pk, language=code).first()
        if existing is None:
            return False
        before = _snapshot(existing)
        existing.delete()
        audit_record(
            actor=actor,
            action="product.translation_deleted",
            target=product,
            seller_id=seller.pk if seller else None,
            data={"language": code, "before": before},
        )
        _publish_text_changed(product)
    return True
