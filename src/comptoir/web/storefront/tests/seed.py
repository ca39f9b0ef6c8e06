"""A small, realistic marketplace for the storefront tests: French and English titles, sellers in four countries,
a product with four competing offers, shipping zones that differ by seller. Built through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field

from comptoir.catalog.services import category_create, product_create
from comptoir.offers.services import offer_create, shipping_profile_create
from comptoir.sellers.services import seller_onboard, seller_verify
from comptoir.testing.builders import make_operator, make_user, trader_information

EU_CORE = ["FR", "BE", "LU", "DE", "NL", "AT", "IT", "ES", "PT"]

SELLERS = {
    # key: (shop name, country, trader overrides, standard (amount, days), express (amount, days) or None,
    #       zone countries)
    "son": (
        "Le Comptoir du Son",
        "FR",
        dict(
            legal_name="Le Comptoir du Son SAS",
            street="18 rue de la République",
            postal_code="69002",
            city="Lyon",
            phone="+33 4 72 00 12 34",
            email="bonjour@comptoirduson.example",
            trade_register="RCS Lyon",
            trade_register_number="812 345 678",
        ),
        (490, (2, 3)),
        (1290, (1, 1)),
        EU_CORE,
    ),
    "klang": (
        "Klangwerk Audio",
        "DE",
        dict(
            legal_name="Klangwerk Audio GmbH",
            street="Torstraße 101",
            postal_code="10119",
            city="Berlin",
            phone="+49 30 1234 5678",
            email="service@klangwerk.example",
            trade_register="Handelsregister B, Amtsgericht Charlottenburg",
            trade_register_number="HRB 204512",
        ),
        (690, (3, 5)),
        (1590, (1, 2)),
        EU_CORE,
    ),
    "tecno": (
        "TecnoPunto Madrid",
        "ES",
        dict(
            legal_name="TecnoPunto Madrid S.L.",
            street="Calle de Alcalá 45",
            postal_code="28014",
            city="Madrid",
            phone="+34 910 123 456",
            email="hola@tecnopunto.example",
            trade_register="Registro Mercantil de Madrid",
            trade_register_number="M-612345",
        ),
        (390, (4, 7)),
        None,
        ["ES", "PT", "FR"],
    ),
    "cucina": (
        "Casa Cucina Bologna",
        "IT",
        dict(
            legal_name="Casa Cucina S.r.l.",
            street="Via dell'Indipendenza 12",
            postal_code="40121",
            city="Bologna",
            phone="+39 051 123 4567",
            email="ciao@casacucina.example",
            trade_register="Registro delle Imprese di Bologna",
            trade_register_number="BO-523411",
        ),
        (590, (3, 6)),
        (1490, (2, 3)),
        EU_CORE,
    ),
}


@dataclass
class Shop:
    sellers: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    offers: dict = field(default_factory=dict)
    buyer: object = None
    other_buyer: object = None


def _seller(key: str, operator):
    name, country, trader, standard, express, zone = SELLERS[key]
    owner = make_user(f"owner-{key}@example.com")
    seller = seller_onboard(owner=owner, name=name, trader=trader_information(country, **trader))
    seller = seller_verify(seller_id=seller.pk, actor=operator)
    rates = [
        dict(
            zone_name="Europe",
            countries=zone,
            service_level="standard",
            carrier={"FR": "Colissimo", "DE": "DHL", "ES": "Correos", "IT": "BRT"}[country],
            currency="EUR",
            first_item_amount=standard[0],
            additional_item_amount=150,
            transit_days_min=standard[1][0],
            transit_days_max=standard[1][1],
        )
    ]
    if express:
        rates.append(
            dict(
                zone_name="Europe",
                countries=zone,
                service_level="express",
                carrier="UPS Express",
                currency="EUR",
                first_item_amount=express[0],
                additional_item_amount=300,
                transit_days_min=express[1][0],
                transit_days_max=express[1][1],
            )
        )
    profile = shipping_profile_create(seller=seller, actor=None, name="Europe", rates=rates)
    return seller, profile


def seed_shop() -> Shop:
    shop = Shop()
    operator = make_operator()
    for key in SELLERS:
        shop.sellers[key], shop.profiles[key] = _seller(key, operator)
    electronics = category_create(name_en="Electronics", name_fr="Électronique", slug="electronics")
    audio = category_create(name_en="Audio", name_fr="Audio", parent=electronics, slug="audio")
    kitchen = category_create(name_en="Home & Kitchen", name_fr="Maison et cuisine", slug="home-kitchen")
    cookware = category_create(name_en="Cookware", name_fr="Ustensiles de cuisson", parent=kitchen, slug="cookware")
    books = category_create(name_en="Books", name_fr="Livres", slug="books")
    shop.categories = {
        "electronics": electronics,
        "audio": audio,
        "kitchen": kitchen,
        "cookware": cookware,
        "books": books,
    }

    def product(key, title, category, brand, language, attributes, description):
        shop.products[key] = product_create(
            title=title,
            category_id=category.pk,
            brand=brand,
            language=language,
            attributes=attributes,
            description=description,
        )

    product(
        "headphones",
        "Casque sans fil Sonora Aria – réduction de bruit, noir",
        audio,
        "Sonora",
        "fr",
        {"colour": "black", "connectivity": "wireless", "battery_hours": 30},
        "Casque circum-auriculaire à réduction de bruit active, 30 heures d'autonomie, charge rapide USB-C.",
    )
    product(
        "speaker",
        "Kelvor Rock Bluetooth Speaker – 20 W, waterproof",
        audio,
        "Kelvor",
        "en",
        {"colour": "blue", "power_w": 20},
        "A compact speaker with 20 W of clear sound, IPX7 water resistance and 12 hours of play.",
    )
    product(
        "earbuds",
        "Écouteurs intra-auriculaires Kelvor Pulse",
        audio,
        "Kelvor",
        "fr",
        {"colour": "white", "connectivity": "wireless"},
        "Écouteurs légers avec boîtier de charge, 24 heures d'écoute.",
    )
    product(
        "casserole",
        "Forge & Co Cast Iron Casserole – 24 cm, red",
        cookware,
        "Forge & Co",
        "en",
        {"material": "cast iron", "diameter_cm": 24},
        "Enamelled cast iron casserole for slow cooking, oven-safe up to 250 °C.",
    )
    product(
        "pan",
        "Poêle en inox Cuisor Heritage – 28 cm",
        cookware,
        "Cuisor",
        "fr",
        {"material": "steel", "diameter_cm": 28},
        "Poêle en acier inoxydable trois couches, tous feux dont induction.",
    )
    product(
        "novel",
        "The Lighthouse Keeper's Daughter – a novel",
        books,
        "Little Harbour",
        "en",
        {"format": "paperback", "pages": 352},
        "A family saga on the Breton coast.",
    )

    def offer(key, seller_key, product_key, price, stock=25, condition="new", handling=1, note=""):
        seller = shop.sellers[seller_key]
        shop.offers[key] = offer_create(
            seller=seller,
            actor=None,
            product_id=shop.products[product_key].pk,
            sku=f"{seller_key}-{key}".upper(),
            price_amount=price,
            currency="EUR",
            stock=stock,
            shipping_profile_id=shop.profiles[seller_key].pk,
            condition=condition,
            condition_note=note,
            handling_days=handling,
        )

    offer("headphones_son", "son", "headphones", 24900)
    offer("headphones_klang", "klang", "headphones", 23900, handling=2)
    offer(
        "headphones_tecno",
        "tecno",
        "headphones",
        18900,
        condition="refurbished",
        handling=2,
        note="Reconditionné, garantie 12 mois",
    )
    offer(
        "headphones_cucina",
        "cucina",
        "headphones",
        15900,
        stock=1,
        condition="used_good",
        note="Boîte ouverte, parfait état",
    )
    offer("speaker_klang", "klang", "speaker", 7990)
    offer("speaker_son", "son", "speaker", 8490)
    offer("earbuds_son", "son", "earbuds", 5990)
    offer("casserole_cucina", "cucina", "casserole", 8900)
    offer("pan_cucina", "cucina", "pan", 4590)
    offer("pan_son", "son", "pan", 4990)
    offer("novel_tecno", "tecno", "novel", 1490)

    shop.buyer = make_user("camille@example.com", full_name="Camille Martin")
    shop.other_buyer = make_user("jonas@example.com", full_name="Jonas Weber")
    return shop


MORE_PRODUCTS = (
    # (key, title, category key, brand, language, price in cents, seller keys)
    (
        "turntable",
        "Platine vinyle Sonora Groove – entraînement par courroie",
        "audio",
        "Sonora",
        "fr",
        32900,
        ("son", "klang"),
    ),
    ("soundbar", "Kelvor Cinema Soundbar – 2.1, 120 W", "audio", "Kelvor", "en", 19900, ("klang", "tecno", "son")),
    ("studio", "Kelvor Studio Headphones – wired, monitor sound", "audio", "Kelvor", "en", 8900, ("klang", "son")),
    ("mini", "Enceinte nomade Kelvor Mini – 5 W, rouge", "audio", "Kelvor", "fr", 2990, ("tecno", "son", "klang")),
    ("buds_pro", "Kelvor Pulse Pro Earbuds – active noise cancelling", "audio", "Kelvor", "en", 12900, ("klang",)),
    ("radio", "Radio-réveil Lumio Matin – DAB+, bois clair", "audio", "Lumio", "fr", 6900, ("son",)),
    (
        "dutch_oven",
        "Cocotte en fonte Forge & Co – 28 cm, bleu",
        "cookware",
        "Forge & Co",
        "fr",
        11900,
        ("cucina", "son"),
    ),
    ("wok", "Cuisor Carbon Steel Wok – 32 cm", "cookware", "Cuisor", "en", 3990, ("cucina",)),
    (
        "knife",
        "Couteau de chef Atelier Thiers – 20 cm, manche olivier",
        "cookware",
        "Atelier Thiers",
        "fr",
        8900,
        ("son", "cucina"),
    ),
    ("moka", "Caffettiera Moka Bialto – 6 tasses", "cookware", "Bialto", "fr", 3490, ("cucina",)),
    (
        "cookbook",
        "La cuisine de nos grands-mères – 120 recettes",
        "books",
        "Éditions Petit Pas",
        "fr",
        2490,
        ("tecno",),
    ),
    ("guide", "Walking the Camino: a Practical Guide", "books", "Little Harbour", "en", 1990, ("tecno",)),
    ("atlas", "Atlas des oiseaux d'Europe", "books", "Éditions Petit Pas", "fr", 3290, ("tecno", "son")),
)


def seed_more_products(shop: Shop) -> Shop:
    """More products and offers, so that the home and search pages look like a real shop in the screenshots."""
    for index, (key, title, category_key, brand, language, price, seller_keys) in enumerate(MORE_PRODUCTS):
        shop.products[key] = product_create(
            title=title,
            category_id=shop.categories[category_key].pk,
            brand=brand,
            language=language,
            description=f"{title}.",
        )
        for position, seller_key in enumerate(seller_keys):
            shop.offers[f"{key}_{seller_key}"] = offer_create(
                seller=shop.sellers[seller_key],
                actor=None,
                product_id=shop.products[key].pk,
                sku=f"{seller_key}-{key}".upper(),
                price_amount=price + position * 700 - (index % 3) * 100,
                currency="EUR",
                stock=12,
                shipping_profile_id=shop.profiles[seller_key].pk,
            )
    return shop


def seed_family(shop: Shop, *, with_pictures: bool = False):
    """A T-shirt family in sizes and colours on `shop`: Red S/M/L and Navy M on sale (two sellers on Red M), Navy S
    out of stock, Navy L with no offer. `with_pictures`: one picture per variant on sale, drawn in its colour (needs a
    temporary MEDIA_ROOT). Returns the family; its variants are `shop.products["tshirt <size> <colour>"]`."""
    from comptoir.catalog.services import VariantSpec, product_family_create, product_image_upload

    shop.categories["clothing"] = category_create(name_en="Clothing", name_fr="Vêtements", slug="clothing")
    family = product_family_create(
        title="Organic cotton T-shirt",
        category_id=shop.categories["clothing"].pk,
        option_names=["Size", "Colour"],
        brand="Atelier Rive",
        description="Heavy organic cotton jersey, knitted in Portugal.",
        variants=[
            VariantSpec(option_values={"Size": size, "Colour": colour}, gtin=gtin)
            for (size, colour), gtin in zip(
                [(size, colour) for colour in ("Red", "Navy") for size in ("S", "M", "L")],
                ["4006381333931", "96385074", "4012345000009", "5901234123457", "0036000291452", "4000000000006"],
                strict=True,
            )
        ],
    )
    shop.products["tshirt"] = family
    for variant in family.variants.order_by("id"):
        shop.products[f"tshirt {variant.option_values['Size']} {variant.option_values['Colour']}"] = variant
    plan = [
        ("S Red", "son", 1900, 12),
        ("M Red", "son", 2100, 8),
        ("M Red", "klang", 1990, 5),
        ("L Red", "son", 2300, 3),
        ("M Navy", "klang", 2500, 9),
        ("S Navy", "son", 1900, 0),
    ]
    for variant_key, seller_key, price, stock in plan:
        seller = shop.sellers[seller_key]
        key = f"tshirt {variant_key} {seller_key}"
        shop.offers[key] = offer_create(
            seller=seller,
            actor=None,
            product_id=shop.products[f"tshirt {variant_key}"].pk,
            sku=f"TS-{variant_key.replace(' ', '-')}-{seller_key}".upper(),
            price_amount=price,
            currency="EUR",
            stock=stock,
            shipping_profile_id=shop.profiles[seller_key].pk,
        )
    if with_pictures:
        from comptoir.demo.pictures import render_demo_picture
        from comptoir.demo.variants_seed import COLOURS

        for variant_key, seller_key, _price, _stock in plan:
            if f"tshirt {variant_key} {seller_key}" != next(
                key for key in shop.offers if key.startswith(f"tshirt {variant_key} ")
            ):
                continue  # one picture per variant, by its first seller
            colour = variant_key.split()[1]
            product_image_upload(
                product_id=shop.products[f"tshirt {variant_key}"].pk,
                seller=shop.sellers[seller_key],
                actor=None,
                content=render_demo_picture(
                    title=f"Organic cotton T-shirt – {colour}", brand="Atelier Rive", tone=0, colour=COLOURS[colour]
                ),
                alt_text=f"Organic cotton T-shirt, {colour.lower()}",
            )
    return family
