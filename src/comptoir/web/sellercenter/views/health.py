"""Account health and ranking factors: the seller's own trust, metric by metric, with targets, trends, the
orders behind each defect and what to do; and the parameters that rank its offers (P2B Regulation Art. 5)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from comptoir.search.config import search_settings
from comptoir.search.selectors import seller_quality_map
from comptoir.trust import selectors
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.views.trust_common import metric_cards
from comptoir.web.storefront import labels as storefront_labels
from comptoir.web.storefront import trust_labels


def _pillars(trust) -> list[dict]:
    return [
        {
            "name": name,
            "label": label,
            "value": int(getattr(trust, name)) if trust else 50,
            "advice": trust_labels.PILLAR_ADVICE[name],
        }
        for name, label in trust_labels.PILLARS.items()
    ]


@seller_view
def account_health(request):
    seller = request.seller
    trust = selectors.seller_trust_row(seller_id=seller.pk)
    snapshot = selectors.seller_trust_map([seller.pk])[seller.pk]
    history = selectors.seller_trust_history(seller_id=seller.pk)
    tier = snapshot.tier
    context = {
        "section": "health",
        "trust": trust,
        "snapshot": snapshot,
        "tier": tier,
        "tier_label": trust_labels.TIERS.get(tier, tier),
        "tier_tone": trust_labels.TIER_TONES.get(tier, ""),
        "pillars": _pillars(trust),
        "cards": metric_cards(trust, history, seller_id=seller.pk),
        "active_actions": selectors.enforcement_active_for_seller(seller_id=seller.pk),
        "history_days": len(history),
        "tiers_config": selectors.config()["tiers"],
    }
    return render(request, "sellercenter/trust/health.html", context)


@seller_view
def ranking_factors(request):
    seller = request.seller
    quality = seller_quality_map([seller.pk])[seller.pk]
    trust = selectors.seller_trust_row(seller_id=seller.pk)
    config = search_settings()
    yours = {"trust": round(quality.trust_score), "satisfaction": round(quality.satisfaction)}
    advice = {
        "relevance": trust_labels.PILLAR_ADVICE["transparency"],
        "trust": trust_labels.PILLAR_ADVICE["operations"],
        "conversion": _(
            "Clear photos, a complete description and a competitive delivered price turn views into orders."
        ),
        "delivery": _("A short handling time and fast shipping services give earlier delivery dates."),
        "price": _("Your delivered price (price + shipping) is compared with the other offers of the same product."),
        "satisfaction": trust_labels.PILLAR_ADVICE["satisfaction"],
        "fulfilment": _("Offers fulfilled by the marketplace's partner warehouses score higher on this parameter."),
    }
    ranking = [
        {
            "factor": name,
            "label": storefront_labels.RANKING_FACTORS.get(name, name),
            "weight": round(share * 100),
            "yours": yours.get(name),
            "advice": advice.get(name, ""),
        }
        for name, share in config.ranking.shares().items()
    ]
    featured = [
        {
            "factor": name,
            "label": storefront_labels.FEATURED_FACTORS.get(name, name),
            "weight": round(share * 100),
            "yours": yours.get(name),
            "advice": advice.get(name, ""),
        }
        for name, share in config.featured.shares().items()
    ]
    return render(
        request,
        "sellercenter/trust/ranking.html",
        {
            "section": "ranking",
            "quality": quality,
            "ranking": ranking,
            "featured": featured,
            "pillars": _pillars(trust),
            "multiplier_percent": round(quality.visibility_multiplier * 100),
            "tier_label": trust_labels.TIERS.get(quality.tier, quality.tier),
            "tier_tone": trust_labels.TIER_TONES.get(quality.tier, ""),
        },
    )
