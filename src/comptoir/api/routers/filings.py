"""Tax filings for operators (docs/TAXES.md, "Returns and DAC7"): OSS, IOSS, UK and Swiss VAT returns and Art. 54c
records (CSV), the DAC7 report (DPI XML), each VAT return's dispatch state (filed, corrected); and a seller's own
distance sales and DAC7 figures."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field, StrictStr

from comptoir.api.idempotency import run_idempotent
from comptoir.api.schemas import InputSchema, length, problems
from comptoir.api.security import buyer_auth, buyer_principal, seller_auth, seller_principal
from comptoir.core.permissions import require_operator
from comptoir.filings import selectors, services
from comptoir.filings.selectors import ReturnOverview

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
    period: str = Query(
        ...,
        min_length=4,
        max_length=10,
        description="2026-Q3 (oss, uk-vat, ch-vat), 2026-S2Q3 (uk-vat, HMRC stagger 2 or 3), 2026-H2 (ch-vat), "
        "2026-07 (ioss).",
    ),
    seller: int | None = Query(None, ge=1, description="oss only: that seller's own OSS return."),
):
    """`oss` (a quarter: the marketplace's OSS return as deemed supplier, or a seller's with `seller`), `oss-sellers`
    (every seller with OSS sales in the quarter), `ioss` (a month), `uk-vat` (a quarter: HMRC's nine boxes, GBP),
    `ch-vat` (a quarter, or a half-year when the operator files half-yearly: turnover and tax per rate, CHF); a filed
    return is given as filed. `records` (Art. 54c records of a year or a
    quarter), `dac7` (a year: the DPI XML of the reportable sellers, validated against the DPI XML Schema: 422
    `dac7_invalid_document` with the validator's `problems` when it fails). Operators only (403 otherwise); 422
    `invalid_period` for an unknown kind or a malformed period."""
    require_operator(buyer_principal(request).user)
    document = selectors.filing_file(kind=kind, period=period, seller_id=seller)
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


ReturnKind = Literal["oss", "ioss", "uk-vat", "ch-vat"]  # domain.dispatch.RETURN_KINDS (a test checks both agree)


class ReturnStepOut(Schema):
    state: str
    reference: str
    filed_on: dt.date
    note: str
    total_vat_cents: int = Field(description="Minor units of `currency`: the VAT of the return as filed.")
    currency: str
    recorded_by: str | None
    recorded_at: dt.datetime


class ReturnStateOut(Schema):
    kind: str
    period: str
    scope: str
    state: str = Field(description="draft, filed or corrected.")
    currency: str
    total_vat_cents: int = Field(description="As filed, or computed now for a draft.")
    steps: list[ReturnStepOut]
    pending_changes_vat_cents: int = Field(description="Filed return: VAT of the changes the next return will carry.")


class ReturnStepIn(InputSchema):
    action: Literal["file", "correct"]
    reference: Annotated[StrictStr, length(64, 1)]
    filed_on: dt.date
    note: Annotated[StrictStr, length(500)] = ""


def _state_out(kind: str, overview: ReturnOverview) -> dict:
    """JSON-ready (the idempotency record stores it)."""
    vat_return = overview.vat_return
    return {
        "kind": kind,
        "period": vat_return.period.label,
        "scope": vat_return.scope,
        "state": overview.state,
        "currency": vat_return.currency,
        "total_vat_cents": vat_return.total_vat_cents,
        "steps": [
            {
                "state": step.state,
                "reference": step.reference,
                "filed_on": step.filed_on.isoformat(),
                "note": step.note,
                "total_vat_cents": step.total_vat_cents,
                "currency": step.currency,
                "recorded_by": step.recorded_by.email if step.recorded_by else None,
                "recorded_at": step.recorded_at.isoformat(),
            }
            for step in overview.steps
        ],
        "pending_changes_vat_cents": sum(row.vat_cents for row in overview.pending_changes),
    }


@router.get(
    "/operator/filings/{kind}/{period}/state",
    response={200: ReturnStateOut, **problems(401, 403, 422)},
    auth=buyer_auth,
    summary="A VAT return's dispatch state (operators)",
)
def return_state(request: HttpRequest, kind: ReturnKind, period: str):
    """Draft, filed or corrected, with every step recorded (who, when, the tax authority's reference)."""
    require_operator(buyer_principal(request).user)
    return _state_out(kind, selectors.return_overview(kind=kind, period=period))


@router.post(
    "/operator/filings/{kind}/{period}/state",
    response={200: ReturnStateOut, **problems(401, 403, 409, 422)},
    auth=buyer_auth,
    summary="Record a VAT return as filed or corrected (operators)",
)
def return_state_record(request: HttpRequest, kind: ReturnKind, period: str, payload: ReturnStepIn):
    """`file`: the return's figures computed now are kept as filed (later changes go into a later return); `correct`:
    a correction was filed with the authority, the figures become the ones computed now. The same reference again
    changes nothing (idempotent; an `Idempotency-Key` header is also honoured). 409 `invalid_return_transition`
    (filing a filed return under another reference, correcting a draft), 409 `return_already_carried`, 422."""
    principal = buyer_principal(request)
    require_operator(principal.user)
    record = services.vat_return_file if payload.action == "file" else services.vat_return_correct

    def action():
        record(
            kind=kind,
            period=period,
            reference=payload.reference,
            filed_on=payload.filed_on,
            note=payload.note,
            actor=principal.user,
        )
        return 200, _state_out(kind, selectors.return_overview(kind=kind, period=period))

    return run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope=f"filings.return.{kind}.{period}",
        payload=payload.model_dump(mode="json"),
        action=action,
    )


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
