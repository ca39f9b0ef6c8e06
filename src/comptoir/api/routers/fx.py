"""Exchange rates: the ECB reference rates in effect today, and the display-currency parameter the catalog and search
endpoints share."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import BeforeValidator, Field

from comptoir.api.schemas import problems
from comptoir.core.exceptions import NotFound
from comptoir.currencies import errors as currency_errors
from comptoir.currencies.domain.rates import DISPLAY_CURRENCIES, RateOrigin
from comptoir.currencies.selectors import rate_table_on

router = Router(tags=["fx"])

# The currencies a buyer may see prices in (comptoir.currencies.domain.rates.DISPLAY_CURRENCIES; a test keeps the two
# equal): an enum in the OpenAPI document.
DisplayCurrencyCode = Literal["EUR", "GBP", "CHF", "PLN", "CZK", "SEK", "DKK", "NOK", "USD"]
assert get_args(DisplayCurrencyCode) == DISPLAY_CURRENCIES, "keep DisplayCurrencyCode in step with DISPLAY_CURRENCIES"


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


# Codes are accepted in any case ("gbp" is GBP), as everywhere else in the API.
DisplayCurrency = Annotated[DisplayCurrencyCode, BeforeValidator(_upper)]

DISPLAY_CURRENCY_DESCRIPTION = (
    "Show prices converted into this currency as well (ECB reference rate in effect today, cross rates through the "
    "euro, rounded half-even to the currency's minor unit). Offers are still charged in their own currency."
)


class RateOriginOut(Schema):
    source: str = Field(description='Who published the rate: "ECB", or "operator" for a fixed marketplace rate.')
    day: dt.date | None = Field(description="The day the reference rate is of (null for an operator's fixed rate).")


def origin_out(origin: RateOrigin | None) -> dict | None:
    return {"source": origin.source, "day": origin.day} if origin is not None else None


class RateOut(Schema):
    currency: str
    rate: str = Field(description="Units of the currency one unit of the base buys, as a decimal string.")


class RatesOut(Schema):
    source: str
    base: str
    day: dt.date = Field(description="The publication day of these rates (the latest on or before today).")
    rates: list[RateOut]


@router.get(
    "/fx/rates",
    response={200: RatesOut, **problems(404)},
    auth=None,
    summary="Exchange rates in effect today (ECB reference rates, base EUR)",
)
def rates(request: HttpRequest):
    table = rate_table_on()
    if table is None:
        raise NotFound("No exchange rate has been imported yet.", code=currency_errors.NO_RATES)
    return {
        "source": table.source,
        "base": table.base,
        "day": table.day,
        "rates": [
            {"currency": code, "rate": format(rate.normalize(), "f")} for code, rate in sorted(table.rates.items())
        ],
    }
