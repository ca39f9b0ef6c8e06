"""Anti-whitewashing: keyed hashes of a seller's identity facts (VAT ID, IBAN, phone, email) link it to earlier
sellers sharing one, and it starts from the evidence of the worst of them."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from comptoir.core.crypto import decrypt_text
from comptoir.core.services import audit_record
from comptoir.sellers.models import Seller
from comptoir.trust.conf import trust_settings
from comptoir.trust.models import SellerIdentityFingerprint, SellerIdentityLink, SellerTrust
from comptoir.trust.services.scores import seller_trust_recompute


def _identity_digest(kind: str, value: str, *, secret_key: str) -> str:
    normalised = "".join(value.split()).lower()
    if kind == "phone":
        normalised = "".join(character for character in normalised if character.isdigit())[-9:]
    return hmac.new(secret_key.encode(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def _fingerprints_store(seller: Seller) -> dict[str, str]:
    values = {
        "vat_id": seller.vat_id,
        "iban": decrypt_text(seller.iban_encrypted) if seller.iban_encrypted else "",
        "phone": seller.phone,
        "email": seller.email,
    }
    digests = {}
    conf = trust_settings()
    for kind in conf.identity_facts:
        if values.get(kind):
            digests[kind] = _identity_digest(kind, values[kind], secret_key=conf.secret_key)
            SellerIdentityFingerprint.objects.update_or_create(
                seller_id=seller.pk, kind=kind, defaults={"digest": digests[kind]}
            )
    return digests


def seller_identity_link(*, seller_id: int) -> list[SellerIdentityLink]:
    """At onboarding: store keyed hashes of the seller's VAT ID, IBAN, phone and email, link it to every earlier
    seller sharing one, and start it from the evidence of the linked seller with the lowest trust score (the
    worst history cannot be shed by re-registering; a good one is inherited the same way). Idempotent."""
    seller = Seller.objects.get(pk=seller_id)
    with transaction.atomic():
        # Sellers registered before this feature (or while its task was not running) get their fingerprints first.
        for earlier in Seller.objects.filter(
            identity_fingerprints__isnull=True, created_at__lte=seller.created_at
        ).exclude(pk=seller_id):
            _fingerprints_store(earlier)
        digests = _fingerprints_store(seller)
        matches: dict[int, list[str]] = {}
        for other_id, kind in (
            SellerIdentityFingerprint.objects.filter(
                Q(*[Q(kind=kind, digest=digest) for kind, digest in digests.items()], _connector=Q.OR)
                if digests
                else Q(pk__in=[])
            )
            .exclude(seller_id=seller_id)
            .filter(seller__created_at__lte=seller.created_at)
            .values_list("seller_id", "kind")
        ):
            matches.setdefault(other_id, []).append(kind)
        links = []
        for other_id, matched in sorted(matches.items()):
            link, _ = SellerIdentityLink.objects.update_or_create(
                seller_id=seller_id, linked_seller_id=other_id, defaults={"matched_on": sorted(matched)}
            )
            links.append(link)
        if matches:
            scores = dict(SellerTrust.objects.filter(seller_id__in=list(matches)).values_list("seller_id", "score"))
            worst = min(matches, key=lambda other: (scores.get(other, Decimal("50")), other))
            trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
            if trust.prior_from_seller_id is None:
                trust.prior_from_seller_id = worst
                trust.save(update_fields=["prior_from_seller"])
                audit_record(
                    actor=None,
                    action="trust.identity_linked",
                    target=trust,
                    seller_id=seller_id,
                    data={"linked": {str(k): v for k, v in matches.items()}, "prior_from": worst},
                )
    if matches:
        seller_trust_recompute(seller_id=seller_id, enforce=False)
    return links
