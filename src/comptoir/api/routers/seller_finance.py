"""A seller's money: balances per currency and the statement of ledger movements (JSON or CSV)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.api import errors as api_errors
from comptoir.api.schemas import CURRENCY_PATTERN, MoneyOut, iso, problems
from comptoir.api.security import seller_auth, seller_principal
from comptoir.checkout import selectors as checkout_selectors
from comptoir.core.exceptions import ValidationError
from comptoir.core.money import validate_currency
from comptoir.payments import selectors as payment_selectors

router = Router(tags=["seller: finance"])

READ = seller_auth("finance:read")


class BalanceOut(Schema):
    currency: str
    escrow: MoneyOut = Field(description="Paid by buyers, held until delivery plus the hold period.")
    payable: MoneyOut = Field(description="Released to you, not paid out yet.")
    paid_out: MoneyOut = Field(description="Sent to your bank account so far.")


class BalancesOut(Schema):
    balances: list[BalanceOut]


class StatementRowOut(Schema):
    entry_id: int
    created_at: str
    kind: str
    memo: str
    seller_order_number: str
    escrow_delta: MoneyOut
    payable_delta: MoneyOut
    paid_out_delta: MoneyOut
    payable_balance: MoneyOut = Field(description="Running payable balance after this entry.")


class StatementOut(Schema):
    currency: str
    since: str | None
    until: str | None
    rows: list[StatementRowOut]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time without an offset is read as UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def _row_out(row) -> dict:
    return {
        "entry_id": row.entry_id,
        "created_at": iso(row.created_at),
        "kind": str(row.kind),
        "memo": row.memo,
        "seller_order_number": row.seller_order_number or "",
        "escrow_delta": row.escrow_delta.as_dict(),
        "payable_delta": row.payable_delta.as_dict(),
        "paid_out_delta": row.paid_out_delta.as_dict(),
        "payable_balance": row.payable_balance.as_dict(),
    }


@router.get("/seller/balance", response={200: BalancesOut, **problems(401, 403, 422)}, auth=READ, summary="My balances")
def balance(request: HttpRequest):
    """From ledger postings only, one entry per currency."""
    balances = payment_selectors.seller_balances(seller=seller_principal(request).seller)
    return {
        "balances": [
            {
                "currency": currency,
                "escrow": amounts["escrow"].as_dict(),
                "payable": amounts["payable"].as_dict(),
                "paid_out": amounts["paid_out"].as_dict(),
            }
            for currency, amounts in sorted(balances.items())
        ]
    }


@router.get(
    "/seller/statement",
    response={200: StatementOut, **problems(401, 403, 422)},
    auth=READ,
    summary="My statement",
    openapi_extra={
        "responses": {
            200: {
                "description": "JSON rows, or a CSV file with format=csv.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def statement(
    request: HttpRequest,
    currency: str = Query(..., min_length=3, max_length=3, pattern=CURRENCY_PATTERN, description="ISO 4217 code."),
    format: str = Query("json", pattern="^(json|csv)$", description="json or csv."),
    since: dt.datetime | None = Query(None, description="ISO 8601, inclusive."),  # noqa: B008 (ninja reads the default as the declaration)
    until: dt.datetime | None = Query(None, description="ISO 8601, exclusive."),  # noqa: B008 (idem)
):
    """Every ledger movement of your accounts in one currency, oldest first, with the running payable balance."""
    currency = validate_currency(currency)
    since, until = _aware(since), _aware(until)
    if since is not None and until is not None and since > until:
        raise ValidationError(
            "The period is empty.", code=api_errors.INVALID_PERIOD, fields={"until": "Must not be before since."}
        )
    seller = seller_principal(request).seller
    if format == "csv":
        content = checkout_selectors.seller_statement_csv(seller=seller, currency=currency, since=since, until=until)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statement-{seller.slug}-{currency}.csv"'
        return response
    rows = checkout_selectors.seller_statement(seller=seller, currency=currency, since=since, until=until)
    return {"currency": currency, "since": iso(since), "until": iso(until), "rows": [_row_out(row) for row in rows]}
