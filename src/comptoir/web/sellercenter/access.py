"""Who may enter the seller center, as which seller, and with which second factor.

Every seller-center view is wrapped by `seller_view`: it requires a logged-in member, picks the current
seller (the one chosen with the switcher, kept in the session, else the first membership), and enforces
two-factor authentication (the rule is `sellers.two_factor.seller_member_second_factor`, shared with the
API's session authentication): a member with a confirmed device must have verified it in this session, and
when the seller requires 2FA a member without a device is sent to enrolment first. Views then scope every
query by `request.seller`."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from comptoir.sellers.models import MemberRole, Seller, SellerMember
from comptoir.sellers.selectors import seller_memberships_for_user
from comptoir.sellers.two_factor import SecondFactorRequirement, seller_member_second_factor

SESSION_SELLER_KEY = "sellercenter_seller_id"


@dataclass(frozen=True)
class SellerAccess:
    seller: Seller
    member: SellerMember
    memberships: list[SellerMember]
    has_confirmed_device: bool

    @property
    def is_owner(self) -> bool:
        return self.member.role == MemberRole.OWNER


def current_membership(request) -> tuple[SellerMember | None, list[SellerMember]]:
    memberships = seller_memberships_for_user(request.user)
    if not memberships:
        return None, []
    chosen = request.session.get(SESSION_SELLER_KEY)
    member = next((item for item in memberships if item.seller_id == chosen), memberships[0])
    return member, memberships


def seller_view(view=None, *, owner_only: bool = False, enrolment: bool = False):
    """Decorator for seller-center views. `owner_only`: staff members get 403. `enrolment`: the 2FA
    enrolment and verification pages themselves, reachable before the policy is satisfied."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            member, memberships = current_membership(request)
            if member is None:
                return redirect("sellercenter:onboarding")
            second_factor = seller_member_second_factor(user=request.user, seller=member.seller)
            if not enrolment:
                if second_factor.requirement == SecondFactorRequirement.VERIFY:
                    return redirect(
                        f"{reverse('sellercenter:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}"
                    )
                if second_factor.requirement == SecondFactorRequirement.ENROL:
                    messages.warning(request, _("Your shop requires two-factor authentication. Set it up to continue."))
                    return redirect("sellercenter:two_factor")
            if owner_only and member.role != MemberRole.OWNER:
                raise PermissionDenied(_("Only an owner of the shop can do this."))
            request.seller_access = SellerAccess(
                seller=member.seller,
                member=member,
                memberships=memberships,
                has_confirmed_device=second_factor.has_confirmed_device,
            )
            request.seller = member.seller
            return function(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
