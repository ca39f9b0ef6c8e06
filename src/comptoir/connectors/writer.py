"""The commit's writer: a shop's records become catalog products, variants and offers through the catalog's and the
offers' services — the rules of the seller center and the API, not direct model writes — in batches.

Per chunk of records it reads what exists once (the seller's offers by SKU, the families by shop key, the catalog's
products by GTIN, the pictures already recorded), then calls one bulk service per kind of write: `product_bulk_create`
for new families, then for new variants and products, `offer_bulk_create` for new offers, `offer_bulk_update` for
offers whose price, stock or activity changed. Text that changed goes through `product_update`,
`product_family_update` or `product_variant_update`, one product at a time (rare: only what changed). A record that
changes nothing writes nothing, so importing the same file twice leaves every row as it was.

A service's ValidationError names the chunk's item (`items[<index>].<field>`); the writer turns it into a report
problem on the record's line (`WriteRefused`), and the commit, one transaction, keeps nothing."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from comptoir.catalog.models import Category, Product
from comptoir.catalog.services import (
    ProductDraft,
    product_bulk_create,
    product_family_options_add,
    product_family_update,
    product_update,
    product_variant_update,
)
from comptoir.connectors.domain.records import ERROR, FAMILY, VARIANT, PictureRecord, Problem, ProductRecord
from comptoir.connectors.models import ImportedFamily, ImportedPicture
from comptoir.core.exceptions import ValidationError
from comptoir.offers.bulk import OfferBulkItem, OfferDraft, offer_bulk_create, offer_bulk_update
from comptoir.offers.models import Offer

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.offers.models import ShippingProfile
    from comptoir.sellers.models import Seller


@dataclass(frozen=True)
class WriteContext:
    seller: Seller
    actor: User | None
    profile: ShippingProfile
    currency: str
    untracked_stock: int
    job_id: int | None = None


@dataclass(frozen=True)
class FamilyRestructure:
    """A family imported before that gains option groups: its groups then the new ones, the file's option values of
    its variants by SKU, and the value a variant the file does not list takes for each group."""

    names: list[str]
    values_by_sku: dict[str, dict[str, str]]
    default_values: dict[str, str]


class WriteRefused(Exception):
    """A service refused a record: the problems, by line, for the report."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} record(s) refused")
        self.problems = problems


Chunk = Sequence[tuple[ProductRecord | PictureRecord, int]]


def _index(name: str) -> int:
    try:
        return int(name.split("[", 1)[1].split("]", 1)[0])
    except (IndexError, ValueError):
        return -1


def _refused(error: ValidationError, records: Sequence[ProductRecord]) -> WriteRefused:
    problems = []
    for name, message in error.fields.items():
        index = _index(name)
        record = records[index] if 0 <= index < len(records) else None
        column = name.split(".", 1)[1] if "." in name else name
        problems.append(Problem(ERROR, record.line if record else 0, column, message, "refused_by_catalog"))
    return WriteRefused(problems or [Problem(ERROR, 0, "", error.message, "refused_by_catalog")])


class CatalogWriter:
    """Writes the records of one import, chunk by chunk (see the module's docstring). `family_names`: the option
    groups each family's variants use (gathered by the commit's check pass), so a family is created with its final
    groups and its variants' values match them. `category_of(record)` resolves a record's category."""

    def __init__(self, context: WriteContext, *, family_names: dict[str, tuple[str, ...]], category_of: Any) -> None:
        self.context = context
        self.family_names = family_names
        self.category_of = category_of
        self.family_ids: dict[str, int] = {}
        self.owned_families: set[int] = set()
        # What the commit does after the last chunk (country rules, search index, picture fetches) needs every
        # touched product and every recorded picture: kept as 8-byte integers (`array`), not int objects in a set
        # (about 70 bytes each), a chunk's products without repeats (a product is sold under one SKU, so one
        # chunk's products rarely come back in another; a repeat costs one more refresh of the same product).
        self.product_ids = array("q")
        self.picture_ids = array("q")
        self._touched: set[int] = set()
        self.restructure: dict[str, FamilyRestructure] = {}

    # --- one chunk ---------------------------------------------------------------------------------------------

    def write(self, chunk: Chunk) -> int:
        families = [record for record, _ in chunk if isinstance(record, ProductRecord) and record.kind == FAMILY]
        sold = [(record, price) for record, price in chunk if isinstance(record, ProductRecord) and record.is_sold]
        pictures = [record for record, _ in chunk if isinstance(record, PictureRecord)]
        wanted: list[tuple[int, str]] = []  # (product id, picture address), in the file's order
        if families:
            self._families(families, wanted)
        if sold:
            self._sold(sold, self._existing_offers([record.sku for record, _ in sold]), wanted)
        # Read after the chunk's offers are made: a WXR attachment follows the product it illustrates.
        offers = self._existing_offers([picture.key for picture in pictures])
        for picture in pictures:
            offer = offers.get(picture.key)
            if offer is not None and offer.product.created_by_seller_id == self.seller.pk:
                wanted.append((offer.product_id, picture.url))
            elif offer is None and self.family_ids.get(picture.key) in self.owned_families:
                wanted.append((self.family_ids[picture.key], picture.url))
        self._pictures(wanted)
        self.product_ids.extend(sorted(self._touched))
        self._touched.clear()
        # Progress counts what the dry run counted: records and the pictures they name.
        return len(chunk) + sum(len(record.image_urls) for record, _ in chunk if isinstance(record, ProductRecord))

    @property
    def seller(self) -> Seller:
        return self.context.seller

    def _existing_offers(self, skus: list[str]) -> dict[str, Offer]:
        if not skus:
            return {}
        return {
            offer.sku: offer
            for offer in Offer.objects.select_related("product").filter(seller=self.seller, sku__in=skus)
        }

    def _families(self, records: list[ProductRecord], wanted: list[tuple[int, str]]) -> None:
        links = {
            link.key: link.product
            for link in ImportedFamily.objects.select_related("product").filter(
                seller=self.seller, key__in=[record.key for record in records]
            )
        }
        new: list[ProductRecord] = []
        for record in records:
            product = links.get(record.key)
            if product is None:
                new.append(record)
                continue
            self.family_ids[record.key] = product.pk
            if product.created_by_seller_id != self.seller.pk:
                continue
            self.owned_families.add(product.pk)
            if record.key in self.restructure:
                self._restructure(product, record, self.restructure[record.key])
            changes = _text_changes(product, record, ("title", "description", "brand"))
            if changes:
                self._update(product_family_update, family_id=product.pk, changes=changes, record=record)
            wanted.extend((product.pk, url) for url in record.image_urls)
        if not new:
            return
        drafts = [
            ProductDraft(
                title=record.title,
                category_id=self._category_id(record),
                description=record.description,
                brand=record.brand,
                attributes=record.attributes,
                option_names=list(self.family_names.get(record.key) or record.option_names),
            )
            for record in new
        ]
        created = self._bulk(product_bulk_create, new, drafts=drafts, seller=self.seller, actor=self.context.actor)
        ImportedFamily.objects.bulk_create(
            [
                ImportedFamily(seller=self.seller, key=record.key, product=product)
                for record, product in zip(new, created, strict=True)
            ]
        )
        for record, product in zip(new, created, strict=True):
            self.family_ids[record.key] = product.pk
            self.owned_families.add(product.pk)
            wanted.extend((product.pk, url) for url in record.image_urls)

    def _restructure(self, family: Product, record: ProductRecord, plan: FamilyRestructure) -> None:
        """Give the family its new option groups before its new variants are created (they follow it in the file)."""
        variant_by_sku = dict(
            Offer.objects.filter(
                seller=self.seller, sku__in=list(plan.values_by_sku), product__parent_id=family.pk
            ).values_list("sku", "product_id")
        )
        values_by_variant = {
            variant_id: plan.values_by_sku[sku] for sku, variant_id in variant_by_sku.items() if variant_id
        }
        try:
            product_family_options_add(
                family_id=family.pk,
                option_names=plan.names,
                values_by_variant=values_by_variant,
                default_values=plan.default_values,
                seller=self.seller,
                actor=self.context.actor,
            )
        except ValidationError as error:
            raise WriteRefused(
                [
                    Problem(ERROR, record.line, "options", f"{name}: {message}", "refused_by_catalog")
                    for name, message in (error.fields or {"": error.message}).items()
                ]
            ) from error
        self._touched.update(Product.objects.filter(parent_id=family.pk).values_list("pk", flat=True))

    def _sold(self, sold: list[tuple[ProductRecord, int]], offers: dict[str, Offer], wanted: list) -> None:
        context = self.context
        updates: list[OfferBulkItem] = []
        update_records: list[ProductRecord] = []
        new: list[tuple[ProductRecord, int]] = []
        for record, price in sold:
            offer = offers.get(record.sku)
            if offer is None:
                new.append((record, price))
                continue
            self._touched.add(offer.product_id)
            stock = self._stock(record)
            if (offer.price_amount, offer.currency, offer.stock, offer.is_active) != (
                price,
                context.currency,
                stock,
                record.is_active,
            ):
                updates.append(
                    OfferBulkItem(
                        sku=offer.sku,
                        price_amount=price,
                        currency=context.currency,
                        stock=stock,
                        is_active=record.is_active,
                    )
                )
                update_records.append(record)
            product = offer.product
            if product.created_by_seller_id != self.seller.pk:
                continue  # the shared catalog's text is not this seller's to change
            if product.parent_id is not None:
                changes = _text_changes(product, record, ("title", "description", "weight_grams"))
                if changes:
                    self._update(product_variant_update, variant_id=product.pk, changes=changes, record=record)
            else:
                changes = _text_changes(product, record, ("title", "description", "brand", "weight_grams"))
                category_id = self._category_id(record)
                if category_id is not None and category_id != product.category_id:
                    changes["category_id"] = category_id
                if changes:
                    self._update(product_update, product_id=product.pk, changes=changes, record=record)
            wanted.extend((product.pk, url) for url in record.image_urls)
        if updates:
            self._bulk(offer_bulk_update, update_records, seller=self.seller, actor=context.actor, items=updates)
        if new:
            self._create(new, wanted)

    def _create(self, new: list[tuple[ProductRecord, int]], wanted: list[tuple[int, str]]) -> None:
        gtins = [record.gtin for record, _ in new if record.gtin]
        by_gtin = dict(Product.objects.filter(gtin__in=gtins).values_list("gtin", "pk")) if gtins else {}
        to_make = [record for record, _ in new if not (record.gtin and record.gtin in by_gtin)]
        drafts = []
        for record in to_make:
            common: dict[str, Any] = dict(
                title=record.title,
                description=record.description,
                gtin=record.gtin,
                attributes=record.attributes,
                weight_grams=record.weight_grams,
            )
            if record.kind == VARIANT:
                drafts.append(
                    ProductDraft(
                        **common, family_id=self.family_ids.get(record.family_key), option_values=record.option_values
                    )
                )
            else:
                drafts.append(ProductDraft(**common, brand=record.brand, category_id=self._category_id(record)))
        made = {}
        if drafts:
            created = self._bulk(
                product_bulk_create, to_make, drafts=drafts, seller=self.seller, actor=self.context.actor
            )
            for record, product in zip(to_make, created, strict=True):
                made[record.sku] = product.pk
                wanted.extend((product.pk, url) for url in record.image_urls)
        offer_drafts = [
            OfferDraft(
                product_id=made.get(record.sku) or by_gtin[record.gtin or ""],
                sku=record.sku,
                price_amount=price,
                currency=self.context.currency,
                stock=self._stock(record),
                shipping_profile_id=self.context.profile.pk,
                is_active=record.is_active,
            )
            for record, price in new
        ]
        offers = self._bulk(
            offer_bulk_create,
            [record for record, _ in new],
            seller=self.seller,
            actor=self.context.actor,
            drafts=offer_drafts,
        )
        self._touched.update(offer.product_id for offer in offers)

    def _pictures(self, wanted: list[tuple[int, str]]) -> None:
        """Record the pictures to fetch (`connectors.tasks`); an address already recorded for the product is not
        fetched again, whatever became of it."""
        wanted = [(product_id, url) for product_id, url in dict.fromkeys(wanted) if len(url) <= 500]
        if not wanted:
            return
        known = set(
            ImportedPicture.objects.filter(
                product_id__in={product_id for product_id, _ in wanted}, url__in={url for _, url in wanted}
            ).values_list("product_id", "url")
        )
        positions: dict[int, int] = {}
        fresh = []
        for product_id, url in wanted:
            if (product_id, url) in known:
                continue
            position = positions.setdefault(product_id, 0)
            positions[product_id] += 1
            fresh.append(
                ImportedPicture(
                    seller=self.seller, job_id=self.context.job_id, product_id=product_id, url=url, position=position
                )
            )
        self.picture_ids.extend(picture.pk for picture in ImportedPicture.objects.bulk_create(fresh))

    # --- helpers -----------------------------------------------------------------------------------------------

    def _stock(self, record: ProductRecord) -> int:
        if record.stock is not None:
            return record.stock
        return self.context.untracked_stock if record.in_stock else 0

    def _category_id(self, record: ProductRecord) -> int | None:
        category: Category | None = self.category_of(record)
        return category.pk if category is not None else None

    def _bulk(self, service: Any, records: Sequence[ProductRecord], **arguments: Any) -> Any:
        try:
            return service(**arguments)
        except ValidationError as error:
            raise _refused(error, records) from error

    def _update(self, service: Any, *, record: ProductRecord, **arguments: Any) -> None:
        try:
            service(seller=self.seller, actor=self.context.actor, **arguments)
        except ValidationError as error:
            raise WriteRefused(
                [
                    Problem(ERROR, record.line, name, message, "refused_by_catalog")
                    for name, message in (error.fields or {"": error.message}).items()
                ]
            ) from error
        if "family_id" not in arguments:
            self._touched.add(arguments.get("product_id") or arguments["variant_id"])


def _text_changes(product: Product, record: ProductRecord, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields of `names` whose value in the file differs from the product's (title and brand compared trimmed; a
    weight the file does not give leaves the product's as it is)."""
    changes: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        if name in ("title", "brand"):
            value = value.strip()
            if name == "title" and not value:
                continue
        if name == "weight_grams" and value is None:
            continue
        if value != getattr(product, name):
            changes[name] = value
    return changes
