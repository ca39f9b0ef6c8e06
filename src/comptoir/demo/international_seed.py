"""Sellers from outside the euro area, each pricing in its own currency (issue 12, "Show it").

Played once the order history and the ECB rates are in (docs/CURRENCIES.md), before the country rules, the VAT rates
and the search index, which then treat these sellers like any other:

- the Polish shops of the history switch to złoty: their offers and shipping rates are converted at the ECB rate of
  the demo's last day and rounded to shop prices (their past orders stay in euros, as they were placed);
- five shops join in the last weeks, through onboarding and verification: Czech (CZK), Swedish (SEK), Swiss (CHF),
  British (GBP) and American (USD), with trader information whose VAT numbers pass python-stdnum's check digits
  (the American gives its EIN), shipping rates and offers in their currency, on products other sellers already offer
  (so the product page compares them, converted, with the rate's date);
- the Czech and Swedish shops declare that they charge the destination's VAT through OSS (`SellerTaxProfile`); the
  Swiss, British and American ones get an EU responsible person from the country rules' seeding (GPSR) and sell to
  EU, British and Swiss buyers under the import rules of docs/TAXES.md (the marketplace collects VAT on low-value
  parcels, the buyer is warned of import charges above the thresholds).

Bulk inserts for offers, as in `offers_seed`, each row checked by `offer_errors`."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import slugify

from comptoir.accounts.models import User
from comptoir.catalog.models import Product
from comptoir.core import clock
from comptoir.core.money import Money
from comptoir.currencies.selectors import ReferenceRates
from comptoir.demo.catalog_seed import SeededCategory
from comptoir.demo.data.catalog import Leaf
from comptoir.demo.data.people import COUNTRIES, EU_COUNTRIES
from comptoir.demo.marketplace_seed import (
    _CONDITION_NOTES,
    DemoSeller,
    Supply,
    _ascii,
    _trader,
    offer_errors,
)
from comptoir.offers.models import FulfilmentMethod, Offer, ShippingRate
from comptoir.offers.services import shipping_profile_create
from comptoir.sellers.services import seller_onboard, seller_verify
from comptoir.taxes.services import seller_tax_profile_set

# (shop name, country, currency, departments, OSS registration when the shop charges the destination's VAT)
INTERNATIONAL_SHOPS: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    ("Sklo a Porcelán Praha", "CZ", "CZK", ("home",), "CZ OSS (union scheme)"),
    ("Nordisk Friluft", "SE", "SEK", ("sports", "garden"), "SE OSS (union scheme)"),
    ("Alpenklang Zürich", "CH", "CHF", ("electronics",), ""),
    ("Camden Kitchen & Books", "GB", "GBP", ("home", "books"), ""),
    ("Portland Trail Supply", "US", "USD", ("sports", "fashion"), ""),
)
# The currency each seller country prices in (the euro area's shops keep the euro).
HOME_CURRENCIES = {"PL": "PLN", "CZ": "CZK", "SE": "SEK", "CH": "CHF", "GB": "GBP", "US": "USD"}
# Units of each currency per euro when no ECB table covers the demo's last day (never with the bundled history).
FALLBACK_RATES = {
    "PLN": Decimal("4.25"),
    "CZK": Decimal("24.5"),
    "SEK": Decimal("11.2"),
    "CHF": Decimal("0.93"),
    "GBP": Decimal("0.85"),
    "USD": Decimal("1.08"),
}
JOINED_DAYS_BEFORE_END = (40, 22)


@dataclass(frozen=True)
class InternationalReport:
    sellers: int
    offers: int
    repriced_offers: int
    currencies: tuple[str, ...]


class _Converter:
    """EUR amounts into a seller's currency: the ECB rate of the day, then a shop price (never a computed 23.17)."""

    def __init__(self, day: dt.date) -> None:
        self.rates = ReferenceRates(day)

    def minor(self, amount_minor: int, currency: str) -> int:
        converted = self.rates.convert(Money(amount_minor, "EUR"), currency)
        exact = (
            converted.amount
            if converted is not None
            else int((Decimal(amount_minor) * FALLBACK_RATES[currency]).to_integral_value())
        )
        return shop_price(exact)

    def shipping(self, amount_minor: int, currency: str) -> int:
        return 0 if amount_minor == 0 else self.minor(amount_minor, currency)


def shop_price(minor: int) -> int:
    """A converted amount (minor units of a two-decimal currency) as a shop would price it: 7.49, 24.90, 119.00,
    1,249.00. Integers only, half-up where a whole number is rounded."""
    major, cents = divmod(max(minor, 1), 100)
    if major < 10:
        return max(99, major * 100 + (49 if cents < 50 else 99))
    if major < 100:
        return major * 100 + 90
    if major < 1000:
        return (major + (cents >= 50)) * 100
    return ((minor + 500) // 1000) * 1000 - 100


def _shipping_rates(rng: random.Random, country: str, currency: str, convert: _Converter) -> list[dict]:
    carriers = COUNTRIES[country].carriers
    eu_zone = [code for code in EU_COUNTRIES if code != country]

    def rate(zone, countries, level, carrier, first_eur, additional_eur, days):
        return dict(
            zone_name=zone,
            countries=countries,
            service_level=level,
            carrier=carrier,
            currency=currency,
            first_item_amount=convert.shipping(first_eur, currency),
            additional_item_amount=convert.shipping(additional_eur, currency),
            transit_days_min=days[0],
            transit_days_max=days[1],
        )

    return [
        rate("Domestic", [country], "standard", rng.choice(carriers), rng.choice([390, 490, 590]), 100, (2, 4)),
        rate("Domestic", [country], "express", "DHL Express", rng.choice([1290, 1490]), 200, (1, 2)),
        rate("European Union", eu_zone, "standard", rng.choice(["DHL", "UPS"]), rng.choice([990, 1290]), 250, (3, 8)),
        rate("European Union", eu_zone, "express", "DHL Express", rng.choice([2490, 2990]), 300, (2, 3)),
        rate("Rest of the world", ["*"], "standard", "UPS", rng.choice([1990, 2490]), 500, (5, 12)),
        rate("Rest of the world", ["*"], "express", "DHL Express", rng.choice([4490, 5490]), 800, (3, 5)),
    ]


def _reprice_polish_sellers(sellers: list[DemoSeller], convert: _Converter) -> int:
    """The history's Polish shops switch to złoty: offers and shipping rates converted, in place."""
    repriced: list[Offer] = []
    for demo_seller in sellers:
        currency = HOME_CURRENCIES.get(demo_seller.seller.country)
        if currency is None or demo_seller.verified_at is None:
            continue
        rates = list(ShippingRate.objects.filter(profile__seller=demo_seller.seller, currency="EUR"))
        for shipping_rate in rates:
            shipping_rate.currency = currency
            shipping_rate.first_item_amount = convert.shipping(shipping_rate.first_item_amount, currency)
            shipping_rate.additional_item_amount = convert.shipping(shipping_rate.additional_item_amount, currency)
        ShippingRate.objects.bulk_update(rates, ["currency", "first_item_amount", "additional_item_amount"])
        for offer in Offer.objects.filter(seller=demo_seller.seller, currency="EUR").only("pk", "price_amount"):
            offer.price_amount = convert.minor(offer.price_amount, currency)
            offer.currency = currency
            repriced.append(offer)
    Offer.objects.bulk_update(repriced, ["price_amount", "currency"], batch_size=500)
    return len(repriced)


def international_sellers_seed(
    *,
    rng: random.Random,
    operator: User,
    password_hash: str,
    sellers: list[DemoSeller],
    supply: Supply,
    products: list[Product],
    categories: dict[str, SeededCategory],
    end: dt.datetime,
) -> InternationalReport:
    convert = _Converter(end.date())
    repriced = _reprice_polish_sellers(sellers, convert)
    leaf_by_category_id: dict[int, tuple[str, Leaf]] = {
        entry.category.pk: (entry.department.slug, entry.leaf) for entry in categories.values() if entry.leaf
    }
    offered = [product for product in products if supply.offers_by_product.get(product.pk)]
    per_seller = max(6, len(products) // 40)
    new_offers: list[Offer] = []
    profile_seller_ids: dict[int, int] = {}
    for shop_name, country, currency, departments, oss_registration in INTERNATIONAL_SHOPS:
        profile = COUNTRIES[country]
        first, last = rng.choice(profile.first_names), rng.choice(profile.last_names)
        onboarded_at = (end - dt.timedelta(days=rng.randint(*reversed(JOINED_DAYS_BEFORE_END)))).replace(
            hour=rng.randint(8, 18), minute=rng.randint(0, 59)
        )
        owner = User.objects.create(
            email=f"{_ascii(first)}.{_ascii(last)}@{slugify(shop_name)}.example",
            password=password_hash,
            full_name=f"{first} {last}",
            preferred_language="en",
            country=country,
            date_joined=onboarded_at - dt.timedelta(minutes=30),
        )
        with clock.frozen_at(onboarded_at):
            seller = seller_onboard(
                owner=owner, name=shop_name, trader=_trader(rng, shop_name, country, f"{first} {last}")
            )
        verified_at = onboarded_at + dt.timedelta(days=1, hours=rng.randint(0, 6))
        with clock.frozen_at(verified_at):
            seller = seller_verify(
                seller_id=seller.pk, actor=operator, reason="Trader information and registration numbers checked."
            )
            standard = shipping_profile_create(
                seller=seller,
                actor=owner,
                name="Standard parcels",
                rates=_shipping_rates(rng, country, currency, convert),
            )
            if oss_registration:
                seller_tax_profile_set(
                    seller_id=seller.pk,
                    charges_destination_vat=True,
                    oss_registration=oss_registration,
                    actor=operator,
                )
        profile_seller_ids[standard.pk] = seller.pk
        candidates = [
            product
            for product in offered
            if leaf_by_category_id[product.category_id][0] in departments
            and not leaf_by_category_id[product.category_id][1].bulky
        ]
        prefix = "".join(word[0] for word in shop_name.split() if word[0].isalnum()).upper()[:4]
        for number, product in enumerate(sorted(rng.sample(candidates, min(per_seller, len(candidates))), key=_pk)):
            cheapest = min(offer.price_amount for offer in supply.offers_by_product[product.pk])
            condition = "new" if rng.random() < 0.85 else "refurbished"
            leaf = leaf_by_category_id[product.category_id][1]
            if condition not in leaf.conditions:
                condition = "new"
            offer = Offer(
                seller=seller,
                product=product,
                sku=f"{prefix}-{number + 1:05d}",
                price_amount=convert.minor(round(cheapest * rng.uniform(0.9, 1.12)), currency),
                currency=currency,
                stock=rng.randint(4, 80),
                condition=condition,
                condition_note=_CONDITION_NOTES[condition][0] if condition in _CONDITION_NOTES else "",
                handling_days=rng.choice([1, 2]),
                ships_from_country=country,
                fulfilment_method=FulfilmentMethod.MERCHANT,
                shipping_profile_id=standard.pk,
                return_policy_days=30,
                is_active=True,
                created_at=verified_at + dt.timedelta(hours=rng.randint(2, 48)),
            )
            problems = offer_errors(offer, profile_seller_ids=profile_seller_ids)
            if problems:
                raise ValueError(f"invalid demo offer {offer.sku}: {problems}")
            new_offers.append(offer)
    Offer.objects.bulk_create(new_offers, batch_size=500)
    return InternationalReport(
        sellers=len(INTERNATIONAL_SHOPS),
        offers=len(new_offers),
        repriced_offers=repriced,
        currencies=tuple(sorted({currency for _n, _c, currency, _d, _o in INTERNATIONAL_SHOPS} | {"PLN"})),
    )


def _pk(product: Product) -> int:
    return product.pk
