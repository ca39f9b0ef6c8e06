"""Writes: loading the rules, sellers' registrations and responsible person, and the offers' market blocks.

Blocks are kept in step by `offer_market_blocks_refresh`, called by this app's own writes (rules, registrations), by
subscribers when offers or products change (compliance/subscribers.py), by the daily scheduler (rules coming into
force) and by bulk loads at their end (the demo, shop imports). It publishes `OfferMarketsChanged` when a block
appeared, disappeared or changed, so that search reindexes those products."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.db import transaction

from comptoir.compliance import errors
from comptoir.compliance.domain import rules as domain
from comptoir.compliance.events import OfferMarketsChanged
from comptoir.compliance.models import (
    ComplianceRule,
    Manufacturer,
    OfferMarketBlock,
    ResponsiblePerson,
    SellerRegistration,
)
from comptoir.compliance.reasons import restricted_message
from comptoir.compliance.selectors import compliance_rules, day_default, offer_facts
from comptoir.core import clock
from comptoir.core.events import publish
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.services import audit_record
from comptoir.offers.models import Offer
from comptoir.sellers.domain.trader import EU_MEMBER_STATES

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.json"
REFRESH_CHUNK = 2000
COUNTRY = re.compile(r"[A-Z]{2}")
# A scheme of one country's law is recorded for that country only.
SCHEME_COUNTRIES = {scheme: scheme[:2].upper() for scheme in domain.SCHEMES if scheme[:3] in {"fr_", "de_"}}


# --- Rules ----------------------------------------------------------------------------------------------------------


@dataclass
class RulesLoadReport:
    source: str
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    blocks: RefreshReport | None = None


def _date(value: object, *, code: str, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"Rule {code}: {name} is not a date.", code=errors.RULES_FILE_INVALID) from None


def _rule_fields(entry: dict) -> dict:
    """A rules.json entry as model fields, checked by building the evaluator's Rule from it."""
    code = str(entry.get("code", ""))
    if not re.fullmatch(r"[a-z0-9_]{1,80}", code):
        raise ValidationError(f"Rule code {code!r} is not valid.", code=errors.RULES_FILE_INVALID)
    countries = entry.get("countries")
    categories = entry.get("categories", [])
    if not isinstance(countries, list) or not countries or not all(isinstance(c, str) for c in countries):
        raise ValidationError(f"Rule {code}: countries must be a list of codes.", code=errors.RULES_FILE_INVALID)
    if not all(c == domain.EU or COUNTRY.fullmatch(c) for c in countries):
        raise ValidationError(f"Rule {code}: unknown country code.", code=errors.RULES_FILE_INVALID)
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ValidationError(f"Rule {code}: categories must be a list of slugs.", code=errors.RULES_FILE_INVALID)
    if not str(entry.get("source", "")).strip() or not str(entry.get("title", "")).strip():
        raise ValidationError(f"Rule {code}: a title and a source are required.", code=errors.RULES_FILE_INVALID)
    fields = {
        "title": str(entry["title"]).strip()[:200],
        "requirement": str(entry.get("requirement", "")),
        "scheme": str(entry.get("scheme", "")),
        "countries": countries,
        "categories": categories,
        "effective_from": _date(entry.get("effective_from"), code=code, name="effective_from"),
        "effective_to": _date(entry.get("effective_to"), code=code, name="effective_to"),
        "source": str(entry["source"]).strip(),
    }
    if fields["effective_from"] is None:
        raise ValidationError(f"Rule {code}: effective_from is required.", code=errors.RULES_FILE_INVALID)
    try:
        ComplianceRule(code=code, **fields).as_rule()
    except ValueError as error:
        raise ValidationError(str(error), code=errors.RULES_FILE_INVALID) from None
    return fields


def compliance_rules_load(*, path: Path | None = None, actor=None, skip: Iterable[str] = ()) -> RulesLoadReport:
    """Make the rule table what the file says (default: the rules shipped in compliance/data/rules.json): rules are
    created, updated or removed by code, all or nothing, then every offer's blocks are recomputed. `skip`: codes left
    out (the demo leaves out the picture rule, its products being mostly without pictures). Idempotent; raises
    ValidationError (rules_file_invalid) on a malformed file, writing nothing."""
    path = path or RULES_FILE
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        entries = document["rules"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(f"Cannot read the rules file: {error}", code=errors.RULES_FILE_INVALID) from None
    if not isinstance(entries, list):
        raise ValidationError("The rules file has no list of rules.", code=errors.RULES_FILE_INVALID)
    skipped = set(skip)
    wanted: dict[str, dict] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValidationError("Each rule must be an object.", code=errors.RULES_FILE_INVALID)
        fields = _rule_fields(entry)
        if entry["code"] in wanted:
            raise ValidationError(f"Rule {entry['code']} appears twice.", code=errors.RULES_FILE_INVALID)
        if entry["code"] not in skipped:
            wanted[entry["code"]] = fields
    report = RulesLoadReport(source=f"{Path(path).name} {document.get('version', '')}".strip())
    now = clock.now()
    with transaction.atomic(durable=True):
        existing = {rule.code: rule for rule in ComplianceRule.objects.select_for_update().order_by("pk")}
        for code, fields in wanted.items():
            rule = existing.get(code)
            if rule is None:
                ComplianceRule.objects.create(code=code, loaded_at=now, **fields)
                report.created.append(code)
            elif any(getattr(rule, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(rule, name, value)
                rule.loaded_at = now
                rule.save()
                report.changed.append(code)
            else:
                report.unchanged += 1
        report.removed = sorted(set(existing) - set(wanted))
        ComplianceRule.objects.filter(code__in=report.removed).delete()
        target = ComplianceRule.objects.order_by("pk").first()
        if target is not None and (report.created or report.changed or report.removed):
            audit_record(
                actor=actor,
                action="compliance.rules_loaded",
                target=target,
                data={
                    "source": report.source,
                    "created": report.created,
                    "changed": report.changed,
                    "removed": report.removed,
                },
                actor_label="" if actor else "comptoir compliance rules-load",
            )
        report.blocks = offer_market_blocks_refresh()
    return report


# --- Blocks ---------------------------------------------------------------------------------------------------------


@dataclass
class RefreshReport:
    offers: int = 0
    blocks: int = 0  # rows for the refreshed offers after the refresh
    changed_offer_ids: list[int] = field(default_factory=list)


def _refresh_chunk(offer_ids: list[int], *, rules: list[domain.Rule], day: dt.date, report: RefreshReport) -> None:
    wanted: dict[tuple[int, str], list[dict]] = {}
    for facts in offer_facts(offer_ids):
        for country, found in domain.blocked_markets(facts, rules=rules, day=day).items():
            wanted[(facts.offer_id, country)] = [reason.as_dict() for reason in found]
    existing = {
        (offer_id, country): (pk, reasons)
        for pk, offer_id, country, reasons in OfferMarketBlock.objects.filter(offer_id__in=offer_ids).values_list(
            "pk", "offer_id", "country", "reasons"
        )
    }
    stale = sorted(pk for key, (pk, _reasons) in existing.items() if key not in wanted)
    changed = {key[0] for key in existing if key not in wanted}
    now = clock.now()
    upserts = []
    for key, wanted_reasons in sorted(wanted.items()):
        current = existing.get(key)
        if current is None or current[1] != wanted_reasons:
            upserts.append(OfferMarketBlock(offer_id=key[0], country=key[1], reasons=wanted_reasons, computed_at=now))
            changed.add(key[0])
    if stale:
        OfferMarketBlock.objects.filter(pk__in=stale).delete()
    # An upsert, in (offer, country) order: two refreshes of the same offers at once (a seller's registration and an
    # offer edit) both succeed, the later commit's reasons standing, instead of one failing on the unique constraint;
    # the common order keeps them from deadlocking.
    OfferMarketBlock.objects.bulk_create(
        upserts,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["offer", "country"],
        update_fields=["reasons", "computed_at"],
    )
    report.offers += len(offer_ids)
    report.blocks += len(wanted)
    report.changed_offer_ids.extend(sorted(changed))


def offer_market_blocks_refresh(
    *,
    offer_ids: Iterable[int] | None = None,
    seller_ids: Iterable[int] | None = None,
    product_ids: Iterable[int] | None = None,
    day: dt.date | None = None,
) -> RefreshReport:
    """Recompute the blocks of these offers (of these sellers, of these products; none given: every offer) against
    the rules in force on `day` (default today), in one transaction: a row per blocked market with its reasons, none
    for an allowed one. Idempotent; publishes OfferMarketsChanged for the offers whose blocks changed."""
    day = day_default(day)
    rules = [rule for rule in compliance_rules() if rule.is_in_force(day)]
    offers = Offer.objects.order_by("pk")
    if offer_ids is not None:
        offers = offers.filter(pk__in=list(offer_ids))
    if seller_ids is not None:
        offers = offers.filter(seller_id__in=list(seller_ids))
    if product_ids is not None:
        ids = list(product_ids)
        offers = offers.filter(product_id__in=ids) | offers.filter(product__parent_id__in=ids)
    report = RefreshReport()
    # Nothing in force (the usual case before `rules-load`): no offer may be blocked. Only blocks left by rules since
    # removed or lapsed need work, so an offer's write costs two statements here, not the whole pass.
    if not rules and not OfferMarketBlock.objects.filter(offer__in=offers).exists():
        return report
    with transaction.atomic():
        ids = list(offers.values_list("pk", flat=True))
        for start in range(0, len(ids), REFRESH_CHUNK):
            _refresh_chunk(ids[start : start + REFRESH_CHUNK], rules=rules, day=day, report=report)
        if report.changed_offer_ids:
            changed = sorted(set(report.changed_offer_ids))
            product_ids_changed = sorted(set(Offer.objects.filter(pk__in=changed).values_list("product_id", flat=True)))
            publish(
                OfferMarketsChanged(offer_ids=tuple(changed), product_ids=tuple(product_ids_changed), at=clock.now())
            )
    return report


def offers_check_destination(*, offer_ids: Iterable[int], country: str) -> None:
    """Raise Conflict (offer_restricted_for_destination) when one of these offers may not be sold to buyers in
    `country`, naming the product and why, in the active language. One query when none is blocked."""
    blocked = list(
        OfferMarketBlock.objects.filter(offer_id__in=list(offer_ids), country=country.upper())
        .order_by("offer_id")
        .values_list("offer_id", "reasons", "offer__product__title")[:1]
    )
    if blocked:
        offer_id, reasons, title = blocked[0]
        raise Conflict(
            restricted_message(title=title, country=country.upper(), reasons=reasons),
            code=errors.OFFER_RESTRICTED_FOR_DESTINATION,
            extra={"offer_id": offer_id, "country": country.upper(), "reasons": reasons},
        )


# --- What sellers record --------------------------------------------------------------------------------------------


def _clean_text(value: object, *, name: str, limit: int, fields: dict[str, str]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        fields[name] = "This field is required."
    elif len(text) > limit:
        fields[name] = f"At most {limit} characters."
    elif any(ord(char) < 32 or ord(char) == 127 for char in text):
        fields[name] = "One line of text, without control characters."
    return text


def _country_code(value: object, *, fields: dict[str, str]) -> str:
    """An ISO 3166-1 alpha-2 code known to pycountry (upper-cased), else a field error."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if not COUNTRY.fullmatch(code) or pycountry.countries.get(alpha_2=code) is None:
        fields["country"] = "Use an ISO 3166 two-letter country code."
    return code


def _email(value: object, *, fields: dict[str, str]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    try:
        EmailValidator()(text)
    except DjangoValidationError:
        fields["email"] = "Enter a valid email address."
    return text


def manufacturer_set(*, seller, actor, name: object, address: object, email: object, country: object) -> Manufacturer:
    """Record (or replace) the postal and electronic address of a manufacturer whose products the seller offers
    (GPSR Art. 19(a)), keyed by name (case-insensitive: the product's brand or `manufacturer` attribute), then
    recompute the seller's offers' blocks. Idempotent. Raises ValidationError with field errors (name, address,
    email syntax, a country code known to ISO 3166)."""
    fields: dict[str, str] = {}
    clean_name = _clean_text(name, name="name", limit=200, fields=fields)
    clean_address = _clean_text(address, name="address", limit=300, fields=fields)
    clean_email = _email(email, fields=fields)
    country_code = _country_code(country, fields=fields)
    if fields:
        raise ValidationError("The manufacturer's address is not valid.", fields=fields)
    values = {"name": clean_name, "address": clean_address, "email": clean_email, "country": country_code}
    with transaction.atomic(durable=True):
        manufacturer = Manufacturer.objects.select_for_update().filter(seller=seller, name__iexact=clean_name).first()
        if manufacturer is not None and all(getattr(manufacturer, key) == value for key, value in values.items()):
            return manufacturer
        is_new = manufacturer is None
        manufacturer = manufacturer or Manufacturer(seller=seller)
        for key, value in values.items():
            setattr(manufacturer, key, value)
        manufacturer.updated_at = clock.now()
        manufacturer.save()
        audit_record(
            actor=actor, action="compliance.manufacturer_set", target=manufacturer, seller_id=seller.pk, data=values
        )
        if is_new:
            offer_market_blocks_refresh(seller_ids=[seller.pk])
    return manufacturer


def manufacturer_delete(*, seller, actor, manufacturer_id: int) -> None:
    """Remove one of the seller's manufacturer addresses (NotFound if it is not the seller's) and recompute its
    offers' blocks."""
    with transaction.atomic(durable=True):
        manufacturer = Manufacturer.objects.select_for_update().filter(seller=seller, pk=manufacturer_id).first()
        if manufacturer is None:
            raise NotFound("No such manufacturer.", code=errors.MANUFACTURER_NOT_FOUND)
        audit_record(
            actor=actor,
            action="compliance.manufacturer_deleted",
            target=manufacturer,
            seller_id=seller.pk,
            data={"name": manufacturer.name},
        )
        manufacturer.delete()
        offer_market_blocks_refresh(seller_ids=[seller.pk])


def seller_registration_set(*, seller, actor, scheme: object, country: object, number: object) -> SellerRegistration:
    """Record (or replace) the seller's registration number in `scheme` for `country`, then recompute its offers'
    blocks. Idempotent. Raises ValidationError with field errors."""
    fields: dict[str, str] = {}
    scheme_code = scheme if isinstance(scheme, str) else ""
    country_code = country.strip().upper() if isinstance(country, str) else ""
    if scheme_code not in domain.SCHEMES:
        fields["scheme"] = "Unknown registration scheme."
    if not COUNTRY.fullmatch(country_code):
        fields["country"] = "Use an ISO 3166 two-letter country code."
    elif scheme_code in SCHEME_COUNTRIES and country_code != SCHEME_COUNTRIES[scheme_code]:
        fields["country"] = "This registration is issued for another country."
    elif scheme_code == "battery_epr" and country_code not in EU_MEMBER_STATES:
        fields["country"] = "Battery producer registrations are per EU Member State."
    text = _clean_text(number, name="number", limit=100, fields=fields)
    if fields:
        raise ValidationError("The registration is not valid.", fields=fields)
    with transaction.atomic(durable=True):
        registration, created = SellerRegistration.objects.select_for_update().get_or_create(
            seller=seller, scheme=scheme_code, country=country_code, defaults={"number": text}
        )
        if created or registration.number != text:
            registration.number, registration.updated_at = text, clock.now()
            registration.save(update_fields=["number", "updated_at"])
            audit_record(
                actor=actor,
                action="compliance.registration_set",
                target=registration,
                seller_id=seller.pk,
                data={"scheme": scheme_code, "country": country_code, "number": text},
            )
            offer_market_blocks_refresh(seller_ids=[seller.pk])
    return registration


def seller_registration_delete(*, seller, actor, scheme: str, country: str) -> None:
    """Remove one registration of the seller's (NotFound if it has none) and recompute its offers' blocks."""
    with transaction.atomic(durable=True):
        registration = (
            SellerRegistration.objects.select_for_update()
            .filter(seller=seller, scheme=scheme, country=str(country).upper())
            .first()
        )
        if registration is None:
            raise NotFound("No such registration.", code=errors.REGISTRATION_NOT_FOUND)
        audit_record(
            actor=actor,
            action="compliance.registration_deleted",
            target=registration,
            seller_id=seller.pk,
            data={"scheme": registration.scheme, "country": registration.country, "number": registration.number},
        )
        registration.delete()
        offer_market_blocks_refresh(seller_ids=[seller.pk])


def responsible_person_set(
    *, seller, actor, name: object, address: object, email: object, country: object
) -> ResponsiblePerson:
    """Record the seller's EU responsible person (GPSR Art. 16), then recompute its offers' blocks. Idempotent.
    Raises ValidationError with field errors (the person must be established in the EU)."""
    fields: dict[str, str] = {}
    clean_name = _clean_text(name, name="name", limit=200, fields=fields)
    clean_address = _clean_text(address, name="address", limit=300, fields=fields)
    clean_email = _email(email, fields=fields)
    country_code = _country_code(country, fields=fields)
    if "country" not in fields and country_code not in EU_MEMBER_STATES:
        fields["country"] = "The responsible person must be established in an EU Member State."
    if fields:
        raise ValidationError("The responsible person is not valid.", fields=fields)
    values = {"name": clean_name, "address": clean_address, "email": clean_email, "country": country_code}
    with transaction.atomic(durable=True):
        person = ResponsiblePerson.objects.select_for_update().filter(seller=seller).first()
        if person is not None and all(getattr(person, key) == value for key, value in values.items()):
            return person
        is_new = person is None
        person = person or ResponsiblePerson(seller=seller)
        for key, value in values.items():
            setattr(person, key, value)
        person.updated_at = clock.now()
        person.save()
        audit_record(
            actor=actor, action="compliance.responsible_person_set", target=person, seller_id=seller.pk, data=values
        )
        if is_new:
            offer_market_blocks_refresh(seller_ids=[seller.pk])
    return person


def responsible_person_delete(*, seller, actor) -> None:
    with transaction.atomic(durable=True):
        person = ResponsiblePerson.objects.select_for_update().filter(seller=seller).first()
        if person is None:
            raise NotFound("No responsible person recorded.", code=errors.REGISTRATION_NOT_FOUND)
        audit_record(actor=actor, action="compliance.responsible_person_deleted", target=person, seller_id=seller.pk)
        person.delete()
        offer_market_blocks_refresh(seller_ids=[seller.pk])
