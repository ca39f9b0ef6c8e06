"""The product text a feed shows, in the feed's language: the seller's translation when there is one (docs/LANGUAGES.md,
"Product text"), else the product's own text; one function, so that every feed follows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeedText:
    title: str
    description: str


def feed_text(product, language: str, localized=None) -> FeedText:
    """The title and description of `product` for a feed in `language`. `localized` is the product's text in that
    language from `catalog.selectors.product_text_table` (a translation, or the fallback it chose: a variant shares its
    family's); without it, the product's own text, a variant without a description taking its family's.
    `product.parent` must be loaded."""
    if localized is not None:
        return FeedText(title=localized.title, description=localized.description)
    description = product.description
    if not description.strip() and product.parent_id is not None:
        description = product.parent.description
    return FeedText(title=product.title, description=description)


def feed_category_path(names: list[tuple[str, str]], language: str) -> str:
    """A category path as a feed's product_type ('Home > Kitchen'), from (English, French) names root first."""
    index = 1 if language.startswith("fr") else 0
    return " > ".join(pair[index] or pair[0] for pair in names)
