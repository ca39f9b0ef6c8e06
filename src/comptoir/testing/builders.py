"""Builders of valid marketplace objects through the real services (tests, demo, benchmarks).

Each builder takes only what a test cares about; everything else gets a valid default."""

from __future__ import annotations

import itertools
from typing import Any

from comptoir.accounts.models import User
from comptoir.catalog.models import Category
from comptoir.catalog.services import category_create, product_create
from comptoir.offers.services import offer_create, shipping_profile_create
from comptoir.sellers.domain.trader import TraderInformation
from comptoir.sellers.services import seller_onboard, seller_verify

_sequence = itertools.count(1)

# Valid, checksum-correct identifiers per country (VAT ID, IBAN), from public examples.
COUNTRY_IDENTIFIERS = {
    "FR": ("FR40303265045", "FR1420041010050500013M02606"),
    "DE": ("DE136695976", "DE89370400440532013000"),
    "IT": ("IT00743110157", "IT60X0542811101000000123456"),
    "ES": ("ESA28015865", "ES9121000418450200051332"),
    "BE": ("BE0403019261", "BE71096123456769"),
    "NL": ("NL004495445B01", "NL91ABNA0417164300"),
    "PL": ("PL5260250274", "PL61109010140000071219812874"),
    "PT": ("PT501964843", "PT50000201231234567890154"),
}


def trader_information(country: str = "FR", **overrides) -> TraderInformation:
    vat_id, iban = COUNTRY_IDENTIFIERS[country]
    values: dict[str, Any] = dict(
        legal_name="Atelier Test SARL",
        street="12 rue de la Paix",
        postal_code="75002",
        city="Paris",
        country=country,
        phone="+33 1 23 45 67 89",
        email="contact@atelier.example",
        trade_register="RCS Paris",
        trade_register_number="123 456 789",
        vat_id=vat_id,
        iban=iban,
        self_certified=True,
    )
    values.update(overrides)
    return TraderInformation(**values)


def make_user(email: str | None = None, password: str = "correct-horse-battery", **extra) -> User:
    email = email or f"user{next(_sequence)}@example.com"
    return User.objects.create_user(email=email, password=password, **extra)


def make_operator(email: str | None = None) -> User:
    return make_user(
        email or f"operator{next(_sequence)}@example.com", is_staff=True, is_operator=True, is_superuser=True
    )


def make_seller(
    name: str | None = None,
    *,
    country: str = "FR",
    owner: User | None = None,
    verified: bool = True,
    commission_rate_bp: int | None = None,
):
    owner = owner or make_user()
    seller = seller_onboard(owner=owner, name=name or f"Shop {next(_sequence)}", trader=trader_information(country))
    if verified:
        seller = seller_verify(seller_id=seller.pk, actor=make_operator())
    if commission_rate_bp is not None:
        seller.commission_rate_bp = commission_rate_bp
        seller.save(update_fields=["commission_rate_bp"])
    return seller


def make_shipping_profile(
    seller,
    *,
    currency: str = "EUR",
    first_item_amount: int = 490,
    additional_item_amount: int = 100,
    countries=("*",),
    express: bool = True,
):
    rates = [
        dict(
            zone_name="Everywhere",
            countries=list(countries),
            service_level="standard",
            carrier="La Poste",
            currency=currency,
            first_item_amount=first_item_amount,
            additional_item_amount=additional_item_amount,
            transit_days_min=2,
            transit_days_max=4,
        )
    ]
    if express:
        rates.append(
            dict(
                zone_name="Everywhere",
                countries=list(countries),
                service_level="express",
                carrier="DHL Express",
                currency=currency,
                first_item_amount=first_item_amount * 3,
                additional_item_amount=additional_item_amount,
                transit_days_min=1,
                transit_days_max=2,
            )
        )
    return shipping_profile_create(seller=seller, actor=None, name="Standard", rates=rates)


def make_category(
    name: str | None = None, *, parent: Category | None = None, commission_rate_bp: int | None = None
) -> Category:
    name = name or f"Category {next(_sequence)}"
    return category_create(
        name_en=name, name_fr=name, parent=parent, slug=f"cat-{next(_sequence)}", commission_rate_bp=commission_rate_bp
    )


def make_product(title: str | None = None, *, category: Category | None = None, gtin: str | None = None, **extra):
    category = category or make_category()
    return product_create(title=title or f"Product {next(_sequence)}", category_id=category.pk, gtin=gtin, **extra)


def make_offer(
    *,
    seller=None,
    product=None,
    price_amount: int = 1999,
    currency: str = "EUR",
    stock: int = 10,
    shipping_profile=None,
    **extra,
):
    seller = seller or make_seller()
    product = product or make_product()
    profile = shipping_profile or make_shipping_profile(seller, currency=currency)
    return offer_create(
        seller=seller,
        actor=None,
        product_id=product.pk,
        sku=extra.pop("sku", f"SKU-{next(_sequence)}"),
        price_amount=price_amount,
        currency=currency,
        stock=stock,
        shipping_profile_id=profile.pk,
        **extra,
    )


ADDRESS = {
    "name": "Marie Curie",
    "street": "1 place du Panthéon",
    "postal_code": "75005",
    "city": "Paris",
    "country": "FR",
}
CARD_OK = {"card_number": "4242 4242 4242 4242"}
CARD_DECLINED = {"card_number": "4000 0000 0000 0002"}
CARD_REVIEW = {"card_number": "4000 0000 0000 9235"}


def make_seller_established_in(country: str, name: str | None = None):
    """A verified seller established in `country`, which may be outside the EU (the test trader identifiers cover EU
    traders only: the seller is onboarded in FR, then moved)."""
    from comptoir.sellers.models import Seller

    seller = make_seller(name, country="FR")
    Seller.objects.filter(pk=seller.pk).update(country=country)
    seller.refresh_from_db()
    return seller


def make_vat_rates(rates_bp: dict[str, int], *, imported_at, valid_from=None, tax_class: str = "standard") -> None:
    """One VAT rate per country (basis points, e.g. {"IT": 2200}) in force from `valid_from` (1 January 2026 unless
    told), as an import on `imported_at` would leave it."""
    import datetime as dt

    from comptoir.taxes.models import VatRate

    for country, rate_bp in rates_bp.items():
        VatRate.objects.create(
            country=country,
            tax_class=tax_class,
            rate_bp=rate_bp,
            valid_from=valid_from or dt.date(2026, 1, 1),
            source="test",
            imported_at=imported_at,
        )
