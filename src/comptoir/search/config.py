"""The search configuration: settings.COMPTOIR_SEARCH over the defaults (weights are public: /ranking)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from comptoir.search.domain.featured import FeaturedConfig
from comptoir.search.domain.ranking import RankingConfig


@dataclass(frozen=True)
class SearchSettings:
    ranking: RankingConfig
    featured: FeaturedConfig
    candidate_limit: int  # documents taken from the text index (best relevance first) before re-ranking
    conversion_window_days: int


def search_settings() -> SearchSettings:
    values = getattr(settings, "COMPTOIR_SEARCH", None) or {}
    return SearchSettings(
        ranking=RankingConfig.from_settings(values.get("ranking")),
        featured=FeaturedConfig.from_settings(values.get("featured")),
        candidate_limit=int(values.get("candidate_limit", 500)),
        conversion_window_days=int(values.get("conversion_window_days", 90)),
    )
