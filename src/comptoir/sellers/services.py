"""Seller onboarding, verification and access. Every status change is audited with the acting user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from comptoir.core import clock
from comptoir.core import errors as core_errors
from comptoir.core.crypto import encrypt_text, new_secret_token, token_hash
from comptoir.core.events import publish, publish_on_commit
from comptoir.core.exceptions import InvalidTransition, NotFound, PermissionDenied, ValidationError
from comptoir.core.money import is_known_currency
from comptoir.core.services import audit_record
from comptoir.sellers import errors
from comptoir.sellers.domain.trader import (
    TraderInformation,
    normalise_country,
    trader_information_errors,
    validate_iban,
    validate_vat_id,
)
from comptoir.sellers.events import SellerOnboarded, SellerStatusChanged
from comptoir.sellers.models import ALL_SCOPES, MemberRole, Seller, SellerApiKey, SellerMember, SellerStatus

if TYPE_CHECKING:
    from comptoir.accounts.models import User

SELLER_KEY_PREFIX = "csk"

# Which status changes an operator may make. Anything else raises InvalidTransition.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    SellerStatus.PENDING: {SellerStatus.VERIFIED, SellerStatus.REJECTED},
    SellerStatus.VERIFIED: {SellerStatus.SUSPENDED},
    SellerStatus.SUSPENDED: {SellerStatus.VERIFIED},
    SellerStatus.REJECTED: {SellerStatus.PENDING},
}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "seller"
    slug, counter = base, 2
    while Seller.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def seller_onboard(*, owner: User, name: str, trader: TraderInformation, default_currency: str = "EUR") -> Seller:
    """Create a pending seller organisation with `owner` as its owner.

    Validates every trader field at once (VAT ID and IBAN with python-stdnum) and raises
    ValidationError with all field errors; encrypts the IBAN before it reaches the database."""
    field_errors = trader_information_errors(trader)
    if not (isinstance(name, str) and name.strip() and len(name) <= 120):
        field_errors["name"] = "A shop name of 1 to 120 characters is required."
    if not is_known_currency(default_currency):
        field_errors["default_currency"] = f"'{default_currency}' is not an ISO 4217 currency code."
    if field_errors:
        raise ValidationError(
            "The trader information is incomplete or invalid.",
            code=errors.SELLER_INVALID_TRADER_INFORMATION,
            fields=field_errors,
        )
    country = normalise_country(trader.country)
    assert country is not None  # validated with the rest of the trader information above
    vat_id, _ = validate_vat_id(trader.vat_id, country)
    iban, _ = validate_iban(trader.iban)
    assert vat_id is not None and iban is not None  # likewise
    with transaction.atomic():
        seller = Seller.objects.create(
            name=name.strip(),
            slug=_unique_slug(name),
            legal_name=trader.legal_name.strip(),
            street=trader.street.strip(),
            postal_code=trader.postal_code.strip(),
            city=trader.city.strip(),
            country=country,
            phone=trader.phone.strip(),
            email=trader.email.strip(),
            trade_register=trader.trade_register.strip(),
            trade_register_number=trader.trade_register_number.strip(),
            vat_id=vat_id,
            iban_encrypted=encrypt_text(iban),
            iban_last4=iban[-4:],
            self_certified_at=clock.now(),
            default_currency=default_currency,
        )
        SellerMember.objects.create(seller=seller, user=owner, role=MemberRole.OWNER)
        audit_record(actor=owner, action="seller.onboarded", target=seller, seller_id=seller.pk)
        publish_on_commit(SellerOnboarded(seller_id=seller.pk, at=seller.created_at))
    return seller


def _seller_status_change(
    *,
    seller_id: int,
    actor: User | None,
    new_status: str,
    reason: str,
    action: str,
    from_statuses: set[str] | None = None,
) -> Seller:
    """`from_statuses` narrows the table for one action: verifying is for pending sellers, while
    lifting a suspension is a reinstatement, which needs a reason."""
    with transaction.atomic():
        seller = Seller.objects.select_for_update().filter(pk=seller_id).first()
        if seller is None:
            raise NotFound("No such seller.", code=errors.SELLER_NOT_FOUND)
        allowed = new_status in STATUS_TRANSITIONS.get(seller.status, set()) and (
            from_statuses is None or seller.status in from_statuses
        )
        if not allowed:
            raise InvalidTransition(
                f"A {seller.status} seller cannot become {new_status}.",
                code=errors.SELLER_INVALID_STATUS_CHANGE,
                extra={"from": seller.status, "to": new_status},
            )
        previous = seller.status
        seller.status = new_status
        seller.status_reason = reason
        fields = ["status", "status_reason"]
        if new_status == SellerStatus.VERIFIED and seller.verified_at is None:
            seller.verified_at = clock.now()
            fields.append("verified_at")
        seller.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=action,
            target=seller,
            seller_id=seller.pk,
            reason=reason,
            data={"from": previous, "to": new_status},
        )
        # Delivered now, inside the transaction: the search index drops (or restores) the seller's offers with the
        # change.
        publish(SellerStatusChanged(seller_id=seller.pk, previous_status=previous, status=new_status, at=clock.now()))
    return seller


def _require_reason(reason: str) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(
            "A reason is required.",
            code=errors.SELLER_REASON_REQUIRED,
            fields={"reason": "Explain the decision; the seller will see it."},
        )
    return reason.strip()


def seller_verify(*, seller_id: int, actor: User | None, reason: str = "Trader information checked.") -> Seller:
    return _seller_status_change(
        seller_id=seller_id,
        actor=actor,
        new_status=SellerStatus.VERIFIED,
        reason=reason,
        action="seller.verified",
        from_statuses={SellerStatus.PENDING},
    )


def seller_reject(*, seller_id: int, actor: User | None, reason: str) -> Seller:
    return _seller_status_change(
        seller_id=seller_id,
        actor=actor,
        new_status=SellerStatus.REJECTED,
        reason=_require_reason(reason),
        action="seller.rejected",
    )


def seller_suspend(*, seller_id: int, actor: User | None, reason: str) -> Seller:
    return _seller_status_change(
        seller_id=seller_id,
        actor=actor,
        new_status=SellerStatus.SUSPENDED,
        reason=_require_reason(reason),
        action="seller.suspended",
    )


def seller_reinstate(*, seller_id: int, actor: User | None, reason: str) -> Seller:
    return _seller_status_change(
        seller_id=seller_id,
        actor=actor,
        new_status=SellerStatus.VERIFIED,
        reason=_require_reason(reason),
        action="seller.reinstated",
        from_statuses={SellerStatus.SUSPENDED},
    )


def seller_member_add(*, seller: Seller, actor: User | None, user: User, role: str = MemberRole.STAFF) -> SellerMember:
    if not SellerMember.objects.filter(seller=seller, user=actor, role=MemberRole.OWNER).exists():
        raise PermissionDenied("Only an owner can add members.", code=errors.SELLER_OWNER_REQUIRED)
    if role not in MemberRole.values:
        raise ValidationError(
            "Unknown role.", code=errors.INVALID_ROLE, fields={"role": f"One of {', '.join(MemberRole.values)}."}
        )
    try:
        with transaction.atomic():
            member = SellerMember.objects.create(seller=seller, user=user, role=role)
            audit_record(
                actor=actor,
                action="seller.member_added",
                target=member,
                seller_id=seller.pk,
                data={"user": user.pk, "role": role},
            )
    except IntegrityError as error:
        raise ValidationError(
            "Already a member.", code=errors.ALREADY_MEMBER, fields={"user": "Already a member of this seller."}
        ) from error
    return member


def seller_api_key_create(
    *, seller: Seller, actor: User | None, name: str, scopes: list[str]
) -> tuple[SellerApiKey, str]:
    """Create a scoped API key; returns (record, secret). The secret is shown once and stored hashed."""
    if not isinstance(scopes, (list, tuple, set)):
        scopes = []
    unknown = [scope for scope in scopes if scope not in ALL_SCOPES]
    if unknown or not scopes:
        raise ValidationError(
            "Invalid scopes.",
            code=errors.API_KEY_INVALID_SCOPE,
            fields={"scopes": f"Choose among {', '.join(ALL_SCOPES)}."},
        )
    secret = new_secret_token(SELLER_KEY_PREFIX)
    with transaction.atomic():
        key = SellerApiKey.objects.create(
            seller=seller,
            name=(name or "integration")[:100],
            prefix=secret[:10],
            key_hash=token_hash(secret),
            scopes=sorted(set(scopes)),
            created_by=actor,
        )
        audit_record(
            actor=actor, action="seller.api_key_created", target=key, seller_id=seller.pk, data={"scopes": key.scopes}
        )
    return key, secret


def seller_api_key_revoke(*, seller: Seller, actor: User | None, key_id: int) -> SellerApiKey:
    with transaction.atomic():
        key = SellerApiKey.objects.select_for_update().filter(pk=key_id, seller=seller).first()
        if key is None:
            raise NotFound("No such API key.", code=errors.API_KEY_NOT_FOUND)
        if key.revoked_at is None:
            key.revoked_at = clock.now()
            key.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="seller.api_key_revoked", target=key, seller_id=seller.pk)
    return key


def seller_member_add_by_email(
    *, seller: Seller, actor: User | None, email: str, role: str = MemberRole.STAFF
) -> SellerMember:
    """Add an existing user, found by email address, as a member. Only an owner may; no account is created
    (the person registers first), so an unknown address is a field error."""
    from comptoir.accounts.models import User

    if not SellerMember.objects.filter(seller=seller, user=actor, role=MemberRole.OWNER).exists():
        raise PermissionDenied("Only an owner can add members.", code=errors.SELLER_OWNER_REQUIRED)
    address = email.strip().lower() if isinstance(email, str) else ""
    user = User.objects.filter(email=address, is_active=True).first() if address else None
    if user is None:
        raise ValidationError(
            "No account with this email address.",
            code=errors.SELLER_MEMBER_UNKNOWN_USER,
            fields={"email": "No account uses this email address; ask the person to register first."},
        )
    return seller_member_add(seller=seller, actor=actor, user=user, role=role)


def seller_two_factor_requirement_set(*, seller: Seller, actor: User | None, required: bool) -> Seller:
    """Turn on or off the rule that every member must use two-factor authentication. Owner only; audited."""
    if not isinstance(required, bool):
        raise ValidationError(
            "Invalid setting.", code=errors.INVALID_SETTING, fields={"require_two_factor": "true or false."}
        )
    with transaction.atomic():
        if not SellerMember.objects.filter(seller=seller, user=actor, role=MemberRole.OWNER).exists():
            raise PermissionDenied("Only an owner can change the security policy.", code=errors.SELLER_OWNER_REQUIRED)
        locked = Seller.objects.select_for_update().get(pk=seller.pk)
        if locked.require_two_factor != required:
            locked.require_two_factor = required
            locked.save(update_fields=["require_two_factor"])
            audit_record(
                actor=actor,
                action="seller.two_factor_required" if required else "seller.two_factor_optional",
                target=locked,
                seller_id=locked.pk,
            )
    seller.require_two_factor = required
    return locked


def seller_settlement_currency_set(*, seller: Seller, actor: User | None, currency: str) -> Seller:
    """Set the ISO 4217 currency the seller is settled and paid out in ("" : the currency of each offer sold).
    Applies to orders placed from now on: a placed order keeps the currency and rate frozen on it. Owner only;
    audited; setting the current value again changes nothing. Raises ValidationError (`unknown_currency`) and
    PermissionDenied (`seller_owner_required`)."""
    code = (currency or "").strip().upper()
    if code and not is_known_currency(code):
        raise ValidationError(
            "Unknown currency code.",
            code=core_errors.UNKNOWN_CURRENCY,
            fields={"settlement_currency": f"'{currency}' is not an ISO 4217 currency code."},
        )
    with transaction.atomic():
        if not SellerMember.objects.filter(seller=seller, user=actor, role=MemberRole.OWNER).exists():
            raise PermissionDenied(
                "Only an owner can change the settlement currency.", code=errors.SELLER_OWNER_REQUIRED
            )
        locked = Seller.objects.select_for_update().get(pk=seller.pk)
        if locked.settlement_currency != code:
            previous = locked.settlement_currency
            locked.settlement_currency = code
            locked.save(update_fields=["settlement_currency"])
            audit_record(
                actor=actor,
                action="seller.settlement_currency_set",
                target=locked,
                seller_id=locked.pk,
                data={"from": previous, "to": code},
            )
    seller.settlement_currency = code
    return locked
