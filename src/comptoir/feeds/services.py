"""Feeds: definitions (an operator's marketplace-wide feeds, a seller's own), their secret addresses, generation.

Ownership: every service takes `seller` — a Seller for a seller's feed, None for the marketplace's, which only an
operator (`actor`) may touch. A seller's feed contains that seller's offers only. Generation (`feed_generate`) writes
the whole file under a new random name in the default storage, then points the feed at it in one short transaction and
removes the previous file after the commit: a reader gets the old file or the new one, never half of one, and a task
run twice only writes the same feed twice."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pycountry
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from comptoir.catalog.domain.translations import language_base
from comptoir.catalog.models import Category, ProductImage
from comptoir.catalog.selectors import product_text_table
from comptoir.core import clock
from comptoir.core.crypto import encrypt_text, token_hash
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.money import Money, is_known_currency
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.feeds import errors
from comptoir.feeds.conf import feeds_settings
from comptoir.feeds.domain import channel, google
from comptoir.feeds.domain.items import (
    IN_STOCK,
    OUT_OF_STOCK,
    FeedItem,
    ShippingLine,
    google_condition,
    option_attributes,
)
from comptoir.feeds.models import KIND_FORMATS, Feed, FeedFormat, FeedKind, GoogleCategoryMapping
from comptoir.feeds.text import feed_category_path, feed_text
from comptoir.offers.conf import buyer_context, pricing_strategy
from comptoir.offers.selectors import delivery_quote, offer_visible_qs, shipping_rates_for_profiles
from comptoir.sellers.models import Seller

if TYPE_CHECKING:
    from comptoir.accounts.models import User

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "cfd"
CHUNK_SIZE = 500
CONTENT_TYPES: dict[str, str] = {
    FeedFormat.XML: "application/xml; charset=utf-8",
    FeedFormat.TSV: "text/tab-separated-values; charset=utf-8",
    FeedFormat.CSV: "text/csv; charset=utf-8",
}


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, code=errors.INVALID_FEED, fields={field: message})


def _new_token() -> str:
    return f"{TOKEN_PREFIX}_{secrets.token_urlsafe(32)}"


def feed_url(token: str) -> str:
    """The feed's address to give the channel (the token is the only credential: keep it secret)."""
    return f"{feeds_settings().site_url}{reverse('feed_download', kwargs={'token': token})}"


def _owner_check(seller: Seller | None, actor: User | None) -> None:
    if seller is None:
        require_operator(actor, message="Only an operator manages the marketplace's feeds.")


def _feed_locked(seller: Seller | None, feed_id: int) -> Feed:
    found = Feed.objects.select_for_update().filter(pk=feed_id)
    found = found.filter(seller__isnull=True) if seller is None else found.filter(seller=seller)
    feed = found.first()
    if feed is None:
        raise NotFound("No such feed.", code=errors.FEED_NOT_FOUND)
    return feed


def _columns_check(kind: str, format: str, columns: Any) -> list[dict]:
    if kind == FeedKind.GOOGLE:
        if columns:
            raise _invalid("columns", "A Google feed has Google's columns; columns are for channel feeds.")
        return []
    try:
        checked = channel.channel_columns_check(columns, xml=format == FeedFormat.XML)
    except channel.ColumnsInvalid as error:
        raise ValidationError(str(error), code=errors.INVALID_FEED, fields=error.errors) from error
    return [column.as_dict() for column in checked]


def _definition_check(
    *, name: Any, kind: Any, format: Any, country: Any, language: Any, currency: Any
) -> dict[str, str]:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 100:
        raise _invalid("name", "A name of 1 to 100 characters is required.")
    if kind not in FeedKind.values:
        raise _invalid("kind", f"One of {', '.join(FeedKind.values)}.")
    allowed = [str(value) for value in KIND_FORMATS[FeedKind(kind)]]
    if format not in allowed:
        raise _invalid("format", f"A {kind} feed is written as {' or '.join(allowed)}.")
    if not isinstance(country, str) or len(country) != 2 or pycountry.countries.get(alpha_2=country.upper()) is None:
        raise _invalid("country", "An ISO 3166 country code (FR, DE…).")
    languages = [code for code, _ in settings.LANGUAGES]
    if language not in languages:
        raise _invalid("language", f"One of {', '.join(languages)}.")
    if not isinstance(currency, str) or not is_known_currency(currency.upper()):
        raise _invalid("currency", "An ISO 4217 currency code (EUR, GBP…).")
    return {
        "name": name.strip(),
        "kind": kind,
        "format": format,
        "country": country.upper(),
        "language": language,
        "currency": currency.upper(),
    }


@transaction.atomic
def feed_create(
    *,
    seller: Seller | None,
    actor: User | None,
    name: str,
    kind: str,
    format: str,
    country: str,
    language: str,
    currency: str,
    columns: list | None = None,
) -> tuple[Feed, str]:
    """A new feed and its token (shown once here; `feed_address` shows it again to its owner). Its first file is
    generated by a task after the commit. Raises ValidationError (INVALID_FEED, by field), Conflict when a seller has
    `max_feeds_per_seller` feeds, PermissionDenied when `seller` is None and `actor` is no operator."""
    _owner_check(seller, actor)
    definition = _definition_check(
        name=name, kind=kind, format=format, country=country, language=language, currency=currency
    )
    checked_columns = _columns_check(kind, format, columns)
    if seller is not None:
        # One creation at a time per seller (the seller's row is the lock), so that two at once cannot both pass the
        # count below.
        list(Seller.objects.select_for_update().filter(pk=seller.pk).values_list("pk", flat=True))
        limit = feeds_settings().max_feeds_per_seller
        if Feed.objects.filter(seller=seller).count() >= limit:
            raise Conflict(f"A seller has at most {limit} feeds.", code=errors.TOO_MANY_FEEDS)
    token = _new_token()
    feed = Feed.objects.create(
        seller=seller,
        **definition,
        columns=checked_columns,
        token_hash=token_hash(token),
        token_encrypted=encrypt_text(token),
        created_by=actor if actor is not None and actor.pk else None,
    )
    audit_record(
        actor=actor,
        action="feed.created",
        target=feed,
        seller_id=seller.pk if seller else None,
        data={**definition, "columns": checked_columns},
    )
    _generate_on_commit(feed.pk)
    return feed, token


@transaction.atomic
def feed_update(*, seller: Seller | None, actor: User | None, feed_id: int, changes: dict[str, Any]) -> Feed:
    """Change a feed's name, columns, country, language, currency or whether it is served (`is_active`: an inactive
    feed's address answers 404 and the scheduler skips it). Regenerated after the commit."""
    _owner_check(seller, actor)
    feed = _feed_locked(seller, feed_id)
    unknown = set(changes) - {"name", "columns", "country", "language", "currency", "is_active"}
    if unknown:
        raise _invalid(sorted(unknown)[0], "This cannot be changed.")
    definition = _definition_check(
        name=changes.get("name", feed.name),
        kind=feed.kind,
        format=feed.format,
        country=changes.get("country", feed.country),
        language=changes.get("language", feed.language),
        currency=changes.get("currency", feed.currency),
    )
    for key, value in definition.items():
        setattr(feed, key, value)
    if "columns" in changes:
        feed.columns = _columns_check(feed.kind, feed.format, changes["columns"])
    if "is_active" in changes:
        if not isinstance(changes["is_active"], bool):
            raise _invalid("is_active", "true or false.")
        feed.is_active = changes["is_active"]
    feed.updated_at = clock.now()
    feed.save()
    audit_record(actor=actor, action="feed.updated", target=feed, seller_id=feed.seller_id, data=_jsonable(changes))
    if feed.is_active:
        _generate_on_commit(feed.pk)
    return feed


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in changes.items() if isinstance(value, str | bool | int | list)}


@transaction.atomic
def feed_token_rotate(*, seller: Seller | None, actor: User | None, feed_id: int) -> tuple[Feed, str]:
    """A new token for the feed: the old address stops working at once (revocation)."""
    _owner_check(seller, actor)
    feed = _feed_locked(seller, feed_id)
    token = _new_token()
    feed.token_hash, feed.token_encrypted, feed.updated_at = token_hash(token), encrypt_text(token), clock.now()
    feed.save(update_fields=["token_hash", "token_encrypted", "updated_at"])
    audit_record(actor=actor, action="feed.token_rotated", target=feed, seller_id=feed.seller_id)
    return feed, token


@transaction.atomic
def feed_delete(*, seller: Seller | None, actor: User | None, feed_id: int) -> None:
    """Remove the feed and its file (after the commit)."""
    _owner_check(seller, actor)
    feed = _feed_locked(seller, feed_id)
    audit_record(actor=actor, action="feed.deleted", target=feed, seller_id=feed.seller_id, data={"name": feed.name})
    if feed.file_name:
        transaction.on_commit(functools.partial(_delete_file, feed.file_name))
    feed.delete()


def _generate_on_commit(feed_id: int) -> None:
    from comptoir.feeds.tasks import feed_generate_task

    transaction.on_commit(functools.partial(feed_generate_task.enqueue, feed_id))


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("feed file %s could not be removed", name, exc_info=True)


# --- Generation --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedGeneration:
    feed_id: int
    item_count: int
    excluded_count: int
    byte_size: int


class _Exclusions:
    """Offers left out of a feed: all counted, the first `limit` listed with their reasons."""

    def __init__(self, limit: int):
        self.limit, self.count = limit, 0
        self.listed: list[dict[str, Any]] = []

    def add(self, offer, reasons: list[str]) -> None:
        self.count += 1
        if len(self.listed) < self.limit:
            self.listed.append({"offer_id": offer.pk, "sku": offer.sku, "reasons": reasons})


def _google_categories() -> dict[int, int]:
    """category id -> Google category id, a category without its own mapping taking its nearest ancestor's."""
    own = dict(GoogleCategoryMapping.objects.values_list("category_id", "google_category_id"))
    resolved = {}
    for category_id, path in Category.objects.values_list("id", "path"):
        for ancestor in reversed([int(part) for part in path.strip("/").split("/") if part] or [category_id]):
            if ancestor in own:
                resolved[category_id] = own[ancestor]
                break
    return resolved


def _category_names() -> dict[int, list[tuple[str, str]]]:
    rows = {
        pk: (path, name_en, name_fr)
        for pk, path, name_en, name_fr in Category.objects.values_list("id", "path", "name_en", "name_fr")
    }
    return {
        pk: [
            (rows[int(part)][1], rows[int(part)][2])
            for part in path.strip("/").split("/")
            if part and int(part) in rows
        ]
        for pk, (path, _, _) in rows.items()
    }


def _absolute(site_url: str, src: str) -> str:
    return src if src.startswith(("http://", "https://")) else f"{site_url}{src}"


def _feed_items(feed: Feed, exclusions: _Exclusions) -> Iterator[FeedItem]:
    """The feed's items, offer by offer in id order (chunks of CHUNK_SIZE: a few queries per chunk), priced through
    the pricing seam for a buyer in the feed's country paying in its currency."""
    site_url = feeds_settings().site_url
    buyer = buyer_context(country=feed.country, currency=feed.currency, channel=f"feed:{feed.kind}")
    pricing = pricing_strategy()
    placed_on = clock.now().date()
    google_categories, category_names = _google_categories(), _category_names()
    rates_by_profile: dict[int, list] = {}
    offers = offer_visible_qs().select_related("product__parent", "seller").order_by("pk")
    if feed.seller_id is not None:
        offers = offers.filter(seller_id=feed.seller_id)
    last_id = 0
    while True:
        chunk = list(offers.filter(pk__gt=last_id)[:CHUNK_SIZE])
        if not chunk:
            return
        last_id = chunk[-1].pk
        missing = {offer.shipping_profile_id for offer in chunk} - set(rates_by_profile)
        rates_by_profile.update({profile_id: [] for profile_id in missing})
        rates_by_profile.update(shipping_rates_for_profiles(missing))
        images: dict[int, list[str]] = {}
        product_ids = {offer.product_id for offer in chunk} | {
            offer.product.parent_id for offer in chunk if offer.product.parent_id
        }
        for image in ProductImage.objects.filter(product_id__in=product_ids).order_by("product_id", "position", "id"):
            if image.src:
                images.setdefault(image.product_id, []).append(_absolute(site_url, image.src))
        language = language_base(feed.language)
        texts = product_text_table({offer.product_id for offer in chunk}, [language])
        for offer in chunk:
            item, reasons = _item(
                feed,
                offer,
                text=feed_text(offer.product, language, texts.get((offer.product_id, language))),
                rates=rates_by_profile[offer.shipping_profile_id],
                images=images,
                google_categories=google_categories,
                category_names=category_names,
                buyer=buyer,
                pricing=pricing,
                placed_on=placed_on,
                site_url=site_url,
            )
            if item is None or reasons:
                exclusions.add(offer, reasons)
            else:
                yield item


def _item(
    feed: Feed, offer, *, text, rates, images, google_categories, category_names, buyer, pricing, placed_on, site_url
):
    product = offer.product
    family = product.parent if product.parent_id else None
    page = family or product
    quote = delivery_quote(
        rates=rates, price=offer.price, handling_days=offer.handling_days, country=feed.country, placed_on=placed_on
    )
    if quote is None:
        return None, ["does_not_ship_there"]
    item_price = pricing.quote(price=offer.price, shipping=Money.zero(offer.currency), buyer=buyer).total
    delivered = pricing.quote(price=offer.price, shipping=quote.shipping.price, buyer=buyer).total
    if item_price is None or delivered is None:
        return None, ["no_exchange_rate"]
    pictures = images.get(product.pk) or (images.get(family.pk, []) if family else [])
    path = reverse("storefront:product", kwargs={"product_id": page.pk, "slug": slugify(page.title)[:80] or "product"})
    query = f"country={feed.country}&currency={feed.currency}"
    link = f"{site_url}{path}?{f'variant={product.pk}&' if family else ''}{query}"
    mpn = next((str(value) for key, value in (product.attributes or {}).items() if key.casefold() == "mpn"), "")
    item = FeedItem(
        id=f"offer-{offer.pk}",
        sku=offer.sku,
        title=text.title,
        description=text.description,
        link=link,
        image_link=pictures[0] if pictures else "",
        additional_image_links=tuple(pictures[1:]),
        availability=IN_STOCK if offer.stock > 0 else OUT_OF_STOCK,
        stock=max(offer.stock, 0),
        price=item_price,
        condition=google_condition(offer.condition),
        brand=product.brand or (family.brand if family else ""),
        gtin=product.gtin or "",
        mpn=mpn[:70],
        google_product_category=google_categories.get(product.category_id),
        product_type=feed_category_path(category_names.get(product.category_id, []), feed.language),
        item_group_id=f"family-{family.pk}-{offer.seller_id}" if family else "",
        options=option_attributes(product.option_values) if family else (),
        shipping=ShippingLine(
            country=feed.country,
            service=quote.shipping.service_level,
            # What the buyer pays on top of the item, in the feed's currency: the delivered price the storefront shows
            # (converted once, as a whole) less the item's, so that price + shipping is exactly that total.
            price=delivered - item_price,
            min_transit_days=quote.shipping.transit_days_min,
            max_transit_days=quote.shipping.transit_days_max,
        ),
        handling_days=offer.handling_days,
        seller_id=offer.seller.slug,
        seller_name=offer.seller.name,
    )
    # Google refuses items without a picture or a description; a channel with its own columns decides for itself.
    return item, google.item_problems(item) if feed.kind == FeedKind.GOOGLE else []


def _render(feed: Feed, items) -> Iterator[str]:
    if feed.kind == FeedKind.GOOGLE:
        if feed.format == FeedFormat.TSV:
            return google.render_tsv(items)
        site = feeds_settings().site_url
        return google.render_xml(items, title=feed.name, link=f"{site}/", description=f"{feed.name} – {site}")
    columns = channel.channel_columns_check(feed.columns, xml=feed.format == FeedFormat.XML)
    if feed.format == FeedFormat.XML:
        return channel.render_xml(items, columns)
    return channel.render_csv(items, columns)


def feed_generate(*, feed_id: int) -> FeedGeneration | None:
    """Write the feed's file now (None: the feed was removed or is inactive). Not atomic as a whole on purpose: the
    file is written outside any transaction, then the feed row is switched to it under its lock."""
    feed = Feed.objects.select_related("seller").filter(pk=feed_id, is_active=True).first()
    if feed is None:
        return None
    exclusions = _Exclusions(feeds_settings().max_exclusions_listed)
    count = 0

    def counted(items):
        nonlocal count
        for item in items:
            count += 1
            yield item

    with tempfile.TemporaryFile() as buffer:
        for text in _render(feed, counted(_feed_items(feed, exclusions))):
            buffer.write(text.encode("utf-8"))
        size = buffer.tell()
        buffer.seek(0)
        name = default_storage.save(f"feeds/{secrets.token_hex(16)}.{feed.format}", File(buffer))
    with transaction.atomic():
        locked = Feed.objects.select_for_update().filter(pk=feed_id).first()
        if locked is None:
            transaction.on_commit(functools.partial(_delete_file, name))
            return None
        previous = locked.file_name
        locked.file_name, locked.byte_size, locked.generated_at = name, size, clock.now()
        locked.item_count, locked.excluded_count, locked.exclusions = count, exclusions.count, exclusions.listed
        locked.save(
            update_fields=["file_name", "byte_size", "generated_at", "item_count", "excluded_count", "exclusions"]
        )
        if previous:
            transaction.on_commit(functools.partial(_delete_file, previous))
    return FeedGeneration(feed_id, count, exclusions.count, size)


def feeds_due_ids(*, older_than: dt.timedelta | None = None) -> list[int]:
    """Active feeds never generated or not within `older_than` (the refresh period by default), in id order."""
    age = older_than if older_than is not None else dt.timedelta(seconds=feeds_settings().refresh_seconds)
    due = Feed.objects.filter(is_active=True).filter(
        Q(generated_at__isnull=True) | Q(generated_at__lte=clock.now() - age)
    )
    return list(due.order_by("pk").values_list("pk", flat=True))


def feeds_generate_due(*, older_than: dt.timedelta | None = None) -> list[FeedGeneration]:
    """Regenerate every due feed now, one after the other (the command's --due); one feed that fails is logged with
    its traceback and the others go on."""
    results = []
    for feed_id in feeds_due_ids(older_than=older_than):
        try:
            result = feed_generate(feed_id=feed_id)
        except Exception:  # one broken feed must not stop the others
            logger.exception("feed %s could not be generated", feed_id)
            continue
        if result is not None:
            results.append(result)
    return results


@transaction.atomic
def google_categories_assign(*, actor: User | None, google_category_ids: dict[int, int]) -> int:
    """Map categories (id -> Google taxonomy id) in one go, replacing their previous mapping; operators only. Returns
    how many categories were mapped. Raises ValidationError on an unknown category or an id that is not positive."""
    require_operator(actor, message="Only an operator maps categories to Google's taxonomy.")
    categories = Category.objects.in_bulk(list(google_category_ids))
    for category_id, google_id in google_category_ids.items():
        if category_id not in categories:
            raise _invalid("category_id", f"Unknown category {category_id}.")
        if not isinstance(google_id, int) or google_id <= 0:
            raise _invalid("google_category_id", "A Google taxonomy id is a positive whole number.")
    GoogleCategoryMapping.objects.filter(category_id__in=list(google_category_ids)).delete()
    GoogleCategoryMapping.objects.bulk_create(
        [GoogleCategoryMapping(category_id=key, google_category_id=value) for key, value in google_category_ids.items()]
    )
    for category_id, google_id in google_category_ids.items():
        audit_record(
            actor=actor,
            action="category.google_category_assigned",
            target=categories[category_id],
            data={"google_category_id": google_id},
        )
    return len(google_category_ids)
