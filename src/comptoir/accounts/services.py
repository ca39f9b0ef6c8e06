from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from comptoir.accounts import errors
from comptoir.accounts.models import ApiToken, User
from comptoir.core import clock
from comptoir.core.crypto import new_secret_token, token_hash
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.services import audit_record

BUYER_TOKEN_PREFIX = "cbt"


def user_create(
    *,
    email: str,
    password: str,
    full_name: str = "",
    preferred_language: str = "en",
    country: str = "",
    validate: bool = True,
) -> User:
    """Register a user. Raises ValidationError for a malformed email, a weak password or a taken email."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as error:
        raise ValidationError(
            "Invalid email address.", code=errors.INVALID_EMAIL, fields={"email": "Enter a valid email address."}
        ) from error
    if validate:
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except DjangoValidationError as error:
            raise ValidationError(
                "Password too weak.", code=errors.WEAK_PASSWORD, fields={"password": " ".join(error.messages)}
            ) from error
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name,
                preferred_language=preferred_language,
                country=country,
            )
            audit_record(actor=user, action="user.registered", target=user)
    except IntegrityError as error:
        raise ValidationError(
            "This email is already registered.", code=errors.EMAIL_TAKEN, fields={"email": "Already registered."}
        ) from error
    return user


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a buyer API token; returns (record, secret). The secret is never stored nor shown again."""
    secret = new_secret_token(BUYER_TOKEN_PREFIX)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100] or "app", prefix=secret[:10], token_hash=token_hash(secret)
        )
        audit_record(actor=user, action="api_token.created", target=token)
    return token, secret


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise NotFound("No such token.", code=errors.TOKEN_NOT_FOUND)
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=user, action="api_token.revoked", target=token)
    return token
