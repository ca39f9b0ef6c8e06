"""The seller center's trust banner: shown on the dashboard and the health page when the current seller is at
risk, below standard or under an active restriction."""

from __future__ import annotations

from django import template

from comptoir.trust import selectors
from comptoir.web.storefront import trust_labels

register = template.Library()


@register.simple_tag(takes_context=True)
def seller_trust_banner(context):
    request = context.get("request")
    seller = getattr(request, "seller", None)
    if seller is None:
        return None
    snapshot = selectors.seller_trust_map([seller.pk])[seller.pk]
    actions = selectors.enforcement_active_for_seller(seller_id=seller.pk)
    if not actions and snapshot.tier not in ("at_risk", "below_standard"):
        return None
    # The most severe active measure first (a suspension before the warning that preceded it), then the newest.
    severity = {"suspension": 0, "visibility_reduced": 1, "tier_override": 2, "warning": 3}
    action = min(actions, key=lambda item: severity.get(item.kind, 4)) if actions else None
    return {
        "tier": snapshot.tier,
        "tier_label": trust_labels.TIERS.get(snapshot.tier, snapshot.tier),
        "action": action,
        "is_restricted": action is not None,
        "kind_label": (trust_labels.ENFORCEMENT_KINDS.get(action.kind) or action.get_kind_display()) if action else "",
    }
