"""Seeding the demo's people and supply: the operator, buyers, sellers (through onboarding and
verification services), their shipping profiles (service) and offers (bulk, validated like `offer_create`)."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from comptoir.accounts.models import User
from comptoir.catalog.models import Product
from comptoir.core import clock
from comptoir.core.money import currency_exponent
from comptoir.core.services import audit_record
from comptoir.demo.catalog_seed import SeededCategory
from comptoir.demo.data.catalog import Leaf
from comptoir.demo.data.people import BUYER_COUNTRY_WEIGHTS, COUNTRIES, EU_COUNTRIES, SELLER_COUNTRIES, CountryProfile
from comptoir.demo.data.shops import SHOPS
from comptoir.demo.identifiers import iban_for, vat_id
from comptoir.offers.conf import offers_settings
from comptoir.offers.models import Condition, FulfilmentMethod, Offer
from comptoir.offers.services import MAX_HANDLING_DAYS, MAX_STOCK, shipping_profile_create
from comptoir.sellers.domain.trader import TraderInformation, normalise_country
from comptoir.sellers.models import Seller
from comptoir.sellers.services import seller_onboard, seller_reject, seller_verify
from comptoir.trust.services import measure_take

DEMO_PASSWORD = "comptoir-demo"
OPERATOR_EMAIL = "operator@comptoir.example"
DEMO_BUYER_EMAIL = "buyer@comptoir.example"
DEMO_SELLER_EMAIL = "seller@comptoir.example"
CURRENCY = "EUR"


@dataclass
class DemoBuyer:
    user: User
    country: str
    address: dict
    joined_at: dt.datetime
    activity: float


@dataclass
class DemoSeller:
    seller: Seller
    owner: User
    departments: tuple[str, ...]
    behaviour: str  # "reliable", "late" (ships after the promised date) or "cancelling" (often out of stock)
    verified_at: dt.datetime | None
    suspended_at: dt.datetime | None = None
    standard_profile_id: int | None = None
    bulky_profile_id: int | None = None
    sku_prefix: str = ""

    def is_selling_at(self, moment: dt.datetime) -> bool:
        return (
            self.verified_at is not None
            and self.verified_at <= moment
            and (self.suspended_at is None or moment < self.suspended_at)
        )


@dataclass
class DemoOffer:
    offer_id: int
    seller: DemoSeller
    product_id: int
    price_amount: int
    stock: int  # a mirror of the database stock, decremented as the history takes units
    created_at: dt.datetime
    is_active: bool
    is_bulky: bool


@dataclass
class Supply:
    offers_by_product: dict[int, list[DemoOffer]] = field(default_factory=dict)


def _ascii(text: str) -> str:
    return (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "").replace("'", "")
    )


def _fill(pattern: str, rng: random.Random, **values) -> str:
    text = pattern.format(**values, d="{d}", n="{n}") if values else pattern
    while "{d}" in text:
        text = text.replace("{d}", str(rng.randint(0, 9)), 1)
    return text.replace("{n}", str(rng.randint(1, 180)))


def _address(profile: CountryProfile, rng: random.Random, name: str) -> dict:
    city, postal_code = rng.choice(profile.cities)
    return {
        "name": name,
        "street": _fill(rng.choice(profile.streets), rng),
        "postal_code": postal_code,
        "city": city,
        "country": profile.code,
    }


def operator_create(*, password_hash: str, joined_at: dt.datetime) -> User:
    return User.objects.create(
        email=OPERATOR_EMAIL,
        password=password_hash,
        full_name="Océane Operator",
        preferred_language="fr",
        country="FR",
        is_staff=True,
        is_superuser=True,
        is_operator=True,
        date_joined=joined_at,
    )


def password_hash_for_demo() -> str:
    # One hash for every demo account: hashing hundreds of passwords with Argon2 would cost most of the time budget.
    return make_password(DEMO_PASSWORD)


def buyers_seed(
    *, rng: random.Random, count: int, password_hash: str, joined_from: dt.datetime, joined_days: int
) -> list[DemoBuyer]:
    countries = list(BUYER_COUNTRY_WEIGHTS)
    weights = [BUYER_COUNTRY_WEIGHTS[code] for code in countries]
    rows: list[tuple[User, str, dict, float]] = []
    used_emails: set[str] = set()
    for index in range(count):
        country = "FR" if index == 0 else rng.choices(countries, weights)[0]
        profile = COUNTRIES[country]
        first, last = rng.choice(profile.first_names), rng.choice(profile.last_names)
        email = (
            DEMO_BUYER_EMAIL
            if index == 0
            else f"{_ascii(first)}.{_ascii(last)}@{rng.choice(['mail', 'post', 'inbox', 'webmail'])}.example"
        )
        suffix = 2
        while email in used_emails:
            local, domain = email.split("@")
            email = f"{local.rstrip('0123456789')}{suffix}@{domain}"
            suffix += 1
        used_emails.add(email)
        joined_at = joined_from + dt.timedelta(minutes=rng.randrange(joined_days * 24 * 60))
        if index == 0:
            joined_at = joined_from
        user = User(
            email=email,
            password=password_hash,
            full_name=f"{first} {last}",
            preferred_language=profile.language if profile.language in ("fr", "en") else "en",
            country=country,
            date_joined=joined_at,
        )
        activity = 6.0 if index == 0 else rng.paretovariate(1.5)
        rows.append((user, country, _address(profile, rng, f"{first} {last}"), activity))
    users = User.objects.bulk_create([row[0] for row in rows], batch_size=500)
    return sorted(
        (
            DemoBuyer(user, country, address, user.date_joined, activity)
            for user, (_u, country, address, activity) in zip(users, rows, strict=True)
        ),
        key=lambda buyer: (buyer.joined_at, buyer.user.email),
    )


def _shops_in_country_rotation() -> list[tuple[str, str, tuple[str, ...]]]:
    """Shops ordered so that any first n of them spread over as many countries as possible."""
    by_country: dict[str, list] = {
        country: [shop for shop in SHOPS if shop[1] == country] for country in SELLER_COUNTRIES
    }
    ordered = []
    while any(by_country.values()):
        for country in SELLER_COUNTRIES:
            if by_country[country]:
                ordered.append(by_country[country].pop(0))
    return ordered


def _trader(rng: random.Random, shop_name: str, country: str, owner_name: str) -> TraderInformation:
    profile = COUNTRIES[country]
    city, postal_code = rng.choice(profile.cities)
    return TraderInformation(
        legal_name=f"{shop_name} {rng.choice(profile.legal_forms)}",
        street=_fill(rng.choice(profile.streets), rng),
        postal_code=postal_code,
        city=city,
        country=country,
        phone=_fill(profile.phone, rng),
        email=f"contact@{slugify(shop_name)}.example",
        trade_register=profile.trade_register.format(city=city),
        trade_register_number=_fill(profile.trade_register_number, rng),
        vat_id=vat_id(country, rng),
        iban=iban_for(country, rng),
        self_certified=True,
    )


def _eur(major: float) -> int:
    return round(major * 10 ** currency_exponent(CURRENCY))


def _shipping_rates(rng: random.Random, country: str, *, bulky: bool) -> list[dict]:
    carriers = COUNTRIES[country].carriers
    domestic_carrier = rng.choice(carriers)
    eu_others = [code for code in EU_COUNTRIES if code != country]
    if bulky:
        return [
            dict(
                zone_name="Domestic",
                countries=[country],
                service_level="standard",
                carrier=domestic_carrier,
                currency=CURRENCY,
                first_item_amount=_eur(rng.choice([29.0, 39.0, 49.0])),
                additional_item_amount=_eur(rng.choice([10.0, 15.0])),
                transit_days_min=3,
                transit_days_max=6,
            ),
            dict(
                zone_name="Domestic",
                countries=[country],
                service_level="express",
                carrier="DHL Express",
                currency=CURRENCY,
                first_item_amount=_eur(rng.choice([69.0, 79.0])),
                additional_item_amount=_eur(20.0),
                transit_days_min=2,
                transit_days_max=3,
            ),
            dict(
                zone_name="European Union",
                countries=eu_others,
                service_level="standard",
                carrier="DHL",
                currency=CURRENCY,
                first_item_amount=_eur(rng.choice([59.0, 79.0])),
                additional_item_amount=_eur(20.0),
                transit_days_min=5,
                transit_days_max=9,
            ),
            dict(
                zone_name="European Union",
                countries=eu_others,
                service_level="express",
                carrier="DHL Express",
                currency=CURRENCY,
                first_item_amount=_eur(rng.choice([119.0, 149.0])),
                additional_item_amount=_eur(30.0),
                transit_days_min=3,
                transit_days_max=5,
            ),
        ]
    return [
        dict(
            zone_name="Domestic",
            countries=[country],
            service_level="standard",
            carrier=domestic_carrier,
            currency=CURRENCY,
            first_item_amount=_eur(rng.choice([3.9, 4.9, 5.9, 6.9])),
            additional_item_amount=_eur(rng.choice([0.0, 1.0, 1.5])),
            transit_days_min=2,
            transit_days_max=4,
        ),
        dict(
            zone_name="Domestic",
            countries=[country],
            service_level="express",
            carrier="DHL Express",
            currency=CURRENCY,
            first_item_amount=_eur(rng.choice([9.9, 12.9, 14.9])),
            additional_item_amount=_eur(2.0),
            transit_days_min=1,
            transit_days_max=2,
        ),
        dict(
            zone_name="European Union",
            countries=eu_others,
            service_level="standard",
            carrier=rng.choice(["DHL", "GLS", "DPD"]),
            currency=CURRENCY,
            first_item_amount=_eur(rng.choice([8.9, 9.9, 12.9])),
            additional_item_amount=_eur(rng.choice([1.5, 2.5])),
            transit_days_min=3,
            transit_days_max=7,
        ),
        dict(
            zone_name="European Union",
            countries=eu_others,
            service_level="express",
            carrier="DHL Express",
            currency=CURRENCY,
            first_item_amount=_eur(rng.choice([19.9, 24.9, 29.9])),
            additional_item_amount=_eur(3.0),
            transit_days_min=2,
            transit_days_max=3,
        ),
        dict(
            zone_name="Rest of the world",
            countries=["*"],
            service_level="standard",
            carrier="UPS",
            currency=CURRENCY,
            first_item_amount=_eur(rng.choice([19.9, 24.9, 29.9])),
            additional_item_amount=_eur(5.0),
            transit_days_min=6,
            transit_days_max=14,
        ),
        dict(
            zone_name="Rest of the world",
            countries=["*"],
            service_level="express",
            carrier="DHL Express",
            currency=CURRENCY,
            first_item_amount=_eur(rng.choice([44.9, 54.9])),
            additional_item_amount=_eur(8.0),
            transit_days_min=3,
            transit_days_max=5,
        ),
    ]


BULKY_DEPARTMENTS = {"home", "garden", "sports"}


def sellers_seed(
    *, rng: random.Random, count: int, operator: User, password_hash: str, history_start: dt.datetime, end: dt.datetime
) -> list[DemoSeller]:
    """`count` verified sellers (three of them often late, two often cancelling, one of those suspended
    ten days before the end), then two pending applications and one rejected, all through the services."""
    shops = _shops_in_country_rotation()
    extra = 3  # two pending, one rejected
    if count + extra > len(shops):
        raise ValueError(f"at most {len(shops) - extra} demo sellers")
    late = {2, 7, 12} if count > 12 else {2}
    cancelling = {5, 14} if count > 14 else {min(5, count - 1)}
    demo_sellers: list[DemoSeller] = []
    for index, (shop_name, country, departments) in enumerate(shops[: count + extra]):
        profile = COUNTRIES[country]
        first, last = rng.choice(profile.first_names), rng.choice(profile.last_names)
        email = DEMO_SELLER_EMAIL if index == 0 else f"{_ascii(first)}.{_ascii(last)}@{slugify(shop_name)}.example"
        if index < count:
            # Most sellers joined before the history starts; a few joined during it.
            onboarded_at = (
                history_start - dt.timedelta(days=rng.randint(20, 90))
                if index < count - 4
                else history_start + dt.timedelta(days=rng.randint(20, 110))
            )
        elif index == count + 2:
            onboarded_at = end - dt.timedelta(days=52)
        else:
            onboarded_at = end - dt.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 12))
        onboarded_at = onboarded_at.replace(hour=rng.randint(8, 18), minute=rng.randint(0, 59))
        owner = User.objects.create(
            email=email,
            password=password_hash,
            full_name=f"{first} {last}",
            preferred_language=profile.language if profile.language in ("fr", "en") else "en",
            country=country,
            date_joined=onboarded_at - dt.timedelta(minutes=30),
        )
        with clock.frozen_at(onboarded_at):
            seller = seller_onboard(
                owner=owner, name=shop_name, trader=_trader(rng, shop_name, country, f"{first} {last}")
            )
        behaviour = "late" if index in late else "cancelling" if index in cancelling else "reliable"
        demo_seller = DemoSeller(
            seller,
            owner,
            departments,
            behaviour,
            None,
            sku_prefix="".join(word[0] for word in shop_name.split() if word[0].isalnum()).upper()[:4],
        )
        if index < count:
            verified_at = onboarded_at + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 6))
            with clock.frozen_at(verified_at):
                demo_seller.seller = seller_verify(
                    seller_id=seller.pk, actor=operator, reason="Trader information and VAT number checked."
                )
                demo_seller.verified_at = verified_at
                standard = shipping_profile_create(
                    seller=demo_seller.seller,
                    actor=owner,
                    name="Standard parcels",
                    rates=_shipping_rates(rng, country, bulky=False),
                )
                demo_seller.standard_profile_id = standard.pk
                if BULKY_DEPARTMENTS & set(departments):
                    bulky = shipping_profile_create(
                        seller=demo_seller.seller,
                        actor=owner,
                        name="Bulky items (freight)",
                        rates=_shipping_rates(rng, country, bulky=True),
                    )
                    demo_seller.bulky_profile_id = bulky.pk
                if index in (3, 9):  # two sellers negotiated a lower commission
                    demo_seller.seller.commission_rate_bp = 800
                    demo_seller.seller.save(update_fields=["commission_rate_bp"])
                    audit_record(
                        actor=operator,
                        action="seller.commission_changed",
                        target=demo_seller.seller,
                        seller_id=seller.pk,
                        reason="Volume agreement.",
                        data={"from": None, "to": 800},
                    )
            if index == max(cancelling):
                demo_seller.suspended_at = (end - dt.timedelta(days=10)).replace(hour=11, minute=15)
        elif index == count + 2:
            with clock.frozen_at(onboarded_at + dt.timedelta(days=2)):
                demo_seller.seller = seller_reject(
                    seller_id=seller.pk,
                    actor=operator,
                    reason="The VAT number belongs to another company; please send a Kbis extract.",
                )
        demo_sellers.append(demo_seller)
    return demo_sellers


def seller_suspend_at(demo_seller: DemoSeller, *, operator: User) -> None:
    assert demo_seller.suspended_at is not None  # called for the sellers the plan suspends
    # Through the measures service, like an operator in the console: the seller gets a statement of reasons
    # ("manual decision by the marketplace") it can read and appeal in the seller center.
    with clock.frozen_at(demo_seller.suspended_at):
        measure_take(
            seller_id=demo_seller.seller.pk,
            actor=operator,
            kind="suspension",
            ground="performance",
            reason="Cancellation rate above 15 % over the last 60 days; stock must be kept up to date.",
        )
        demo_seller.seller.refresh_from_db()


# --- Offers ---------------------------------------------------------------------------------------------

_CONDITION_PRICE = {
    "new": (0.94, 1.08),
    "refurbished": (0.72, 0.86),
    "used_like_new": (0.62, 0.78),
    "used_good": (0.45, 0.65),
    "used_acceptable": (0.3, 0.45),
}
_CONDITION_NOTES = {
    "refurbished": ["Refurbished and tested, 12-month warranty.", "Reconditionné et testé, garantie 12 mois."],
    "used_like_new": ["Opened once, complete in its box.", "Ouvert une fois, complet dans sa boîte."],
    "used_good": ["Light signs of wear, works perfectly.", "Légères traces d'usure, fonctionne parfaitement."],
    "used_acceptable": ["Visible wear on the cover.", "Usure visible sur la couverture."],
}


def offer_errors(offer: Offer, *, profile_seller_ids: dict[int, int]) -> dict[str, str]:
    """The checks `offer_create` makes, for offers inserted in bulk."""
    problems: dict[str, str] = {}
    maximum = offers_settings().max_unit_price_major * 10 ** currency_exponent(offer.currency)
    if not offer.sku or len(offer.sku) > 100:
        problems["sku"] = "A SKU of 1 to 100 characters is required."
    if not (0 < offer.price_amount <= maximum):
        problems["price_amount"] = "Out of range."
    if not (0 <= offer.stock <= MAX_STOCK):
        problems["stock"] = "Out of range."
    if offer.condition not in Condition.values:
        problems["condition"] = "Unknown condition."
    if offer.fulfilment_method not in FulfilmentMethod.values:
        problems["fulfilment_method"] = "Unknown method."
    if not (0 <= offer.handling_days <= MAX_HANDLING_DAYS):
        problems["handling_days"] = "Out of range."
    if not (0 <= offer.return_policy_days <= 365):
        problems["return_policy_days"] = "Out of range."
    if normalise_country(offer.ships_from_country) != offer.ships_from_country:
        problems["ships_from_country"] = "Not an ISO 3166 code."
    if profile_seller_ids.get(offer.shipping_profile_id) != offer.seller_id:
        problems["shipping_profile_id"] = "Not one of the seller's profiles."
    return problems


def _charm_price(amount_major: float) -> int:
    """Shop prices: 7.49, 24.90, 119.00, 1,249.00 — never a computed 23.17."""
    if amount_major < 10:
        return max(
            99, int(amount_major) * 100 + 49 if amount_major - int(amount_major) < 0.5 else int(amount_major) * 100 + 99
        )
    if amount_major < 100:
        return int(amount_major) * 100 + 90
    if amount_major < 1000:
        return round(amount_major) * 100
    return round(amount_major / 10) * 1000 - 100


def offers_seed(
    *, rng: random.Random, sellers: list[DemoSeller], products: list[Product], categories: dict[str, SeededCategory]
) -> Supply:
    """Several sellers on many products: 1 to 5 offers a product, from sellers of its department."""
    active = [seller for seller in sellers if seller.verified_at is not None]
    by_department: dict[str, list[DemoSeller]] = {}
    for seller in active:
        for department in seller.departments:
            by_department.setdefault(department, []).append(seller)
    leaf_by_category_id: dict[int, tuple[str, Leaf]] = {
        entry.category.pk: (entry.department.slug, entry.leaf) for entry in categories.values() if entry.leaf
    }
    profile_seller_ids = {
        seller.standard_profile_id: seller.seller.pk for seller in active if seller.standard_profile_id is not None
    }
    profile_seller_ids.update(
        {seller.bulky_profile_id: seller.seller.pk for seller in active if seller.bulky_profile_id is not None}
    )
    base_handling = {seller.seller.pk: rng.choice([1, 1, 1, 2, 2, 3]) for seller in active}
    sku_counters = {seller.seller.pk: 0 for seller in active}
    offers: list[Offer] = []
    meta: list[tuple[DemoSeller, bool]] = []
    for product in products:
        department, leaf = leaf_by_category_id[product.category_id]
        candidates = by_department.get(department) or active
        count = min(len(candidates), rng.choices([1, 2, 3, 4, 5], [34, 28, 20, 11, 7])[0])
        chosen = rng.sample(candidates, count)
        base = _base_price(rng, leaf)
        for position, seller in enumerate(chosen):
            condition = "new" if position == 0 else rng.choice(leaf.conditions)
            low, high = _CONDITION_PRICE[condition]
            price = _charm_price(base * rng.uniform(low, high))
            stock = (
                0
                if rng.random() < 0.04
                else (rng.randint(1, 3) if condition.startswith("used") else rng.randint(3, 140))
            )
            bulky = leaf.bulky and seller.bulky_profile_id is not None
            profile_id = seller.bulky_profile_id if bulky else seller.standard_profile_id
            assert seller.verified_at is not None and profile_id is not None  # active sellers have both
            sku_counters[seller.seller.pk] += 1
            created_at = max(product.created_at, seller.verified_at) + dt.timedelta(hours=rng.randint(1, 72))
            offer = Offer(
                seller=seller.seller,
                product=product,
                sku=f"{seller.sku_prefix}-{sku_counters[seller.seller.pk]:05d}",
                price_amount=price,
                currency=CURRENCY,
                stock=stock,
                condition=condition,
                condition_note=rng.choice(_CONDITION_NOTES[condition]) if condition in _CONDITION_NOTES else "",
                handling_days=min(MAX_HANDLING_DAYS, base_handling[seller.seller.pk] + (1 if bulky else 0)),
                ships_from_country=seller.seller.country,
                fulfilment_method=FulfilmentMethod.DROPSHIP if rng.random() < 0.03 else FulfilmentMethod.MERCHANT,
                shipping_profile_id=profile_id,
                return_policy_days=rng.choice([14, 14, 30]),
                is_active=rng.random() > 0.02,
                created_at=created_at,
            )
            problems = offer_errors(offer, profile_seller_ids=profile_seller_ids)
            if problems:
                raise ValueError(f"invalid demo offer {offer.sku}: {problems}")
            offers.append(offer)
            meta.append((seller, bulky))
    created = Offer.objects.bulk_create(offers, batch_size=500)
    supply = Supply()
    for offer, (seller, bulky) in zip(created, meta, strict=True):
        supply.offers_by_product.setdefault(offer.product_id, []).append(
            DemoOffer(
                offer.pk,
                seller,
                offer.product_id,
                offer.price_amount,
                offer.stock,
                offer.created_at,
                offer.is_active,
                bulky,
            )
        )
    return supply


def _base_price(rng: random.Random, leaf: Leaf) -> float:
    low, high = leaf.price_eur
    # Log-uniform: many affordable products, fewer expensive ones.
    return low * (high / low) ** rng.random()


def ring_buyers_seed(
    *, rng: random.Random, count: int, password_hash: str, joined_from: dt.datetime, joined_hours: float
) -> list[DemoBuyer]:
    """`count` fresh accounts, all joined within `joined_hours`, all shipping to one French flat: a review ring."""
    profile = COUNTRIES["FR"]
    shared = _address(profile, rng, "")
    rows = []
    for index in range(count):
        first, last = rng.choice(profile.first_names), rng.choice(profile.last_names)
        email = f"{_ascii(first)}.{_ascii(last)}.{index + 10}@{rng.choice(['mail', 'inbox'])}.example"
        joined_at = joined_from + dt.timedelta(minutes=rng.randrange(int(joined_hours * 60)))
        rows.append(
            (
                User(
                    email=email,
                    password=password_hash,
                    full_name=f"{first} {last}",
                    preferred_language="fr",
                    country="FR",
                    date_joined=joined_at,
                ),
                {**shared, "name": f"{first} {last}"},
            )
        )
    users = User.objects.bulk_create([user for user, _address_of in rows])
    return [
        DemoBuyer(user, "FR", address, user.date_joined, 0.0)
        for user, (_user, address) in zip(users, rows, strict=True)
    ]
