"""Who is calling. Three ways in, all through `Authorization: Bearer …` or the browser session:

- a buyer token (`cbt_…`, accounts.ApiToken) for buyers' apps: buyer endpoints only;
- a seller API key (`csk_…`, sellers.SellerApiKey): seller endpoints only, limited to the key's scopes;
- a Django session (the web): buyer endpoints as that user, seller endpoints as a member of the
  seller (header `X-Comptoir-Seller: <id>` picks one when the user belongs to several; a key is
  bound to its seller and ignores the header). Unsafe methods on a session pass Django's CSRF check.
  A session acts for a seller only under the seller center's second-factor rule (sellers.two_factor):
  a member with an authenticator must have entered a code in this session, and a seller that requires
  2FA refuses members without one (403). API keys are machine credentials outside that rule; only an
  owner's session that satisfies it can create one.

Authentication costs one indexed query (a token or key hash lookup, or the session's user plus its
memberships). A key's `last_used_at` is written at most once a minute so that a busy integration
does not turn every read into a write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from comptoir.accounts.selectors import user_for_api_token
from comptoir.api import errors as api_errors
from comptoir.core import clock
from comptoir.core.exceptions import AuthenticationRequired, PermissionDenied, ValidationError
from comptoir.sellers import errors as seller_errors
from comptoir.sellers.models import ALL_SCOPES, MemberRole, SellerApiKey
from comptoir.sellers.selectors import seller_api_key_authenticate, seller_memberships_for_user
from comptoir.sellers.two_factor import SecondFactorRequirement, seller_member_second_factor

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

BUYER_TOKEN_PREFIX = "cbt_"
SELLER_KEY_PREFIX = "csk_"
SELLER_HEADER = "X-Comptoir-Seller"
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass(frozen=True)
class BuyerPrincipal:
    user: User
    via: str  # "token" | "session"

    @property
    def actor_key(self) -> str:
        return f"user:{self.user.pk}"


@dataclass(frozen=True)
class SellerPrincipal:
    seller: Seller
    via: str  # "api_key" | "session"
    scopes: frozenset[str]
    user: User | None = None  # the session user
    api_key: SellerApiKey | None = None
    role: str = ""  # the session user's member role

    @property
    def actor(self) -> User | None:
        """The user the action is recorded against: the session user, or the member who created the key (None once
        that member's account is gone)."""
        if self.api_key is not None:
            return self.api_key.created_by
        return self.user

    @property
    def actor_key(self) -> str:
        if self.api_key is not None:
            return f"key:{self.api_key.pk}"
        assert self.user is not None, "a session principal always has its user"
        return f"user:{self.user.pk}"

    @property
    def is_owner(self) -> bool:
        return self.via == "session" and self.role == MemberRole.OWNER


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationRequired(
            "Use 'Authorization: Bearer <token>'.", code=api_errors.INVALID_AUTHORIZATION_HEADER
        )
    return token


def _check_session_csrf(request: HttpRequest) -> None:
    if request.method in SAFE_METHODS:
        return
    if check_csrf(request) is not None:
        raise PermissionDenied(
            "CSRF verification failed: send the X-CSRFToken header with session requests.", code=api_errors.CSRF_FAILED
        )


def _session_user(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    _check_session_csrf(request)
    return user


# --- Buyers ----------------------------------------------------------------------------------------


class BuyerToken(HttpBearer):
    """`Authorization: Bearer cbt_…`, a buyer token from POST /auth/token."""

    def __call__(self, request: HttpRequest):
        token = bearer_token(request)
        return None if token is None else self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str):
        if token.startswith(SELLER_KEY_PREFIX):
            raise PermissionDenied(
                "A seller API key cannot act as a buyer; use a buyer token.", code=api_errors.BUYER_CREDENTIALS_REQUIRED
            )
        user = user_for_api_token(token) if token.startswith(BUYER_TOKEN_PREFIX) else None
        if user is None:
            raise AuthenticationRequired("Invalid or revoked token.", code=api_errors.INVALID_TOKEN)
        return BuyerPrincipal(user=user, via="token")


class BuyerSession(APIKeyCookie):
    """The web session cookie (CSRF token required for unsafe methods)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        user = _session_user(request)
        return None if user is None else BuyerPrincipal(user=user, via="session")

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - __call__ decides
        return None


buyer_auth = [BuyerToken(), BuyerSession()]


# --- Sellers -------------------------------------------------------------------------------------


def _touch_key(key: SellerApiKey) -> None:
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        SellerApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def _requested_seller_id(request: HttpRequest) -> int | None:
    raw = request.headers.get(SELLER_HEADER)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise ValidationError(
            "Invalid seller header.", code=api_errors.INVALID_SELLER_HEADER, fields={SELLER_HEADER: "A seller id."}
        )
    return int(raw)


class SellerApiKeyAuth(HttpBearer):
    """`Authorization: Bearer csk_…`, a seller API key limited to its scopes."""

    def __init__(self, scope: str | None) -> None:
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest):
        token = bearer_token(request)
        return None if token is None else self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str):
        if token.startswith(BUYER_TOKEN_PREFIX):
            raise PermissionDenied(
                "A buyer token cannot act for a seller; use a seller API key.",
                code=api_errors.SELLER_CREDENTIALS_REQUIRED,
            )
        key = seller_api_key_authenticate(token) if token.startswith(SELLER_KEY_PREFIX) else None
        if key is None:
            raise AuthenticationRequired("Invalid or revoked API key.", code=api_errors.INVALID_TOKEN)
        if self.scope is not None and self.scope not in key.scopes:
            raise PermissionDenied(
                f"This API key lacks the '{self.scope}' scope.",
                code=api_errors.INSUFFICIENT_SCOPE,
                extra={"required_scope": self.scope},
            )
        _touch_key(key)
        return SellerPrincipal(seller=key.seller, via="api_key", scopes=frozenset(key.scopes), api_key=key)


def _require_second_factor(user: User, seller: Seller) -> None:
    """The seller center's second-factor rule (sellers.two_factor), on the API's session requests too."""
    requirement = seller_member_second_factor(user=user, seller=seller).requirement
    if requirement == SecondFactorRequirement.VERIFY:
        raise PermissionDenied(
            "Your account has two-factor authentication: enter a code at the web login (or in the seller center) "
            "before using the seller API with this session.",
            code=seller_errors.SECOND_FACTOR_UNVERIFIED,
        )
    if requirement == SecondFactorRequirement.ENROL:
        raise PermissionDenied(
            "This seller requires two-factor authentication: set up an authenticator app in the seller center "
            "before using the seller API with this session.",
            code=seller_errors.SECOND_FACTOR_ENROLMENT_REQUIRED,
        )


class SellerSession(APIKeyCookie):
    """The web session of a seller member; `X-Comptoir-Seller` chooses the seller when there are several."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, owner_only: bool = False) -> None:
        self.owner_only = owner_only
        super().__init__()

    def __call__(self, request: HttpRequest):
        user = _session_user(request)
        if user is None:
            return None
        wanted = _requested_seller_id(request)
        memberships = seller_memberships_for_user(user)
        if wanted is not None:
            memberships = [member for member in memberships if member.seller_id == wanted]
        if not memberships:
            raise PermissionDenied(
                "You are not a member of this seller." if wanted is not None else "You are not a member of any seller.",
                code=seller_errors.SELLER_NOT_MEMBER,
            )
        if len(memberships) > 1:
            choices = ", ".join(str(member.seller_id) for member in memberships)
            raise ValidationError(
                "You belong to several sellers; choose one.",
                code=api_errors.SELLER_AMBIGUOUS,
                fields={SELLER_HEADER: f"Send the id of the seller to act for: {choices}."},
            )
        member = memberships[0]
        _require_second_factor(user, member.seller)
        if self.owner_only and member.role != MemberRole.OWNER:
            raise PermissionDenied("Only an owner of the seller can do this.", code=seller_errors.SELLER_OWNER_REQUIRED)
        return SellerPrincipal(
            seller=member.seller, via="session", scopes=frozenset(ALL_SCOPES), user=user, role=member.role
        )

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - __call__ decides
        return None


@cache
def seller_auth(scope: str | None = None) -> list:
    """Seller API key with `scope` (None: any valid key), or a member's session."""
    if scope is not None and scope not in ALL_SCOPES:
        raise ValueError(f"unknown scope {scope}")
    return [SellerApiKeyAuth(scope), SellerSession()]


# Creating and revoking API keys needs a person: an owner's session, never a key.
seller_owner_session_auth = [SellerSession(owner_only=True)]
# Onboarding a new seller: any signed-in user (buyer token or session).
user_auth = buyer_auth


# --- Typed access to `request.auth` (Django Ninja sets it to what the passing authenticator returned) --------------


def buyer_principal(request: HttpRequest) -> BuyerPrincipal:
    """The caller of an endpoint guarded by `buyer_auth` / `user_auth` (or a `BuyerToken`)."""
    principal = getattr(request, "auth", None)
    if not isinstance(principal, BuyerPrincipal):
        raise AuthenticationRequired("Sign in or send a buyer token.", code=api_errors.AUTHENTICATION_REQUIRED)
    return principal


def seller_principal(request: HttpRequest) -> SellerPrincipal:
    """The seller calling an endpoint guarded by `seller_auth(...)` or `seller_owner_session_auth`."""
    principal = getattr(request, "auth", None)
    if not isinstance(principal, SellerPrincipal):
        raise AuthenticationRequired(
            "Send a seller API key or sign in as a seller member.", code=api_errors.AUTHENTICATION_REQUIRED
        )
    return principal
