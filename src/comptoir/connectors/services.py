"""Shop imports: a dry run that reports, then a commit that writes everything or nothing.

Both read the uploaded file as a stream through the pure parsers (`connectors.domain`) and the same `Analyser`, so
the commit imports exactly what the dry run reported. The commit is keyed by seller and SKU (offers) and by seller
and shop key (families, `ImportedFamily`): importing the same file again changes nothing, importing a newer export
updates prices, stock, activity and the text of the products the seller created. A product found by its GTIN in the
shared catalog gets the seller's offer and keeps its text. Event delivery is paused during the commit; the search
index and the seller's listing signal are refreshed once, after it commits (DEVELOPERS.md, bulk loads)."""

from __future__ import annotations

import csv
import functools
import hashlib
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import IO, TYPE_CHECKING, Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from comptoir.catalog.models import Category, Product
from comptoir.compliance.services import offer_market_blocks_refresh
from comptoir.connectors import errors
from comptoir.connectors.domain.formats import FORMATS, parse
from comptoir.connectors.domain.records import (
    ERROR,
    FAMILY,
    VARIANT,
    WARNING,
    Opener,
    PictureRecord,
    Problem,
    ProductRecord,
)
from comptoir.connectors.domain.report import Analyser, ImportReport
from comptoir.connectors.models import ImportedFamily, ImportJob
from comptoir.connectors.writer import CatalogWriter, FamilyRestructure, WriteContext, WriteRefused
from comptoir.core import clock, events
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.money import currency_exponent
from comptoir.core.services import audit_record
from comptoir.offers.conf import offers_settings
from comptoir.offers.models import Offer, ShippingProfile

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

MAX_FILE_BYTES = 200 * 1024 * 1024
BATCH = 500
WRITE_CHUNK = 1000
MARKET_REFRESH_SLICE = 10_000
MAX_EXAMPLES = 20
Progress = Callable[[int], object]


@dataclass(frozen=True)
class ImportOptions:
    """How the file's offers are made: which shipping profile (its currency is the offers' currency), the category
    for products whose own matches none of the marketplace's, and the stock of products the shop does not count."""

    shipping_profile_id: int | None = None
    default_category_id: int | None = None
    untracked_stock: int = 0


@dataclass(frozen=True)
class _Context:
    seller: Seller
    profile: ShippingProfile
    currency: str
    default_category: Category | None
    untracked_stock: int


def _context(seller: Seller, options: ImportOptions) -> _Context:
    profiles = ShippingProfile.objects.filter(seller=seller).prefetch_related("rates").order_by("id")
    if options.shipping_profile_id is not None:
        profiles = profiles.filter(pk=options.shipping_profile_id)
    profile = profiles.first()
    if profile is None:
        raise ValidationError(
            "Create a shipping profile before importing: imported offers use it.",
            code=errors.NO_SHIPPING_PROFILE,
            fields={"shipping_profile_id": "Unknown shipping profile."},
        )
    rates = list(profile.rates.all())
    currency = rates[0].currency if rates else offers_settings().currency
    default_category = None
    if options.default_category_id is not None:
        default_category = Category.objects.filter(pk=options.default_category_id).first()
        if default_category is None:
            raise ValidationError(
                "Unknown category.", code=errors.INVALID_OPTIONS, fields={"default_category_id": "Unknown category."}
            )
    if not 0 <= options.untracked_stock <= 1_000_000:
        raise ValidationError(
            "Invalid stock.", code=errors.INVALID_OPTIONS, fields={"untracked_stock": "0 to 1000000."}
        )
    return _Context(seller, profile, currency, default_category, options.untracked_stock)


class CategoryMapper:
    """A shop's category path ('Apparel > Clothing > T-Shirts', 'Default Category/Gear/Fitness', 'iPods') to a
    marketplace category: the deepest segment whose name (English or French) or slug matches, else the default."""

    def __init__(self, default: Category | None) -> None:
        self.default = default
        self._cache: dict[str, Category | None] = {}

    def own_match(self, path: str) -> Category | None:
        if path not in self._cache:
            found = None
            segments = [part.strip() for part in path.replace(">", "/").split("/") if part.strip()]
            for segment in reversed(segments):
                found = Category.objects.filter(
                    Q(name_en__iexact=segment) | Q(name_fr__iexact=segment) | Q(slug=slugify(segment))
                ).first()
                if found is not None:
                    break
            self._cache[path] = found
        return self._cache[path]

    def resolve(self, path: str) -> Category | None:
        return self.own_match(path) or self.default


def _openers(job_or_paths: dict[str, str]) -> tuple[Opener, dict[str, Opener]]:
    main = job_or_paths["file"]
    companions = {name: functools.partial(default_storage.open, path, "rb") for name, path in job_or_paths.items()}
    companions.pop("file")
    return functools.partial(default_storage.open, main, "rb"), companions  # type: ignore[return-value]


def _stream(format_name: str, opener: Opener, companions: dict[str, Opener]) -> Iterator[Any]:
    try:
        yield from parse(format_name, opener, companions)
    except UnicodeDecodeError as error:
        yield Problem(
            ERROR, 0, "", gettext_noop("The file is not UTF-8 text (byte %(byte)s)."), "encoding", {"byte": error.start}
        )
    except csv.Error as error:  # a field over the csv module's limit, a stray quote at the end of the file
        yield Problem(
            ERROR,
            0,
            "",
            gettext_noop("The file is not readable as CSV: %(error)s."),
            "malformed_csv",
            {"error": str(error)},
        )


def import_analyse(
    *,
    seller: Seller,
    format_name: str,
    opener: Opener,
    companions: dict[str, Opener] | None = None,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """The dry run: read the whole file, write nothing, and report what importing it would do. Raises
    ValidationError for an unknown format or unusable options; problems of the file are in the report."""
    return _analyse(
        seller=seller,
        format_name=format_name,
        opener=opener,
        companions=companions or {},
        options=options or ImportOptions(),
        progress=progress,
        families=_FamilyOptions(),
    )


class _FamilyOptions:
    """The option groups each family's variants use: a family is created with those (WooCommerce lists "any size"
    groups too), the ones it declares first, in its order. Its variants must all give a value for each.

    Memory: it holds one entry per family for the whole import (not per row), and the tuples and sets of names are
    shared between families (`_shared`): a file's families mostly use the same groups, so an entry costs the key and
    four dict slots, about 250 bytes a family (50 a row in families of five)."""

    def __init__(self) -> None:
        self.declared: dict[str, tuple[str, ...]] = {}
        self.lines: dict[str, int] = {}
        self.used: dict[str, tuple[str, ...]] = {}
        # The union and the intersection of the groups each variant of a family gives values for: they differ as
        # soon as two variants give different groups (reported by `problems`).
        self.shapes: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        # Families imported before that gain option groups: key -> (family id, its groups then the new ones).
        self.gaining: dict[str, tuple[int, list[str]]] = {}
        self._interned: dict[Any, Any] = {}

    def _shared(self, value: Any) -> Any:
        return self._interned.setdefault(value, value)

    def add(self, record: ProductRecord) -> None:
        if record.kind == FAMILY:
            self.declared[record.key] = self._shared(tuple(record.option_names))
            self.lines[record.key] = record.line
        elif record.kind == VARIANT:
            key = record.family_key
            used = self.used.get(key, ())
            if any(name not in used for name in record.option_values):
                self.used[key] = self._shared(used + tuple(name for name in record.option_values if name not in used))
            shape = self._shared(frozenset(record.option_values))
            every, common = self.shapes.get(key, (shape, shape))
            if shape != every or shape != common:
                every, common = self._shared(every | shape), self._shared(common & shape)
            self.shapes[key] = self._shared((every, common))

    def check_existing(self, seller: Seller, report: ImportReport) -> None:
        """Compare the option groups of the families imported before with the file's. A family that gains groups
        is restructured by the commit (`catalog.services.product_family_options_add`: its variants keep their ids
        and offers and take the file's value for the new groups), reported as a warning; a family whose groups are
        dropped or renamed, or that another seller created, is an error."""
        names = self.names()
        keys = list(names)
        for start in range(0, len(keys), BATCH):
            links = ImportedFamily.objects.select_related("product").filter(
                seller=seller, key__in=keys[start : start + BATCH]
            )
            for link in links:
                current = list(link.product.option_names)
                final = names[link.key]
                if set(final) == set(current):
                    continue
                line = self.lines.get(link.key, 0)
                added = [name for name in final if name not in current]
                if set(current) < set(final) and link.product.created_by_seller_id == seller.pk:
                    self.gaining[link.key] = (link.product_id, current + added)
                    report.families_restructured += 1
                    report.add_problem(
                        Problem(
                            WARNING,
                            line,
                            "",
                            gettext_noop(
                                "'%(key)s' gains the option group(s) %(groups)s: its variants keep their offers and "
                                "take their value from the file; new combinations become new variants."
                            ),
                            "family_options_added",
                            {"key": link.key, "groups": ", ".join(added)},
                        )
                    )
                else:
                    report.add_problem(
                        Problem(
                            ERROR,
                            line,
                            "",
                            gettext_noop(
                                "'%(key)s' was imported with the option groups %(current)s; this file gives "
                                "%(groups)s. Groups may be added, not dropped or renamed."
                            ),
                            "family_options_changed",
                            {"key": link.key, "current": ", ".join(current), "groups": ", ".join(final)},
                        )
                    )

    def gaining_values(
        self, stream: Iterator[Any]
    ) -> tuple[dict[str, dict[str, dict[str, str]]], dict[str, dict[str, str]]]:
        """For the families that gain groups: each variant's option values by SKU (the first record of a SKU), and
        the first value of each group in the file (the value an existing variant the file no longer lists takes for
        a group its family gains, as in a shop, where existing variants take the new option's first value)."""
        values: dict[str, dict[str, dict[str, str]]] = {key: {} for key in self.gaining}
        first: dict[str, dict[str, str]] = {key: {} for key in self.gaining}
        for item in stream:
            if isinstance(item, ProductRecord) and item.kind == VARIANT and item.family_key in values:
                values[item.family_key].setdefault(item.sku, dict(item.option_values))
                for name, value in item.option_values.items():
                    first[item.family_key].setdefault(name, value)
        return values, first

    def names(self) -> dict[str, tuple[str, ...]]:
        final = {}
        for key, used in self.used.items():
            declared = self.declared.get(key, ())
            final[key] = self._shared(
                tuple([name for name in declared if name in used] + [name for name in used if name not in declared])
            )
        return final

    def problems(self) -> Iterator[Problem]:
        for key, (every, common) in self.shapes.items():
            if every != common:
                missing = sorted(every - common)
                yield Problem(
                    ERROR,
                    self.lines.get(key, 0),
                    "",
                    gettext_noop(
                        "Some variants of '%(key)s' give no value for %(options)s: each variant needs a value for "
                        "every option its family uses."
                    ),
                    "variant_options_incomplete",
                    {"key": key, "options": ", ".join(missing)},
                )


def _analyse(
    *,
    seller: Seller,
    format_name: str,
    opener: Opener,
    companions: dict[str, Opener],
    options: ImportOptions,
    progress: Progress | None,
    families: _FamilyOptions,
) -> ImportReport:
    if format_name not in FORMATS:
        raise ValidationError(
            "Unknown format.", code=errors.UNKNOWN_FORMAT, fields={"format": f"One of {', '.join(FORMATS)}."}
        )
    context = _context(seller, options)
    analyser = Analyser(
        format_name=format_name,
        currency=context.currency,
        max_price_minor=offers_settings().max_unit_price_major * 10 ** currency_exponent(context.currency),
    )
    mapper = CategoryMapper(context.default_category)
    pending: list[ProductRecord] = []
    for done, item in enumerate(_stream(format_name, opener, companions), start=1):
        record = analyser.accept(item)
        if isinstance(record, ProductRecord):
            families.add(record)
        if isinstance(record, ProductRecord) and record.is_sold:
            pending.append(record)
            if len(pending) >= BATCH:
                _check_against_catalog(context, analyser.report, pending)
                pending = []
        if progress is not None and done % 100 == 0:
            progress(done)
    _check_against_catalog(context, analyser.report, pending)
    report = analyser.report
    for problem in families.problems():
        report.add_problem(problem)
    families.check_existing(context.seller, report)
    unmapped = 0
    for path, count in report.categories.items():
        category = mapper.resolve(path)
        report.category_mapping[path] = category.name_en if category else ""
        if category is not None and mapper.own_match(path) is None:
            report.categories_defaulted.append(path)
        if category is None:
            unmapped += count
    if unmapped:
        analyser.problem(
            ERROR,
            0,
            "category",
            gettext_noop(
                "%(count)s product(s) are in categories that match none of the marketplace's: choose a default "
                "category."
            ),
            "category_unmapped",
            count=unmapped,
        )
    return report


def _check_against_catalog(context: _Context, report: ImportReport, records: list[ProductRecord]) -> None:
    """Which offers exist already (updated), which GTINs the shared catalog has (attached), and offers that would
    break the one-offer-per-product-and-condition rule."""
    if not records:
        return
    existing = dict(
        Offer.objects.filter(seller=context.seller, sku__in=[record.sku for record in records]).values_list(
            "sku", "product_id"
        )
    )
    gtins = {record.gtin for record in records if record.gtin and record.sku not in existing}
    products = {product.gtin: product for product in Product.objects.filter(gtin__in=gtins)} if gtins else {}
    offered = dict(
        Offer.objects.filter(seller=context.seller, product__in=list(products.values())).values_list(
            "product_id", "sku"
        )
    )
    for record in records:
        if record.sku in existing:
            report.offers_updated += 1
            continue
        report.offers_new += 1
        product = products.get(record.gtin or "")
        if product is None:
            continue
        if product.pk in offered:
            report.add_problem(
                Problem(
                    ERROR,
                    record.line,
                    "gtin",
                    gettext_noop("You already sell the product with GTIN %(gtin)s under the SKU '%(sku)s'."),
                    "gtin_already_offered",
                    {"gtin": record.gtin, "sku": offered[product.pk]},
                )
            )
            continue
        report.gtin_matches += 1
        if len(report.gtin_match_examples) < MAX_EXAMPLES:
            report.gtin_match_examples.append(
                {"sku": record.sku, "gtin": record.gtin, "product_id": product.pk, "title": product.title}
            )


def _store(uploaded: IO[bytes], seller: Seller, name: str) -> tuple[str, str, int]:
    digest = hashlib.sha256()
    size = 0
    uploaded.seek(0)
    while chunk := uploaded.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            "The file is too large.", code=errors.FILE_TOO_LARGE, fields={"file": f"At most {MAX_FILE_BYTES} bytes."}
        )
    uploaded.seek(0)
    stored = default_storage.save(f"imports/{seller.pk}/{digest.hexdigest()[:16]}-{slugify(name)[:60]}", File(uploaded))
    return stored, digest.hexdigest(), size


def import_job_create(
    *,
    seller: Seller,
    actor: User | None,
    format_name: str,
    file: IO[bytes],
    file_name: str,
    companions: Mapping[str, IO[bytes]] | None = None,
    options: ImportOptions | None = None,
) -> ImportJob:
    """Store the upload and run the dry run: a job whose status is `analysed` (ready to commit) or `invalid` (its
    report lists the errors). Uploading the same file with the same options again returns the same pending job.
    Raises ValidationError for an unknown format, unusable options or a file over MAX_FILE_BYTES."""
    options = options or ImportOptions()
    if format_name not in FORMATS:
        raise ValidationError(
            "Unknown format.", code=errors.UNKNOWN_FORMAT, fields={"format": f"One of {', '.join(FORMATS)}."}
        )
    _context(seller, options)
    stored, sha256, _size = _store(file, seller, file_name)
    paths = {"file": stored}
    fingerprint = hashlib.sha256(sha256.encode())
    for name, companion in sorted((companions or {}).items()):
        paths[name], companion_sha, _ = _store(companion, seller, f"{name}-{file_name}")
        fingerprint.update(f"{name}:{companion_sha}".encode())
    fingerprint.update(repr(sorted(asdict(options).items())).encode())
    key = fingerprint.hexdigest()
    existing = (
        ImportJob.objects.filter(seller=seller, file_sha256=key, format=format_name)
        .exclude(status__in=[ImportJob.Status.FAILED])
        .first()
    )
    if existing is not None:
        return existing
    opener, companion_openers = _openers(paths)
    report = import_analyse(
        seller=seller, format_name=format_name, opener=opener, companions=companion_openers, options=options
    )
    return ImportJob.objects.create(
        seller=seller,
        created_by=actor,
        format=format_name,
        file=stored,
        file_name=file_name[:200],
        file_sha256=key,
        companions={name: path for name, path in paths.items() if name != "file"},
        options=asdict(options),
        status=ImportJob.Status.ANALYSED if report.is_valid else ImportJob.Status.INVALID,
        report=report.to_dict(),
        progress_total=report.offers + report.families + report.pictures,
    )


def import_job_get_for_seller(*, seller: Seller, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id, seller=seller).first()
    if job is None:
        raise NotFound("No such import.", code=errors.IMPORT_NOT_FOUND)
    return job


def import_job_commit(
    *, seller: Seller, actor: User | None, job_id: int, progress: Progress | None = None
) -> ImportJob:
    """Write the job's file: everything or nothing, in one transaction. Idempotent: a committed job is returned as
    it is. Raises NotFound (another seller's job), ValidationError `import_invalid` when the dry run found errors
    (or the catalog changed since and the file no longer passes: the report is refreshed and nothing is written)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, seller=seller).first()
        if job is None:
            raise NotFound("No such import.", code=errors.IMPORT_NOT_FOUND)
        if job.status == ImportJob.Status.COMMITTED:
            return job
        if job.status == ImportJob.Status.INVALID:
            raise ValidationError("The file has errors: nothing was imported.", code=errors.IMPORT_INVALID)
    # analysed, committing (queued by import_job_commit_enqueue) or failed (a retry): write it.
    options = ImportOptions(**job.options)
    opener, companions = _openers({"file": job.file.name or "", **job.companions})
    try:
        with transaction.atomic(), events.delivery_paused():
            report, product_ids, picture_ids = _commit(job, seller, actor, options, opener, companions, progress)
            if not report.is_valid:
                raise _Rejected(report)
            # Country rules: the imported offers' blocked markets, in this transaction (the bus is paused), so that
            # none is ever visible where it may not be sold (docs/COMPLIANCE.md).
            # In slices: a statement takes at most 65,535 parameters on PostgreSQL, and a 100k-row file touches more
            # products than that (each id is sent twice: the product and the family).
            # The writer's touched products are 8-byte integers in file order (not a set): sliced as they are.
            for start in range(0, len(product_ids), MARKET_REFRESH_SLICE):
                offer_market_blocks_refresh(
                    seller_ids=[seller.pk], product_ids=list(product_ids[start : start + MARKET_REFRESH_SLICE])
                )
            job.status = ImportJob.Status.COMMITTED
            job.report = report.to_dict()
            job.committed_at = clock.now()
            job.save(update_fields=["status", "report", "committed_at"])
            audit_record(
                actor=actor,
                action="catalog_import.committed",
                target=job,
                seller_id=seller.pk,
                data={"format": job.format, "offers": report.offers, "products": report.products},
            )
            transaction.on_commit(functools.partial(_refresh_after_import, seller.pk, product_ids))
            transaction.on_commit(functools.partial(_fetch_pictures, picture_ids))
    except _Rejected as rejected:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.INVALID, report=rejected.report.to_dict())
        raise ValidationError("The file has errors: nothing was imported.", code=errors.IMPORT_INVALID) from None
    return job


class _Rejected(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("rejected")
        self.report = report


def _fetch_pictures(picture_ids: Sequence[int]) -> None:
    from comptoir.connectors.pictures import imported_pictures_enqueue

    imported_pictures_enqueue(picture_ids)


def _refresh_after_import(seller_id: int, product_ids: Sequence[int]) -> None:
    from comptoir.search.tasks import search_index_products_task
    from comptoir.trust.tasks import listing_completeness_task

    for start in range(0, len(product_ids), 1000):
        search_index_products_task.enqueue(product_ids=list(product_ids[start : start + 1000]))
    listing_completeness_task.enqueue(seller_id=seller_id)


def _commit(
    job: ImportJob,
    seller: Seller,
    actor: User | None,
    options: ImportOptions,
    opener: Opener,
    companions: dict[str, Opener],
    progress: Progress | None,
) -> tuple[ImportReport, Sequence[int], Sequence[int]]:
    """Check the file again (the catalog may have changed since the dry run), then write it through the writer.
    Returns the report, the touched products and the pictures to fetch; a record a service refuses makes the report
    invalid (the caller rolls back)."""
    context = _context(seller, options)
    families = _FamilyOptions()
    report = _analyse(
        seller=seller,
        format_name=job.format,
        opener=opener,
        companions=companions,
        options=options,
        progress=None,
        families=families,
    )
    if not report.is_valid:
        return report, array("q"), array("q")
    analyser = Analyser(
        format_name=job.format,
        currency=context.currency,
        max_price_minor=offers_settings().max_unit_price_major * 10 ** currency_exponent(context.currency),
    )
    mapper = CategoryMapper(context.default_category)
    writer = CatalogWriter(
        WriteContext(
            seller=seller,
            actor=actor,
            profile=context.profile,
            currency=context.currency,
            untracked_stock=context.untracked_stock,
            job_id=job.pk,
        ),
        family_names=families.names(),
        category_of=lambda record: mapper.resolve(record.category_path),
    )
    if families.gaining:
        # A third reading, only when families gain option groups: their variants' values by SKU.
        values, first = families.gaining_values(_stream(job.format, opener, companions))
        writer.restructure = {
            key: FamilyRestructure(
                names=names,
                values_by_sku=values.get(key, {}),
                default_values=first.get(key, {}),
            )
            for key, (_, names) in families.gaining.items()
        }
    done = 0
    chunk: list[tuple[ProductRecord | PictureRecord, int]] = []
    try:
        for item in _stream(job.format, opener, companions):
            record = analyser.accept(item)
            if record is None:
                continue
            chunk.append((record, (analyser.price_minor or 0) if isinstance(record, ProductRecord) else 0))
            if len(chunk) >= WRITE_CHUNK:
                done += writer.write(chunk)
                chunk = []
                if progress is not None:
                    progress(done)
        done += writer.write(chunk)
    except WriteRefused as refused:
        for problem in refused.problems:
            report.add_problem(problem)
        return report, array("q"), array("q")
    if progress is not None:
        progress(done)
    return report, writer.product_ids, writer.picture_ids


def import_job_commit_enqueue(*, seller: Seller, actor: User | None, job_id: int) -> ImportJob:
    """Ask a worker to commit the job (`connectors.tasks.import_commit_task`) and mark it `committing`. Idempotent: a
    job already committing or committed is returned unchanged and nothing is queued twice. Raises NotFound (another
    seller's job) and ValidationError `import_invalid` for a job whose dry run found errors."""
    from comptoir.connectors.tasks import import_commit_task

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, seller=seller).first()
        if job is None:
            raise NotFound("No such import.", code=errors.IMPORT_NOT_FOUND)
        if job.status in (ImportJob.Status.COMMITTING, ImportJob.Status.COMMITTED):
            return job
        if job.status == ImportJob.Status.INVALID:
            raise ValidationError("The file has errors: nothing was imported.", code=errors.IMPORT_INVALID)
        job.status = ImportJob.Status.COMMITTING
        job.failure = ""
        job.save(update_fields=["status", "failure"])
        transaction.on_commit(
            functools.partial(import_commit_task.enqueue, job_id=job.pk, actor_id=actor.pk if actor else None)
        )
    job.refresh_from_db()
    return job
