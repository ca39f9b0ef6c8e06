"""The demo categories' places in Google's product taxonomy (ids from taxonomy-with-ids.en-US.txt, 2021-09-21), so
that the demo's Google feeds carry google_product_category. Subcategories not listed take their parent's."""

from __future__ import annotations

GOOGLE_CATEGORY_IDS = {
    "electronics": 222,
    "audio": 223,
    "computers": 278,
    "phones": 267,
    "photo": 141,
    "fashion": 166,
    "shoes": 187,
    "home": 536,
    "kitchen": 638,
    "furniture": 436,
    "bedding": 569,
    "lighting": 594,
    "garden": 689,
    "plants": 985,
    "sports": 988,
    "cycling": 1025,
    "fitness": 990,
    "books": 784,
    "toys": 1239,
    "building": 1254,
    "board-games": 1246,
    "dolls-figures": 1255,
    "outdoor-toys": 1249,
    "beauty": 473,
    "skincare": 567,
    "fragrance": 479,
    "hair": 486,
    "makeup": 477,
    "diy": 632,
    "power-tools": 1167,
    "hand-tools": 1167,
    "electrical": 127,
}
