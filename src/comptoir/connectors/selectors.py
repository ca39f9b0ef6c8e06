"""Reads of shop imports, and the catalogue search sellers use to find a product by its name or its GTIN."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.models import Product
from comptoir.connectors.models import ImportedPicture, ImportJob
from comptoir.connectors.progress import progress_get
from comptoir.offers.models import Offer

if TYPE_CHECKING:
    from comptoir.sellers.models import Seller


def import_job_list_for_seller(*, seller: Seller) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(seller=seller).order_by("-created_at", "-id")


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(done, total) records of the job's commit: total when committed, 0 before it starts."""
    total = max(job.progress_total, 1)
    if job.status == ImportJob.Status.COMMITTED:
        return total, total
    return min(progress_get(job.pk) or 0, total), total


@dataclass(frozen=True)
class PicturesProgress:
    total: int  # picture addresses this job recorded (a re-import records only new ones)
    fetched: int
    failed: int

    @property
    def pending(self) -> int:
        return self.total - self.fetched - self.failed


def import_job_pictures(job: ImportJob) -> PicturesProgress:
    """How far the worker is with the pictures the job's commit recorded (one query)."""
    counts = dict(ImportedPicture.objects.filter(job=job).values_list("status").annotate(count=Count("id")).order_by())
    return PicturesProgress(
        total=sum(counts.values()),
        fetched=counts.get(ImportedPicture.Status.FETCHED, 0),
        failed=counts.get(ImportedPicture.Status.FAILED, 0),
    )


def import_job_picture_failures(job: ImportJob, *, limit: int = 20) -> list[ImportedPicture]:
    """The job's pictures whose failure is final, with their reason (the first `limit`, in the file's order)."""
    return list(
        ImportedPicture.objects.filter(job=job, status=ImportedPicture.Status.FAILED)
        .order_by("pk")
        .only("url", "failure", "attempts", "product_id")[:limit]
    )


def import_job_pictures_retrying(job: ImportJob) -> int:
    """The job's pictures waiting for a retry (their host failed; tried again later)."""
    return ImportedPicture.objects.filter(job=job, status=ImportedPicture.Status.PENDING).exclude(failure="").count()


def catalog_search_for_seller(*, seller: Seller, query: str, limit: int = 20) -> list[tuple[Product, Offer | None]]:
    """Shared catalog products whose title or brand holds every word of `query` (or whose GTIN it is), families and
    products without variants first by title, each with the seller's own offer on it if any — what a seller looks for
    before listing something the catalog may already have."""
    words = query.split()[:8]
    if not words:
        return []
    products = Product.objects.select_related("category")
    gtin, problem = normalise_gtin(query) if query.replace(" ", "").isdigit() else (None, "not a number")
    if gtin and not problem:
        products = products.filter(gtin=gtin)
    else:
        for word in words:
            products = products.filter(Q(title__icontains=word) | Q(brand__icontains=word))
    found = list(products.order_by("title", "id")[:limit])
    offers = {
        offer.product_id: offer
        for offer in Offer.objects.filter(seller=seller, product__in=[product.pk for product in found])
    }
    return [(product, offers.get(product.pk)) for product in found]
