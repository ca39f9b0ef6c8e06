"""Which rate a product bears in a country (domain.rates.rates_by_country): its tax category's there, else its class's,
else the standard rate; category rows are effective-dated and never taken for a class's rate. Excise categories."""

import datetime as dt

import pytest

from comptoir.taxes.domain.categories import is_excise_category
from comptoir.taxes.domain.rates import DatedRate, NoRate, TaxClass, category_rate_on, rate_on, rates_by_country

DAY = dt.date(2026, 9, 1)


def rate(country, tax_class, rate_bp, *, category="", valid_from=dt.date(2020, 1, 1), valid_to=None):
    return DatedRate(country, TaxClass(tax_class), rate_bp, valid_from, valid_to, "test", category)


RATES = [
    rate("FR", "standard", 2000),
    rate("DE", "standard", 1900),
    rate("IT", "standard", 2200),
    rate("GB", "standard", 2000),
    rate("FR", "reduced", 1000),  # a class rate the operator entered (restaurants, say)
    rate("FR", "reduced", 550, category="books"),
    rate("DE", "reduced", 700, category="books"),
    rate("IT", "super_reduced", 400, category="books"),
    rate("GB", "zero", 0, category="childrens_clothing"),
    rate("SE", "standard", 2500),
    rate("SE", "reduced", 1200, category="foodstuffs", valid_to=dt.date(2026, 3, 31)),
    rate("SE", "reduced", 600, category="foodstuffs", valid_from=dt.date(2026, 4, 1), valid_to=dt.date(2027, 12, 31)),
]


def test_a_book_bears_each_countrys_book_rate():
    found = rates_by_country(RATES, tax_class="standard", countries={"FR", "DE", "IT", "GB"}, day=DAY, category="books")
    # GB has no book row here: the product's class (standard) applies.
    assert found == {"FR": 550, "DE": 700, "IT": 400, "GB": 2000}


def test_without_a_category_row_the_class_then_the_standard_rate_applies():
    found = rates_by_country(RATES, tax_class="reduced", countries={"FR", "DE"}, day=DAY, category="toys")
    assert found == {"FR": 1000, "DE": 1900}


def test_a_zero_rated_category_is_zero_where_its_row_says_so_only():
    found = rates_by_country(
        RATES, tax_class="standard", countries={"GB", "FR"}, day=DAY, category="childrens_clothing"
    )
    assert found == {"GB": 0, "FR": 2000}


def test_category_rows_follow_their_dates():
    def food_in_sweden(day):
        return rates_by_country(RATES, tax_class="standard", countries={"SE"}, day=day, category="foodstuffs")["SE"]

    assert food_in_sweden(dt.date(2026, 3, 31)) == 1200
    assert food_in_sweden(dt.date(2026, 4, 1)) == 600
    assert food_in_sweden(dt.date(2028, 1, 1)) == 2500  # the temporary rate lapsed: back to the class's rate


def test_a_category_row_is_never_taken_for_a_class_rate():
    with pytest.raises(NoRate):
        rate_on(RATES, country="DE", tax_class=TaxClass.REDUCED, day=DAY)  # only the books row says 7 %
    assert rates_by_country(RATES, tax_class="reduced", countries={"DE", "IT"}, day=DAY) == {"DE": 1900, "IT": 2200}
    assert rate_on(RATES, country="FR", tax_class=TaxClass.REDUCED, day=DAY).rate_bp == 1000
    assert category_rate_on(RATES, country="FR", category="", day=DAY) is None
    assert category_rate_on(RATES, country="FR", category="books", day=DAY).rate_bp == 550


def test_alcohol_tobacco_and_energy_products_are_excise_goods():
    assert all(is_excise_category(name) for name in ("alcohol", "tobacco", "energy_products"))
    assert not any(is_excise_category(name) for name in ("books", "foodstuffs", ""))
