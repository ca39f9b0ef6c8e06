"""`comptoir search query TEXT` (issue 10, item 23): results name the products, not only their ids."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_search_query_prints_the_product_names_with_their_ids(shop):
    output = io.StringIO()
    call_command("search", "query", "speaker", stdout=output)
    text = output.getvalue()
    speaker = shop.products["speaker"]
    assert f"#{speaker.pk}  {speaker.title}" in text
    assert ("score" in text and "EUR" in text) or "€" in text
