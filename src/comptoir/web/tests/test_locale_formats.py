"""Dates and times in the reader's regional format (issue 10, item 16): en-GB reads 08/12/2026 17:17, en-US 12/8/26
5:17 PM, French 08/12/2026 17:17; every page uses the same Babel filters, never Django's American `date` formats."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from comptoir.core import clock
from comptoir.web import locale_formats
from comptoir.web.locale_formats import format_local_date, format_local_datetime, format_local_time, locale_for

MOMENT = dt.datetime(2026, 12, 8, 17, 17, tzinfo=dt.UTC)
WEB_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("language", "header", "expected"),
    [
        ("en", "en-GB,en;q=0.9", "en_GB"),
        ("en", "en-US,en;q=0.9", "en_US"),
        ("en", "fr-FR,fr;q=0.9,en-GB;q=0.8", "en_GB"),  # the first tag of the active language with a region
        ("en", "en", "en"),
        ("en", "", "en"),
        ("fr", "en-GB,fr-CA;q=0.5", "fr_CA"),
        ("fr", "en-GB", "fr"),
        ("en", "en-XX,en-IE", "en_IE"),  # a region Babel does not know is passed over
        ("fr-be", "", "fr"),
    ],
)
def test_the_formatting_locale_is_the_active_language_in_the_browsers_region(language, header, expected):
    assert locale_for(language, header) == expected


@pytest.mark.parametrize(
    ("locale", "date_short", "date_medium", "time", "datetime_short", "datetime_medium"),
    [
        ("en_GB", "08/12/2026", "8 Dec 2026", "17:17", "08/12/2026, 17:17", "8 Dec 2026, 17:17"),
        ("en_US", "12/8/26", "Dec 8, 2026", "5:17\u202fPM", "12/8/26, 5:17\u202fPM", "Dec 8, 2026, 5:17\u202fPM"),
        ("fr", "08/12/2026", "8 déc. 2026", "17:17", "08/12/2026 17:17", "8 déc. 2026, 17:17"),
    ],
)
def test_formats_per_locale(locale, date_short, date_medium, time, datetime_short, datetime_medium):
    token = locale_formats._request_locale.set(locale_formats._RequestLocale(locale, ""))
    try:
        assert format_local_date(MOMENT) == date_short
        assert format_local_date(MOMENT.date(), "medium") == date_medium
        assert format_local_time(MOMENT) == time
        assert format_local_datetime(MOMENT) == datetime_short
        assert format_local_datetime(MOMENT, "medium") == datetime_medium
        assert format_local_datetime(MOMENT.date()) == date_short  # a plain date has no time to show
        assert format_local_date(None) == format_local_datetime(None) == format_local_time(None) == ""
    finally:
        locale_formats._request_locale.reset(token)


def test_outside_a_request_the_active_language_decides():
    with translation.override("fr"):
        rendered = Template('{% load comptoir %}{{ moment|local_date:"yMMMM" }} · {{ moment|local_datetime }}').render(
            Context({"moment": MOMENT})
        )
    assert rendered == "décembre 2026 · 08/12/2026 17:17"


@pytest.mark.django_db
def test_the_buyers_order_page_writes_dates_as_the_browsers_region_does(client):
    from comptoir.search.tests.support import committed
    from comptoir.web.storefront.tests.seed import seed_shop
    from comptoir.web.storefront.tests.test_views_account import place_order

    with committed():
        shop = seed_shop()
    with clock.frozen_at(MOMENT):
        order = place_order(shop)
    client.force_login(shop.buyer)

    british = client.get(f"/account/orders/{order.number}", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    american = client.get(f"/account/orders/{order.number}", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    french = client.get(f"/account/orders/{order.number}", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    french = french.content.decode()

    assert "Placed on 8 Dec 2026, 17:17" in british and "08/12/2026, 17:17" in british
    assert "12/08/2026" not in british and "p.m." not in british
    assert "Placed on Dec 8, 2026, 5:17\u202fPM" in american and "12/8/26, 5:17\u202fPM" in american
    assert "8 déc. 2026, 17:17" in french and "08/12/2026 17:17" in french


def test_no_template_formats_a_date_with_djangos_date_or_time_filter():
    """Django's English formats are American whatever the reader's region: pages use local_date, local_datetime and
    local_time. The ISO form of a <time datetime="..."> attribute (|date:'c') is machine-readable and allowed."""
    offenders = []
    for template in sorted(WEB_ROOT.rglob("templates/**/*.html")):
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            for match in re.finditer(r"\|\s*(date|time)\b(:\s*(['\"])(.*?)\3)?", line):
                if match.group(1) == "date" and match.group(4) == "c":
                    continue
                offenders.append(f"{template.relative_to(WEB_ROOT)}:{number}: {match.group(0)}")
    assert offenders == []
