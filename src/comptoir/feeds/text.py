"""The product text a feed shows, in the feed's language: one function, so that translated product text (a table of
translations per product and language) plugs in here and every feed follows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeedText:
    title: str
    description: str


def feed_text(product, language: str) -> FeedText:
    """The title and description of `product` for a feed in `language`. Today: the product's own text (written in
    `product.language`), a variant without a description taking its family's. `product.parent` must be loaded."""
    description = product.description
    if not description.strip() and product.parent_id is not None:
        description = product.parent.description
    return FeedText(title=product.title, description=description)


def feed_category_path(names: list[tuple[str, str]], language: str) -> str:
    """A category path as a feed's product_type ('Home > Kitchen'), from (English, French) names root first."""
    index = 1 if language.startswith("fr") else 0
    return " > ".join(pair[index] or pair[0] for pair in names)
