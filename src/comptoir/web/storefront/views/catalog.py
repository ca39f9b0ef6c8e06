"""Browsing: home, search, product page, seller page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language

from comptoir.catalog.domain.translations import language_base
from comptoir.catalog.domain.variants import VariantChoice, build_picker, choose_variant, variant_label
from comptoir.catalog.models import Category, Product, ProductImage
from comptoir.catalog.selectors import (
    category_get,
    category_list,
    product_family_variants,
    product_get,
    products_localize,
)
from comptoir.compliance.reasons import reason_text
from comptoir.compliance.selectors import offers_safety_contacts, offers_sellable_to, product_restrictions_in
from comptoir.core.money import currency_exponent
from comptoir.offers.domain.pricing import compare_key
from comptoir.offers.selectors import (
    ProductCard,
    offer_delivery_quotes,
    offer_destination_prices,
    offer_vat_quotes,
    offer_visible_qs,
    product_ids_most_offered,
    product_ids_newest,
)
from comptoir.orders.selectors import product_ids_best_selling
from comptoir.search.conf import buyer_context, search_settings
from comptoir.search.selectors import SearchQuery, featured_offer_for_product, search_cards, search_products
from comptoir.search.services import product_view_record
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.web.storefront.countries import buyer_country
from comptoir.web.storefront.currency import buyer_currency
from comptoir.web.storefront.forms import AddToCartForm, DeliveryCountryForm, SearchForm
from comptoir.web.storefront.structured_data import json_ld_script, product_json_ld
from comptoir.web.storefront.views.common import today

PAGE_SIZE = 24
HOME_ROW = 5  # products per row of the home page's selections at desktop width


def _products_in_order(product_ids: list[int]) -> list[Product]:
    products = (
        Product.objects.select_related("category")
        .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")))
        .in_bulk(product_ids)
    )
    ordered = [products[pk] for pk in product_ids if pk in products]
    products_localize(ordered, None)  # titles in the request's language (docs/LANGUAGES.md, "Product text")
    return ordered


def _first_images(product_ids: list[int]) -> dict[int, ProductImage]:
    """The main picture of each of these products that has one (one query)."""
    images: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=product_ids).order_by("product_id", "position", "id"):
        images.setdefault(image.product_id, image)
    return images


def _family_image(product: Product, variant_ids: list[int], images: dict[int, ProductImage]) -> ProductImage | None:
    """A family's tile picture: its own, else its first listed variant's with one."""
    own = list(product.images.all())
    if own:
        return own[0]
    return next((images[pk] for pk in variant_ids if pk in images), None)


def _tiles(product_ids: list[int], cards, currency: str) -> list[dict]:
    """Tiles of these products in order; variants are shown as their family (once, at the first variant's place,
    with the lowest price of the variants listed)."""
    family_of = dict(Product.objects.filter(pk__in=product_ids, parent__isnull=False).values_list("pk", "parent_id"))
    members: dict[int, list[int]] = {}
    for pk in product_ids:
        members.setdefault(family_of.get(pk, pk), []).append(pk)
    families = set(family_of.values())
    images = _first_images(list(family_of)) if family_of else {}
    return [
        {
            "product": product,
            "card": _family_card(cards, members[product.pk], product.pk, currency)
            if product.pk in families
            else cards.get(product.pk),
            "is_family": product.pk in families,
            "image": _family_image(product, members[product.pk], images) if product.pk in families else None,
        }
        for product in _products_in_order(list(members))
    ]


def home(request):
    country, placed_on = buyer_country(request), today()
    top_categories = [category for category in category_list() if category.depth == 0]
    popular = product_ids_best_selling(
        since=dt.datetime.combine(placed_on - dt.timedelta(days=90), dt.time(), tzinfo=dt.UTC), limit=HOME_ROW * 2
    )
    if len(popular) < HOME_ROW * 2:
        popular += product_ids_most_offered(limit=HOME_ROW * 2 - len(popular), exclude_ids=popular)
    newest = product_ids_newest(limit=HOME_ROW * 2)
    per_category = []
    paths = {category.pk: category.path for category in category_list()}
    for category in top_categories[:6]:
        subtree = [pk for pk, path in paths.items() if path.startswith(category.path)]
        ids = product_ids_most_offered(limit=HOME_ROW, category_ids=subtree)
        if ids:
            per_category.append((category, ids))
    all_ids = set(popular) | set(newest) | {pk for _category, ids in per_category for pk in ids}
    # Cheapest delivered price per product through the pricing seam, for a buyer in `country` seeing prices in their
    # display currency.
    buyer = buyer_context(country=country, currency=buyer_currency(request))
    cards = search_cards(all_ids, country=country, placed_on=placed_on, buyer=buyer)
    context = {
        "top_categories": top_categories,
        "popular": _tiles(popular, cards, buyer.currency),
        "newest": _tiles(newest, cards, buyer.currency),
        "per_category": [(category, _tiles(ids, cards, buyer.currency)) for category, ids in per_category],
        "country": country,
        "country_form": DeliveryCountryForm(initial={"country": country}),
        "seller_count": Seller.objects.filter(status=SellerStatus.VERIFIED).count(),
    }
    return render(request, "storefront/home.html", context)


def _minor(amount, currency: str) -> int | None:
    """A major-unit amount typed by the buyer ("25.50") in minor units of the currency."""
    if amount is None:
        return None
    return int(amount.scaleb(currency_exponent(currency)))


OPTION_PARAM_PREFIX = "o."  # ?o.Size=M&o.Size=L&o.Colour=Red: option filters, any group name


def _option_filters(request) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The option filters of the query string (at most 10 groups of 30 values; blank or overlong values dropped)."""
    filters: list[tuple[str, tuple[str, ...]]] = []
    for key, values in request.GET.lists():
        name = key[len(OPTION_PARAM_PREFIX) :].strip()
        if not key.startswith(OPTION_PARAM_PREFIX) or not name or len(name) > 40:
            continue
        kept = tuple(dict.fromkeys(value.strip() for value in values if value.strip() and len(value) <= 60))[:30]
        if kept:
            filters.append((name, kept))
    return tuple(filters[:10])


def _family_card(
    cards: dict[int, ProductCard], variant_ids: list[int], family_id: int, currency: str
) -> ProductCard | None:
    """A family's card: its variants' lowest delivered price ("from"; prices in the buyer's `currency` before any
    other), their offers together and the earliest delivery."""
    found = [cards[pk] for pk in variant_ids if pk in cards]
    if not found:
        return None
    cheapest = min(
        found,
        key=lambda card: (
            card.lowest_landed is None,
            card.lowest_landed is not None and card.lowest_landed.currency != currency,
            card.lowest_landed.amount if card.lowest_landed is not None else 0,
        ),
    )
    dates = [card.fastest_latest for card in found if card.fastest_latest is not None]
    return ProductCard(
        family_id,
        cheapest.lowest_landed,
        sum(card.offer_count for card in found),
        min(dates) if dates else None,
        cheapest.offer_landed,
    )


def search(request):
    """Results of the search engine (comptoir.search): ranked by the published parameters, each with its explanation."""
    country, placed_on = buyer_country(request), today()
    params = SearchForm(request.GET).cleaned_or_default()
    category = category_get(params["category"]) if params["category"] else None
    buyer = buyer_context(country=country, currency=buyer_currency(request))
    currency = buyer.currency
    site_currency = search_settings().currency
    query = SearchQuery(
        text=params["q"],
        category_id=category.pk if category else None,
        country=country,
        currency=currency,
        conditions=params["condition"],
        ships_from=(params["ships_from"],) if params["ships_from"] else (),
        price_min=_minor(params["price_min"], currency),
        price_max=_minor(params["price_max"], currency),
        max_delivery_days=params["delivery"],
        min_rating=params["rating"],
        sort=params["sort"],
        options=_option_filters(request),
        language=get_language(),  # the request's language's index and stemmer (docs/SEARCH.md, "Languages")
    )
    result = search_products(query, placed_on=placed_on)
    page = Paginator(result.hits, PAGE_SIZE).get_page(params["page"] or 1)
    hits = list(page.object_list)
    cards = search_cards(
        [pk for hit in hits for pk in hit.variant_ids],
        country=country,
        placed_on=placed_on,
        conditions=query.conditions,
        ships_from=query.ships_from,
        buyer=buyer,
    )
    products = {product.pk: product for product in _products_in_order([hit.card_product_id for hit in hits])}
    variant_images = _first_images([pk for hit in hits if hit.family_id is not None for pk in hit.variant_ids])
    categories = list(category_list())
    by_id = {item.pk: item for item in categories}
    ancestors = (
        [by_id[int(part)] for part in category.path.strip("/").split("/") if part and int(part) in by_id]
        if category
        else []
    )
    children = [
        item
        for item in categories
        if item.parent_id == (category.pk if category else None) and result.facets.categories.get(item.pk)
    ]
    context = {
        "params": params,
        "category": category,
        "ancestors": ancestors,
        "child_categories": [(item, result.facets.categories[item.pk]) for item in children],
        "result": result,
        "facets": result.facets,
        "page": page,
        "tiles": [
            {
                "product": products[hit.card_product_id],
                "card": (
                    _family_card(cards, hit.variant_ids, hit.family_id, currency)
                    if hit.family_id is not None
                    else cards.get(hit.product_id)
                ),
                "hit": hit,
                "is_family": hit.family_id is not None,
                "image": (
                    _family_image(products[hit.card_product_id], hit.variant_ids, variant_images)
                    if hit.family_id is not None
                    else None
                ),
                "option_choices": list(hit.option_choices.items()),
            }
            for hit in hits
            if hit.card_product_id in products
        ],
        "option_facets": [
            (
                name,
                [(value, count, value in dict(query.options).get(name, ())) for value, count in values],
            )
            for name, values in result.facets.options
        ],
        "total": result.total,
        "country": country,
        "country_form": DeliveryCountryForm(initial={"country": country}),
        "sort_form": SearchForm(initial={"sort": params["sort"]}),
        # Filters other than the conditions (counted one by one in the template) that narrow the results.
        "active_filter_count": sum(
            1
            for name in ("ships_from", "delivery", "rating", "price_min", "price_max")
            if params[name] not in (None, "")
        )
        + sum(len(values) for _name, values in query.options),
        "currency": currency,
        "site_currency": site_currency,  # prices are indexed in it and converted into the buyer's currency
    }
    return render(request, "storefront/search.html", context)


def _variant_picker(request, family: Product) -> tuple[Product | None, dict[str, Any] | None]:
    """The family's variant the buyer chose (`?variant=<id>`, else option values `?o.Size=M&o.Colour=Red` from the
    picker's form, else the first available) and the picker: each option value a link to its variant, so the page
    works without JavaScript."""
    variants = list(product_family_variants(family.pk))
    if not variants:
        return None, None
    available = set(
        offer_visible_qs()
        .filter(product_id__in=[variant.pk for variant in variants], stock__gt=0)
        .values_list("product_id", flat=True)
    )
    choices = [VariantChoice(variant.pk, variant.option_values, variant.pk in available) for variant in variants]
    by_id = {variant.pk: variant for variant in variants}
    wanted = request.GET.get("variant", "")
    chosen_id = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) < 19 else None
    current_choice = next((choice for choice in choices if choice.variant_id == chosen_id), None)
    if current_choice is None:
        selected = {name: request.GET.get(f"{OPTION_PARAM_PREFIX}{name}", "") for name in family.option_names}
        if not any(selected.values()):
            # Nothing chosen yet: the first variant that can be bought.
            current_choice = next((choice for choice in choices if choice.is_available), choices[0])
        else:
            current_choice = choose_variant(family.option_names, choices, selected)
    assert current_choice is not None
    groups = build_picker(family.option_names, choices, current_choice)
    return by_id[current_choice.variant_id], {
        "groups": groups,
        "label": variant_label(family.option_names, current_choice.option_values),
        "is_available": current_choice.is_available,
        "variant_count": len(variants),
    }


def product_detail(request, product_id: int, slug: str = ""):
    product = product_get(product_id)
    if product is None:
        raise Http404
    if product.parent_id is not None:
        # A variant's page is its family's page with the variant chosen.
        parent = product_get(product.parent_id)
        assert parent is not None
        url = reverse("storefront:product", kwargs={"product_id": parent.pk, "slug": slugify(parent.title)[:80]})
        return redirect(f"{url}?variant={product.pk}")
    canonical = slugify(product.title)[:80] or "product"
    if slug != canonical:
        query = request.GET.urlencode()
        url = reverse("storefront:product", kwargs={"product_id": product.pk, "slug": canonical})
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    family: Product | None = None
    picker = None
    if product.is_family:
        family = product
        variant, picker = _variant_picker(request, family)
        if variant is not None:
            product = variant
    # The text in the request's language (`?lang=`, cookie, Accept-Language), else the product's own.
    products_localize([item for item in (product, family) if item is not None], None)
    country, placed_on = buyer_country(request), today()
    product_view_record(product_id=product.pk)
    buyer = buyer_context(country=country, currency=buyer_currency(request))
    featured = featured_offer_for_product(product_id=product.pk, country=country, placed_on=placed_on, buyer=buyer)
    offers = list(featured.offers.values())
    quotes, prices = featured.quotes, featured.prices
    vat = offer_vat_quotes(offers, country=country, day=placed_on)
    safety = offers_safety_contacts(offers, product=product)
    rows: list[dict[str, Any]] = [  # what the template reads: offer, its delivery quote (None: no), its cart form
        {
            "offer": offer,
            "quote": quotes[offer.pk],
            # What checkout charges for one unit delivered (VAT at the destination, duty paid at checkout): the
            # headline and the "item + delivery" line read it, not the price as entered.
            "price": prices[offer.pk],
            "vat": vat[offer.pk],
            "safety": safety[offer.pk],
            "form": AddToCartForm(initial={"offer_id": offer.pk, "quantity": 1}, auto_id=f"offer{offer.pk}_%s"),
        }
        for offer in offers
    ]
    # Offers that reach the buyer first, cheapest delivered price for the buyer first (the pricing seam's order: an
    # offer no rate converts into the buyer's currency comes after the comparable ones, grouped by its currency);
    # then those that do not ship there.
    rows.sort(
        key=lambda row: (
            row["quote"] is None,
            compare_key(prices[row["offer"].pk]),
            row["offer"].currency,
            row["quote"].landed.amount if row["quote"] else row["offer"].price_amount,
            row["offer"].pk,
        )
    )
    delivered = [row for row in rows if row["quote"]]
    fastest = (
        min(delivered, key=lambda row: (row["quote"].latest, compare_key(prices[row["offer"].pk]), row["offer"].pk))
        if len(delivered) > 1
        else None
    )
    categories = {item.pk: item for item in category_list()}
    page_product = family or product
    breadcrumbs = [
        categories[int(part)]
        for part in product.category.path.strip("/").split("/")
        if part and int(part) in categories
    ]
    by_offer = {row["offer"].pk: row for row in rows}
    decision = featured.decision
    featured_box = None
    if decision.winner is not None:
        explanation = featured.explanation
        featured_box = {
            "row": by_offer[decision.winner.offer_id],
            "factors": explanation["winner"]["factors"],
            "alternatives": [
                {"row": by_offer[item["offer_id"]], "factors": item["factors"], "score": item["score"]}
                for item in explanation["alternatives"]
            ],
            "score": explanation["winner"]["score"],
        }
    images = list(product.images.all())
    if family is not None and not images:
        images = list(family.images.all())
    page_url = request.build_absolute_uri(request.path)
    if family is not None and product is not family:
        page_url = f"{page_url}?variant={product.pk}"  # the variant's own address, as the feeds and the picker give it
    json_ld = json_ld_script(
        product_json_ld(
            product=product,
            offers=[row["offer"] for row in rows],
            url=page_url,
            image_urls=[request.build_absolute_uri(image.src) for image in images if image.src],
            family=family if product is not family else None,
            quotes=quotes,
            country=country,
        )
    )
    context = {
        "product": product,
        "json_ld": json_ld,
        "family": family,
        "page_product": page_product,
        "picker": picker,
        "description": product.display_description,
        # Text shown in another language than the page's (no translation): marked for screen readers and translators.
        "title_language": _other_language(page_product.display_language),
        "description_language": _other_language(product.display_language),
        "images": images,
        # A variant's text already holds its family's attributes under its own.
        "attributes": sorted(product.display_attributes.items()),
        "rows": rows,
        "best": rows[0] if rows and rows[0]["quote"] else None,
        "featured": featured_box,
        "fastest_offer_id": fastest["offer"].pk if fastest and fastest is not delivered[0] else None,
        "breadcrumbs": breadcrumbs,
        "country": country,
        "country_form": DeliveryCountryForm(initial={"country": country}),
        # Offers the country rules leave out for this country, and why (excise goods from another Member State…).
        "restrictions": [
            reason_text(reason, country=country) for reason in product_restrictions_in(product.pk, country)
        ],
    }
    return render(request, "storefront/product.html", context)


def _other_language(language: str) -> str:
    return "" if language == language_base(get_language()) else language


def ranking(request):
    """The public description of how results and the featured offer are ranked (P2B Regulation Art. 5, DSA Art. 27)."""
    config = search_settings()
    return render(
        request,
        "storefront/ranking.html",
        {
            "ranking_weights": [(name, round(share * 100, 1)) for name, share in config.ranking.shares().items()],
            "featured_weights": [(name, round(share * 100, 1)) for name, share in config.featured.shares().items()],
            "ranking_config": config.ranking,
            "featured_config": config.featured,
            "candidate_limit": config.candidate_limit,
            "conversion_window_days": config.conversion_window_days,
        },
    )


def seller_detail(request, slug: str):
    seller = get_object_or_404(Seller, slug=slug, status=SellerStatus.VERIFIED)
    country, placed_on = buyer_country(request), today()
    offers = (
        offers_sellable_to(offer_visible_qs(), country)  # country rules (docs/COMPLIANCE.md)
        .filter(seller=seller)
        .select_related("product__category", "seller")
        .order_by("product__title", "id")
    )
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    products_localize([offer.product for offer in page.object_list], None)
    quotes = offer_delivery_quotes(page.object_list, country=country, placed_on=placed_on)
    # The delivered price with the destination's VAT and the duty paid at checkout, as the product page gives it.
    prices = offer_destination_prices(page.object_list, country=country, day=placed_on)
    context = {
        "seller": seller,
        "page": page,
        "rows": [{"offer": offer, "quote": quotes[offer.pk], "price": prices[offer.pk]} for offer in page.object_list],
        "offer_count": page.paginator.count,
        "country": country,
    }
    return render(request, "storefront/seller.html", context)


def category_redirect(request, category_id: int):
    """/c/<id>: a category's products are its search page."""
    category = get_object_or_404(Category, pk=category_id)
    return redirect(f"/search?category={category.pk}")
