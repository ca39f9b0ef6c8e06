"""The operator's exchange rates (offers.conf): parsed once per process, yet always the settings in force."""

from decimal import Decimal

import pytest

from comptoir.offers.conf import offers_settings


def test_the_operators_rates_follow_each_change_of_the_settings(settings):
    # given rates read once
    settings.COMPTOIR = {**settings.COMPTOIR, "EXCHANGE_RATES": {"eur/gbp": "0.85"}}
    first = offers_settings().exchange_rates
    # when the operator changes them, then back
    settings.COMPTOIR = {**settings.COMPTOIR, "EXCHANGE_RATES": {"EUR/GBP": "0.90", "EUR/PLN": Decimal("4.30")}}
    changed = offers_settings().exchange_rates
    settings.COMPTOIR = {**settings.COMPTOIR, "EXCHANGE_RATES": {"eur/gbp": "0.85"}}
    again = offers_settings().exchange_rates
    # then each read gives the rates in force, and a caller changing its copy changes nothing for the next one
    assert first == again == {("EUR", "GBP"): Decimal("0.85")}
    assert changed == {("EUR", "GBP"): Decimal("0.90"), ("EUR", "PLN"): Decimal("4.30")}
    again[("EUR", "USD")] = Decimal(1)
    assert offers_settings().exchange_rates == {("EUR", "GBP"): Decimal("0.85")}


def test_a_float_rate_is_refused_every_time(settings):
    settings.COMPTOIR = {**settings.COMPTOIR, "EXCHANGE_RATES": {"EUR/GBP": 0.85}}
    for _attempt in range(2):
        with pytest.raises(TypeError):
            offers_settings()
