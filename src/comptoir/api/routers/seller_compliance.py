"""Country rules, the seller's side (docs/COMPLIANCE.md): the registrations and EU responsible person the rules ask
for, and which markets each offer may be sold to and why not. Scoped to the authenticated seller."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictStr

from comptoir.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    InputSchema,
    iso,
    length,
    page_of,
    paginate,
    problems,
)
from comptoir.api.security import seller_auth, seller_principal
from comptoir.compliance.domain.rules import SCHEMES
from comptoir.compliance.reasons import reason_text, scheme_label
from comptoir.compliance.selectors import (
    market_blocks_by_offer,
    seller_manufacturers,
    seller_missing_manufacturers,
    seller_registrations,
    seller_responsible_person,
)
from comptoir.compliance.services import (
    manufacturer_delete,
    manufacturer_set,
    responsible_person_delete,
    responsible_person_set,
    seller_registration_delete,
    seller_registration_set,
)
from comptoir.offers.selectors import offer_list_for_seller

router = Router(tags=["seller: country rules"])

READ = seller_auth("offers:read")
WRITE = seller_auth("offers:write")
SCHEMES_DESCRIPTION = "One of: " + ", ".join(SCHEMES) + "."
Country = Annotated[StrictStr, Field(pattern=r"^[A-Za-z]{2}$")]


class RegistrationOut(Schema):
    scheme: str
    scheme_label: str
    country: str
    number: str
    updated_at: str


class ResponsiblePersonOut(Schema):
    name: str
    address: str
    email: str
    country: str
    updated_at: str


class ManufacturerOut(Schema):
    id: int
    name: str
    address: str
    email: str
    country: str
    updated_at: str


class ComplianceOut(Schema):
    registrations: list[RegistrationOut]
    responsible_person: ResponsiblePersonOut | None
    manufacturers: list[ManufacturerOut] = Field(description="Manufacturers' postal and electronic addresses (GPSR).")
    manufacturers_missing: list[str] = Field(
        description="Manufacturer names (brand or `manufacturer` attribute) of my offers' products without an address."
    )


class ManufacturerIn(InputSchema):
    name: Annotated[StrictStr, length(200, 1)] = Field(
        description="As the products name it (brand or `manufacturer` attribute), case-insensitive."
    )
    address: Annotated[StrictStr, length(300, 1)] = Field(description="Street, postal code and town.")
    email: Annotated[StrictStr, length(254, 3)]
    country: Country = Field(description="ISO 3166-1 alpha-2.")


class RegistrationIn(InputSchema):
    number: Annotated[StrictStr, length(100, 1)]


class ResponsiblePersonIn(InputSchema):
    name: Annotated[StrictStr, length(200, 1)]
    address: Annotated[StrictStr, length(300, 1)]
    email: Annotated[StrictStr, length(254, 3)]
    country: Country = Field(description="An EU Member State (ISO 3166-1 alpha-2).")


class ReasonOut(Schema):
    rule: str
    code: str = Field(description="manufacturer_missing, manufacturer_address_missing, responsible_person_missing, …")
    scheme: str | None = None
    message: str


class BlockedMarketOut(Schema):
    country: str
    reasons: list[ReasonOut]


class OfferMarketsOut(Schema):
    offer_id: int
    sku: str
    product_id: int
    product_title: str
    blocked: list[BlockedMarketOut] = Field(description="Countries the offer may not be sold to; elsewhere it may.")


def registration_out(registration) -> dict:
    return {
        "scheme": registration.scheme,
        "scheme_label": scheme_label(registration.scheme),
        "country": registration.country,
        "number": registration.number,
        "updated_at": iso(registration.updated_at),
    }


def manufacturer_out(manufacturer) -> dict:
    return {
        "id": manufacturer.pk,
        "name": manufacturer.name,
        "address": manufacturer.address,
        "email": manufacturer.email,
        "country": manufacturer.country,
        "updated_at": iso(manufacturer.updated_at),
    }


def person_out(person) -> dict | None:
    if person is None:
        return None
    return {
        "name": person.name,
        "address": person.address,
        "email": person.email,
        "country": person.country,
        "updated_at": iso(person.updated_at),
    }


@router.get(
    "/seller/compliance",
    response={200: ComplianceOut, **problems(401, 403)},
    auth=READ,
    summary="My registrations and EU responsible person",
)
def compliance(request: HttpRequest):
    seller = seller_principal(request).seller
    return {
        "registrations": [registration_out(item) for item in seller_registrations(seller.pk)],
        "responsible_person": person_out(seller_responsible_person(seller.pk)),
        "manufacturers": [manufacturer_out(item) for item in seller_manufacturers(seller.pk)],
        "manufacturers_missing": seller_missing_manufacturers(seller.pk),
    }


@router.put(
    "/seller/compliance/manufacturers",
    response={200: ManufacturerOut, **problems(401, 403, 422)},
    auth=WRITE,
    summary="Record a manufacturer's postal and electronic address (GPSR)",
    description="Keyed by name (case-insensitive): records it or replaces the address; the offers' markets are "
    "recomputed. Idempotent.",
)
def manufacturer_put(request: HttpRequest, payload: ManufacturerIn):
    principal = seller_principal(request)
    return manufacturer_out(manufacturer_set(seller=principal.seller, actor=principal.actor, **payload.dict()))


@router.delete(
    "/seller/compliance/manufacturers/{manufacturer_id}",
    response={204: None, **problems(401, 403, 404)},
    auth=WRITE,
    summary="Remove a manufacturer's address",
)
def manufacturer_remove(request: HttpRequest, manufacturer_id: int = PathParam(..., ge=1, le=2**63 - 1)):
    principal = seller_principal(request)
    manufacturer_delete(seller=principal.seller, actor=principal.actor, manufacturer_id=manufacturer_id)
    return Status(204, None)


@router.put(
    "/seller/compliance/registrations/{scheme}/{country}",
    response={200: RegistrationOut, **problems(401, 403, 422)},
    auth=WRITE,
    summary="Record a registration number (French EPR unique ID, LUCID, WEEE, batteries)",
    description="Replaces the number recorded for this scheme and country; the offers' markets are recomputed.",
)
def registration_put(
    request: HttpRequest,
    payload: RegistrationIn,
    scheme: str = PathParam(..., max_length=40, description=SCHEMES_DESCRIPTION),
    country: str = PathParam(..., pattern=r"^[A-Za-z]{2}$"),
):
    principal = seller_principal(request)
    registration = seller_registration_set(
        seller=principal.seller, actor=principal.actor, scheme=scheme, country=country, number=payload.number
    )
    return registration_out(registration)


@router.delete(
    "/seller/compliance/registrations/{scheme}/{country}",
    response={204: None, **problems(401, 403, 404)},
    auth=WRITE,
    summary="Remove a registration number",
)
def registration_delete(
    request: HttpRequest,
    scheme: str = PathParam(..., max_length=40, description=SCHEMES_DESCRIPTION),
    country: str = PathParam(..., pattern=r"^[A-Za-z]{2}$"),
):
    principal = seller_principal(request)
    seller_registration_delete(seller=principal.seller, actor=principal.actor, scheme=scheme, country=country)
    return Status(204, None)


@router.put(
    "/seller/compliance/responsible-person",
    response={200: ResponsiblePersonOut, **problems(401, 403, 422)},
    auth=WRITE,
    summary="Record my EU responsible person (GPSR)",
)
def responsible_person_put(request: HttpRequest, payload: ResponsiblePersonIn):
    principal = seller_principal(request)
    person = responsible_person_set(seller=principal.seller, actor=principal.actor, **payload.dict())
    return person_out(person)


@router.delete(
    "/seller/compliance/responsible-person",
    response={204: None, **problems(401, 403, 404)},
    auth=WRITE,
    summary="Remove my EU responsible person",
)
def responsible_person_remove(request: HttpRequest):
    principal = seller_principal(request)
    responsible_person_delete(seller=principal.seller, actor=principal.actor)
    return Status(204, None)


def offer_markets(offers) -> list[dict]:
    blocks = market_blocks_by_offer(offer.pk for offer in offers)
    return [
        {
            "offer_id": offer.pk,
            "sku": offer.sku,
            "product_id": offer.product_id,
            "product_title": offer.product.title,
            "blocked": [
                {
                    "country": country,
                    "reasons": [{**reason, "message": reason_text(reason, country=country)} for reason in reasons],
                }
                for country, reasons in sorted(blocks.get(offer.pk, {}).items())
            ],
        }
        for offer in offers
    ]


@router.get(
    "/seller/compliance/markets",
    response={200: page_of(OfferMarketsOut), **problems(401, 403, 422)},
    auth=READ,
    summary="Where each of my offers may not be sold, and why",
)
def markets(
    request: HttpRequest,
    is_blocked: bool | None = Query(None, description="true: only offers blocked somewhere; false: only the others."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    found = offer_list_for_seller(seller_principal(request).seller)
    if is_blocked is not None:
        found = found.filter(market_blocks__isnull=not is_blocked).distinct()
    return paginate(found, page=page, page_size=page_size, present=offer_markets)
