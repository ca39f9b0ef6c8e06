"""Tax filings for operators (docs/TAXES.md, "Returns and DAC7"): OSS and IOSS returns and Art. 54c records (CSV), the
DAC7 report (DPI XML); and a seller's own distance sales and DAC7 figures."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.api.schemas import problems
from comptoir.api.security import buyer_auth, buyer_principal, seller_auth, seller_principal
from comptoir.core.permissions import require_operator
from comptoir.filings import selectors

router = Router(tags=["operator: tax filings"])

_FILES = {
    "text/csv": {"schema": {"type": "string"}},
    "application/xml": {"schema": {"type": "string"}},
}


@router.get(
    "/operator/filings/{kind}",
    response={200: str, **problems(401, 403, 422)},
    auth=buyer_auth,
    summary="A tax filing (operators)",
    openapi_extra={"responses": {200: {"description": "The file.", "content": _FILES}}},
)
def filing(
    request: HttpRequest,
    kind: str,
    period: str = Query(..., min_length=4, max_length=8, description="2026-Q3 (oss), 2026-07 (ioss), 2026 (dac7)."),
    seller: int | None = Query(None, ge=1, description="oss only: that seller's own OSS return."),
):
    """`oss` (a quarter: the marketplace's OSS return as deemed supplier, or a seller's with `seller`), `oss-sellers`
    (every seller with OSS sales in the quarter), `ioss` (a month), `records` (Art. 54c records of a year or a
    quarter), `dac7` (a year: the DPI XML of the reportable sellers). Operators only (403 otherwise); 422
    `invalid_period` for an unknown kind or a malformed period."""
    require_operator(buyer_principal(request).user)
    document = selectors.filing_file(kind=kind, period=period, seller_id=seller)
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


class DistanceSalesOut(Schema):
    year: int
    net_eur_cents: int = Field(description="Intra-EU distance sales counted on this marketplace, net of VAT.")


class Dac7YearOut(Schema):
    year: int
    consideration_eur_cents: list[int] = Field(description="Per quarter, what buyers paid (less refunds).")
    activities: list[int]
    fees_eur_cents: list[int]
    taxes_eur_cents: list[int]
    reportable: bool


class SellerTaxesOut(Schema):
    threshold_eur_cents: int
    distance_sales: list[DistanceSalesOut]
    charges_destination_vat: bool
    dac7: list[Dac7YearOut]
    missing_identity: list[str]


@router.get(
    "/seller/taxes",
    response={200: SellerTaxesOut, **problems(401, 403)},
    auth=seller_auth("finance:read"),
    summary="My distance sales and DAC7 figures",
    tags=["seller: finance"],
)
def seller_taxes(request: HttpRequest):
    """Your intra-EU distance sales against the EUR 10,000 threshold (this year and last), whether your distance
    sales carry the buyer's country's VAT, the DAC7 figures the marketplace reports about you and the identity
    fields you have not given yet."""
    overview = selectors.seller_tax_overview(seller_id=seller_principal(request).seller.pk)
    return {
        "threshold_eur_cents": overview.threshold_eur_cents,
        "distance_sales": [
            {"year": year, "net_eur_cents": amount} for year, amount in sorted(overview.distance_sales.items())
        ],
        "charges_destination_vat": overview.declared_over or overview.counted_over,
        "dac7": [
            {
                "year": item.year,
                "consideration_eur_cents": list(item.consideration.values()),
                "activities": list(item.activities.values()),
                "fees_eur_cents": list(item.fees.values()),
                "taxes_eur_cents": list(item.taxes.values()),
                "reportable": item.is_reportable,
            }
            for item in overview.dac7_years
        ],
        "missing_identity": list(overview.missing),
    }
