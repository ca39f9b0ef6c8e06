"""The search settings: settings.COMPTOIR_SEARCH over the defaults (weights are public: /ranking), read on each call so
that `override_settings` works.

Prices are compared through the pricing seam (comptoir.offers.domain.pricing) in the marketplace's display currency
(`COMPTOIR["CURRENCY"]`, EUR by default) with the exchange rates of `COMPTOIR["EXCHANGE_RATES"]`
({"JPY/EUR": "0.0062"}: major units of EUR per major unit of JPY; none by default, so an offer in another currency is
not comparable with the others rather than compared on raw minor units)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from comptoir.offers.domain.pricing import BuyerContext, DeliveredPricing, PricingStrategy, StaticRates
from comptoir.search.domain.featured import FeaturedConfig
from comptoir.search.domain.ranking import RankingConfig

DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True)
class SearchSettings:
    ranking: RankingConfig
    featured: FeaturedConfig
    candidate_limit: int  # documents taken from the text index (best relevance first) before re-ranking
    conversion_window_days: int
    currency: str  # the currency the index compares and stores landed prices in (the site's display currency)
    exchange_rates: dict[tuple[str, str], Decimal]


def _exchange_rates(values: dict) -> dict[tuple[str, str], Decimal]:
    rates = {}
    for pair, rate in (values or {}).items():
        source, _, target = str(pair).partition("/")
        if isinstance(rate, float):
            raise TypeError(f"exchange rate {pair} must be a string or Decimal, never a float")
        rates[(source.upper(), target.upper())] = Decimal(str(rate))
    return rates


def search_settings() -> SearchSettings:
    values = getattr(settings, "COMPTOIR_SEARCH", None) or {}
    marketplace = getattr(settings, "COMPTOIR", None) or {}
    return SearchSettings(
        ranking=RankingConfig.from_settings(values.get("ranking")),
        featured=FeaturedConfig.from_settings(values.get("featured")),
        candidate_limit=int(values.get("candidate_limit", 500)),
        conversion_window_days=int(values.get("conversion_window_days", 90)),
        currency=str(marketplace.get("CURRENCY") or DEFAULT_CURRENCY).upper(),
        exchange_rates=_exchange_rates(marketplace.get("EXCHANGE_RATES") or {}),
    )


def search_pricing() -> PricingStrategy:
    """The pricing strategy search, the storefront and the API quote with (the default one over the static rates)."""
    return DeliveredPricing(rates=StaticRates(search_settings().exchange_rates))


def buyer_context(*, country: str, currency: str | None = None, channel: str = "web") -> BuyerContext:
    """A consumer buying for `country` in `currency` (the site's display currency by default)."""
    return BuyerContext(country=country, currency=currency or search_settings().currency, channel=channel)
