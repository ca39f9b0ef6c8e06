"""Shop imports for sellers: upload a Shopify, WooCommerce, PrestaShop or Magento export for a dry-run report, then
commit it (a background task, all or nothing); and the catalogue search by name or GTIN (docs/CONNECTORS.md)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja import Path as PathParam
from ninja.files import UploadedFile
from pydantic import Field

from comptoir.api.schemas import MAX_ID, between, problems
from comptoir.api.security import seller_auth, seller_principal
from comptoir.connectors.domain.formats import FORMATS
from comptoir.connectors.models import ImportJob
from comptoir.connectors.pictures import imported_pictures_retry
from comptoir.connectors.report_text import localized_report, picture_failure_text
from comptoir.connectors.selectors import (
    catalog_search_for_seller,
    import_job_picture_failures,
    import_job_pictures,
    import_job_pictures_retrying,
    import_job_progress,
)
from comptoir.connectors.services import (
    ImportOptions,
    import_job_commit_enqueue,
    import_job_create,
    import_job_get_for_seller,
)

router = Router(tags=["seller: catalog imports"])

READ = seller_auth("offers:read")
WRITE = seller_auth("offers:write")
Id = Annotated[int, between(1, MAX_ID)]
FORMAT_PATTERN = "^(" + "|".join(FORMATS) + ")$"


class PictureFailureOut(Schema):
    url: str
    reason: str
    attempts: int
    product_id: int


class ImportJobOut(Schema):
    id: int
    format: str
    file_name: str
    status: str = Field(
        description="analysed (ready to commit), invalid (see report.errors), committing, committed, failed."
    )
    report: dict[str, Any] = Field(
        description="products, families, variants, offers, pictures, skipped, offers_new, offers_updated, gtin_matches "
        "(and examples), category_mapping (the file's path -> the marketplace's category), unknown_columns, "
        "error_count, errors and warnings (at most 200 each: line, column, code, message, template, params). `code` "
        "is stable (what a program tests); `message` is in the request's language (Accept-Language, else English); "
        "`template` is its English message id with `%(name)s` placeholders, filled from `params`."
    )
    progress_done: int
    progress_total: int
    pictures_total: int = Field(description="Picture addresses the commit recorded; a worker fetches them after it.")
    pictures_fetched: int
    pictures_failed: int
    pictures_retrying: int = Field(description="Pictures whose host failed, waiting to be asked again (backoff).")
    picture_failures: list[PictureFailureOut] = Field(description="Pictures that could not be fetched (first 20).")
    failure: str


class PicturesRetryOut(Schema):
    queued: int = Field(description="Failed pictures queued again (0: none had failed).")


class CatalogMatchOut(Schema):
    product_id: int
    title: str
    brand: str
    gtin: str | None
    category: str
    is_family: bool
    your_offer_id: int | None
    your_sku: str | None


def job_out(job: ImportJob) -> dict:
    done, total = import_job_progress(job)
    pictures = import_job_pictures(job)
    return {
        "id": job.pk,
        "format": job.format,
        "file_name": job.file_name,
        "status": job.status,
        "report": localized_report(job.report),
        "progress_done": done,
        "progress_total": total,
        "pictures_total": pictures.total,
        "pictures_fetched": pictures.fetched,
        "pictures_failed": pictures.failed,
        "pictures_retrying": import_job_pictures_retrying(job),
        "picture_failures": [
            {
                "url": picture.url,
                "reason": picture_failure_text(picture.failure),
                "attempts": picture.attempts,
                "product_id": picture.product_id,
            }
            for picture in import_job_picture_failures(job)
        ],
        "failure": picture_failure_text(job.failure),
    }


@router.post(
    "/seller/catalog-imports",
    response={200: ImportJobOut, 201: ImportJobOut, **problems(400, 401, 403, 413, 422)},
    auth=WRITE,
    summary="Upload a shop export for a dry run",
    description=(
        "`multipart/form-data`: the export in `file`, its `format` ("
        + ", ".join(FORMATS)
        + "), optional companion files (`combinations` for PrestaShop; `stock_sources` and `advanced_pricing` for "
        "Magento), `shipping_profile_id` (default: your first profile; its currency is the offers' currency), "
        "`default_category_id` (for products whose category matches none of the marketplace's) and `untracked_stock` "
        "(the stock of products the shop does not count, default 0). Nothing but the job is written: the answer is "
        "the dry run's report. 201: a new job; 200: the same files with the same options were already uploaded and "
        "not yet failed (that job is returned: retrying is safe)."
    ),
)
def import_create(
    request: HttpRequest,
    file: File[UploadedFile],
    format: str = Form(..., pattern=FORMAT_PATTERN),
    combinations: File[UploadedFile] | None = None,
    stock_sources: File[UploadedFile] | None = None,
    advanced_pricing: File[UploadedFile] | None = None,
    shipping_profile_id: int | None = Form(None, ge=1, le=MAX_ID),
    default_category_id: int | None = Form(None, ge=1, le=MAX_ID),
    untracked_stock: int = Form(0, ge=0, le=1_000_000),
):
    principal = seller_principal(request)
    before = ImportJob.objects.filter(seller=principal.seller).count()
    companions = {
        name: upload
        for name, upload in (
            ("combinations", combinations),
            ("stock_sources", stock_sources),
            ("advanced_pricing", advanced_pricing),
        )
        if upload is not None
    }
    job = import_job_create(
        seller=principal.seller,
        actor=principal.actor,
        format_name=format,
        file=file,
        file_name=file.name or "upload",
        companions=companions,
        options=ImportOptions(
            shipping_profile_id=shipping_profile_id,
            default_category_id=default_category_id,
            untracked_stock=untracked_stock,
        ),
    )
    created = ImportJob.objects.filter(seller=principal.seller).count() > before
    return Status(201 if created else 200, job_out(job))


@router.get(
    "/seller/catalog-imports/{job_id}",
    response={200: ImportJobOut, **problems(401, 403, 404)},
    auth=READ,
    summary="An import: its report, status and progress",
)
def import_detail(request: HttpRequest, job_id: PathParam[Id]):
    principal = seller_principal(request)
    return job_out(import_job_get_for_seller(seller=principal.seller, job_id=job_id))


@router.post(
    "/seller/catalog-imports/{job_id}/commit",
    response={200: ImportJobOut, 202: ImportJobOut, **problems(401, 403, 404, 422)},
    auth=WRITE,
    summary="Import a dry-run job",
    description=(
        "Queues the import (all or nothing, one transaction) and answers 202 with status `committing`; poll "
        "`GET /seller/catalog-imports/{id}` for its progress. Idempotent: a job committing or committed answers 200 "
        "unchanged. 422 `import_invalid`: the dry run found errors, nothing is imported."
    ),
)
def import_commit(request: HttpRequest, job_id: PathParam[Id]):
    principal = seller_principal(request)
    before = import_job_get_for_seller(seller=principal.seller, job_id=job_id).status
    job = import_job_commit_enqueue(seller=principal.seller, actor=principal.actor, job_id=job_id)
    already = before in (ImportJob.Status.COMMITTING, ImportJob.Status.COMMITTED)
    return Status(200 if already else 202, job_out(job))


@router.post(
    "/seller/catalog-imports/{job_id}/pictures/retry",
    response={200: PicturesRetryOut, **problems(401, 403, 404)},
    auth=WRITE,
    summary="Fetch an import's failed pictures again",
    description=(
        "Pictures whose host failed are asked again by themselves with a backoff; those that still failed, or failed "
        "for good (see `picture_failures`), are queued again from their first attempt. Idempotent: a second call "
        "finds none failed and queues nothing."
    ),
)
def import_pictures_retry(request: HttpRequest, job_id: PathParam[Id]):
    principal = seller_principal(request)
    return {"queued": imported_pictures_retry(seller=principal.seller, actor=principal.actor, job_id=job_id)}


@router.get(
    "/seller/catalog/products",
    response={200: list[CatalogMatchOut], **problems(401, 403, 422)},
    auth=READ,
    summary="Find catalog products by name or GTIN",
    description=(
        "Products of the shared catalog whose title or brand holds every word of `q` (or whose GTIN `q` is), with your "
        "own offer on each if you have one: look before creating a product the catalog may already have."
    ),
)
def catalog_search(request: HttpRequest, q: str = Query(..., min_length=1, max_length=200)):
    principal = seller_principal(request)
    return [
        {
            "product_id": product.pk,
            "title": product.title,
            "brand": product.brand,
            "gtin": product.gtin,
            "category": product.category.name,
            "is_family": bool(product.option_names) and product.parent_id is None,
            "your_offer_id": offer.pk if offer else None,
            "your_sku": offer.sku if offer else None,
        }
        for product, offer in catalog_search_for_seller(seller=principal.seller, query=q)
    ]
