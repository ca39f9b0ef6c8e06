"""Shop imports: upload a Shopify, WooCommerce, PrestaShop or Magento export, read the dry run's report, import it
(a background task) and follow its progress (htmx polling). connectors.services decides and writes."""

from __future__ import annotations

import contextlib

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from comptoir.catalog.selectors import category_list
from comptoir.connectors.models import ImportJob
from comptoir.connectors.pictures import imported_pictures_retry
from comptoir.connectors.report_text import localized_report, picture_failure_text
from comptoir.connectors.selectors import (
    import_job_list_for_seller,
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
from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.offers.selectors import shipping_profile_list_for_seller
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import CatalogImportForm
from comptoir.web.sellercenter.messages import apply_service_error

FIELD_MAP = {"shipping_profile_id": "shipping_profile", "default_category_id": "default_category", "format": "format"}


@seller_view
def import_list(request):
    profiles = list(shipping_profile_list_for_seller(seller=request.seller))
    form = CatalogImportForm(
        request.POST or None, request.FILES or None, profiles=profiles, categories=list(category_list())
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        companions = {name: data[name] for name in ("combinations", "stock_sources") if data.get(name)}
        try:
            job = import_job_create(
                seller=request.seller,
                actor=request.user,
                format_name=data["format"],
                file=data["file"],
                file_name=data["file"].name,
                companions=companions,
                options=ImportOptions(
                    shipping_profile_id=data["shipping_profile"],
                    default_category_id=data["default_category"],
                    untracked_stock=data["untracked_stock"],
                ),
            )
        except ApplicationError as error:
            apply_service_error(form, error, FIELD_MAP)
        else:
            return redirect("sellercenter:import_detail", job_id=job.pk)
    return render(
        request,
        "sellercenter/imports/list.html",
        {
            "section": "imports",
            "form": form,
            "has_profiles": bool(profiles),
            "jobs": import_job_list_for_seller(seller=request.seller)[:20],
        },
        status=422 if request.method == "POST" else 200,
    )


def _job(request, job_id: int) -> ImportJob:
    try:
        return import_job_get_for_seller(seller=request.seller, job_id=job_id)
    except NotFound as error:
        from django.http import Http404

        raise Http404 from error


def _progress_context(job: ImportJob) -> dict:
    done, total = import_job_progress(job)
    pictures = import_job_pictures(job)
    return {
        "job": job,
        "done": done,
        "total": total,
        "percent": 100 * done // max(total, 1),
        "pictures": pictures,
        "pictures_retrying": import_job_pictures_retrying(job) if pictures.pending else 0,
        "picture_failures": [
            {"url": picture.url, "failure": picture_failure_text(picture.failure)}
            for picture in (import_job_picture_failures(job) if pictures.failed else [])
        ],
        "failure": picture_failure_text(job.failure),
        # Poll while the commit runs, then while the worker fetches the pictures it recorded.
        "is_running": job.status == ImportJob.Status.COMMITTING
        or (job.status == ImportJob.Status.COMMITTED and pictures.pending > 0),
    }


@seller_view
def import_detail(request, job_id: int):
    job = _job(request, job_id)
    report = localized_report(job.report)  # in the viewer's language, whatever the import's was
    return render(
        request,
        "sellercenter/imports/detail.html",
        {
            "section": "imports",
            "report": report,
            "categories": sorted(report.get("category_mapping", {}).items()),
            **_progress_context(job),
        },
    )


@seller_view
@require_POST
def import_commit(request, job_id: int):
    _job(request, job_id)
    with contextlib.suppress(ApplicationError):  # an invalid job: the page shows its errors
        import_job_commit_enqueue(seller=request.seller, actor=request.user, job_id=job_id)
    return redirect("sellercenter:import_detail", job_id=job_id)


@seller_view
def import_progress(request, job_id: int):
    """The progress block, polled by htmx while the job is committing; it stops polling once the job is done."""
    return render(request, "sellercenter/imports/_progress.html", _progress_context(_job(request, job_id)))


@seller_view
@require_POST
def import_pictures_retry(request, job_id: int):
    """The seller's retry of the pictures that could not be fetched (idempotent: a second click queues nothing)."""
    _job(request, job_id)
    imported_pictures_retry(seller=request.seller, actor=request.user, job_id=job_id)
    return redirect("sellercenter:import_detail", job_id=job_id)
