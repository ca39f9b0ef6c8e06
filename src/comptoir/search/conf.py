"""The search settings: settings.COMPTOIR_SEARCH over the defaults (weights are public: /ranking), read on each call so
that `override_settings` works.

Prices are compared through the pricing seam (comptoir.offers.domain.pricing) in the marketplace's display currency
with its exchange rates, both configured in comptoir.offers.conf."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from comptoir.offers.conf import buyer_context as _buyer_context
from comptoir.offers.conf import exchange_rates, offers_settings, pricing_strategy
from comptoir.offers.domain.pricing import BuyerContext, PricingStrategy, Rates
from comptoir.search.domain.featured import FeaturedConfig
from comptoir.search.domain.ranking import RankingConfig


@dataclass(frozen=True)
class SearchSettings:
    ranking: RankingConfig
    featured: FeaturedConfig
    candidate_limit: int  # documents taken from the text index (best relevance first) before re-ranking
    conversion_window_days: int
    currency: str  # the currency the index compares and stores landed prices in (the site's display currency)
    exchange_rates: dict[tuple[str, str], Decimal]


def search_settings() -> SearchSettings:
    values = getattr(settings, "COMPTOIR_SEARCH", None) or {}
    offers = offers_settings()
    return SearchSettings(
        ranking=RankingConfig.from_settings(values.get("ranking")),
        featured=FeaturedConfig.from_settings(values.get("featured")),
        candidate_limit=int(values.get("candidate_limit", 500)),
        conversion_window_days=int(values.get("conversion_window_days", 90)),
        currency=offers.currency,
        exchange_rates=offers.exchange_rates,
    )


def search_pricing() -> PricingStrategy:
    """The marketplace's pricing strategy (offers.conf.pricing_strategy), which search compares prices with."""
    return pricing_strategy()


def search_rates() -> Rates:
    """The exchange rates search converts landed prices with (offers.conf.exchange_rates: the same as the pricing
    strategy's)."""
    return exchange_rates()


def buyer_context(*, country: str, currency: str | None = None, channel: str = "web") -> BuyerContext:
    """A consumer buying for `country` in `currency` (the marketplace's display currency by default)."""
    return _buyer_context(country=country, currency=currency, channel=channel)


def search_languages() -> tuple[str, ...]:
    """The languages the index holds an entry in for every product: the site's (`LANGUAGES`), default first."""
    codes = [code.lower().split("-")[0] for code, _name in settings.LANGUAGES]
    default = (settings.LANGUAGE_CODE or "en").lower().split("-")[0]
    return tuple(dict.fromkeys([default, *codes]))


def search_language(requested: str | None) -> str:
    """The index a query in `requested` ("de", "de-AT", None) searches: that language's when the index has one, else
    the site's default language's."""
    languages = search_languages()
    code = (requested or "").lower().replace("_", "-").split("-")[0]
    return code if code in languages else languages[0]
