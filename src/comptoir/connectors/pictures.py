"""Pictures of imports: each address an import gave (`ImportedPicture`, recorded by the writer) is fetched once by a
worker, within size and time limits and through the SSRF guard (`core.outbound`), then checked, normalised, stored and
resized by the catalog's picture pipeline (`catalog.services.product_image_import`). A re-import finds the address
already recorded and fetches nothing."""

from __future__ import annotations

from comptoir.catalog.services import product_image_import
from comptoir.connectors.conf import imports_settings
from comptoir.connectors.models import ImportedPicture
from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError
from comptoir.core.outbound import FetchFailed, fetch

USER_AGENT = "Comptoir-Imports/1"


def imported_picture_fetch(*, picture_id: int) -> str:
    """Fetch one recorded picture and add it to its product; returns its status. Idempotent: a picture already
    fetched or failed is left as it is (its status returned). Never raises for the picture's own trouble (an address
    refused or unreachable, too large, too slow, not a picture the catalog accepts): the row says why it failed."""
    picture = ImportedPicture.objects.select_related("seller", "product").filter(pk=picture_id).first()
    if picture is None:
        return "missing"
    if picture.status != ImportedPicture.Status.PENDING:
        return picture.status
    limits = imports_settings()
    try:
        fetched = fetch(
            picture.url,
            max_bytes=limits.picture_max_bytes,
            timeout=limits.picture_timeout_seconds,
            allow_private=limits.allow_private_addresses,
            max_redirects=limits.picture_max_redirects,
            user_agent=USER_AGENT,
        )
        outcome = product_image_import(
            product_id=picture.product_id,
            seller=picture.seller,
            actor=None,
            content=fetched.content,
            alt_text=picture.product.title,
            source_url=picture.url,
        )
    except FetchFailed as error:
        return _failed(picture, str(error))
    except ApplicationError as error:
        return _failed(picture, error.message)
    ImportedPicture.objects.filter(pk=picture.pk, status=ImportedPicture.Status.PENDING).update(
        status=ImportedPicture.Status.FETCHED,
        image=outcome.image,
        attempts=picture.attempts + 1,
        fetched_at=clock.now(),
        failure="",
    )
    return ImportedPicture.Status.FETCHED


def _failed(picture: ImportedPicture, reason: str) -> str:
    ImportedPicture.objects.filter(pk=picture.pk, status=ImportedPicture.Status.PENDING).update(
        status=ImportedPicture.Status.FAILED, failure=reason[:300], attempts=picture.attempts + 1
    )
    return ImportedPicture.Status.FAILED
