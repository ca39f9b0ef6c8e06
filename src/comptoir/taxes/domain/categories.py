"""Tax categories of products: which are excise goods. Pure (no Django).

A product's tax category (`catalog.Product.tax_category`, a slug such as `books`, `childrens_clothing`, `foodstuffs`)
says which rate it bears per country: that mapping is data (`VatRate` rows with a `category`, loaded by
`comptoir tax categories-load`). Which categories are **excise goods** is law, not a rate: the goods harmonised by
Council Directive (EU) 2020/262, Art. 1(1) — energy products and electricity (Dir. 2003/96/EC), alcohol and alcoholic
beverages (Dir. 92/83/EEC), manufactured tobacco (Dir. 2011/64/EU). Excise goods are outside the IOSS (Art. 369l
Dir. 2006/112/EC) and the low-value duty relief, and a distance sale of them to a consumer in another Member State owes
the destination's excise duty (Dir. (EU) 2020/262, Art. 44): Comptoir does not collect excise, so the country rules
refuse such a sale (compliance rule `eu_excise_distance_sales`, docs/TAXES.md "Excise goods").
"""

from __future__ import annotations

import re

EXCISE_CATEGORIES = frozenset({"alcohol", "tobacco", "energy_products"})
CATEGORY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def is_excise_category(category: str) -> bool:
    """Whether products of this tax category are excise goods (`alcohol`, `tobacco`, `energy_products`)."""
    return category in EXCISE_CATEGORIES
