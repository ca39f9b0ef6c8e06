from __future__ import annotations

from django.conf import settings

from comptoir.catalog.models import Category, Product


def category_commission_bp(category: Category) -> int:
    """The commission of a category: its own rate, else its nearest ancestor's, else the default."""
    ids = [int(part) for part in category.path.strip("/").split("/") if part]
    rates = dict(Category.objects.filter(pk__in=ids).values_list("pk", "commission_rate_bp"))
    for category_id in reversed(ids):
        if rates.get(category_id) is not None:
            return rates[category_id]
    return settings.COMPTOIR["DEFAULT_COMMISSION_BP"]


def category_subtree_ids(category: Category) -> list[int]:
    return list(Category.objects.filter(path__startswith=category.path).values_list("pk", flat=True))


def product_get_by_gtin(gtin: str) -> Product | None:
    from comptoir.catalog.domain.identifiers import normalise_gtin

    normalised, error = normalise_gtin(gtin)
    if error or normalised is None:
        return None
    return Product.objects.filter(gtin=normalised).first()
