"""The second-factor rule for acting as a seller member through a session (the seller center and the API).

One rule, read by `web.sellercenter.access.seller_view` and `api.security.SellerSession` alike:

- a member with a confirmed device (django-otp: an authenticator app, or recovery codes beside it) must have
  verified it in this session (`user.is_verified()`, set by django-otp's OTPMiddleware);
- when the seller requires two-factor authentication (`Seller.require_two_factor`), a member without a
  confirmed device must set one up first.

Seller API keys are not sessions: they are checked by their own hash and scopes, not by this rule."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django_otp import user_has_device

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller


class SecondFactorRequirement(enum.StrEnum):
    SATISFIED = "satisfied"
    VERIFY = "verify"  # a confirmed device not yet verified in this session
    ENROL = "enrol"  # the seller requires 2FA and the member has no confirmed device


@dataclass(frozen=True)
class MemberSecondFactor:
    has_confirmed_device: bool
    requirement: SecondFactorRequirement

    @property
    def is_satisfied(self) -> bool:
        return self.requirement == SecondFactorRequirement.SATISFIED


def seller_member_second_factor(*, user: User, seller: Seller) -> MemberSecondFactor:
    """What `user`, signed in through a session, must still do before acting for `seller`.

    `user` is the request's user: django-otp's middleware gives it `is_verified()`; a user without it (no
    middleware) counts as not verified."""
    has_device = user_has_device(user, confirmed=True)
    is_verified = getattr(user, "is_verified", None)
    if has_device and not (callable(is_verified) and is_verified()):
        requirement = SecondFactorRequirement.VERIFY
    elif seller.require_two_factor and not has_device:
        requirement = SecondFactorRequirement.ENROL
    else:
        requirement = SecondFactorRequirement.SATISFIED
    return MemberSecondFactor(has_confirmed_device=has_device, requirement=requirement)
