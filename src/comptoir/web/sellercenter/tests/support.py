"""Givens for the seller-center tests: shops with offers and orders made through the real services."""

from __future__ import annotations

import datetime as dt
import itertools

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.orders.models import SellerOrder
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_seller, make_shipping_profile, make_user

_keys = itertools.count(1)


def shop(name: str = "Atelier Lumière", *, owner=None, verified: bool = True):
    """A seller, its owner and a shipping profile."""
    owner = owner or make_user()
    seller = make_seller(name, owner=owner, verified=verified)
    profile = make_shipping_profile(seller)
    return seller, owner, profile


def offer_of(seller, profile, **extra):
    return make_offer(seller=seller, shipping_profile=profile, **extra)


def order_of(offer, *, quantity: int = 1, buyer=None, at: dt.datetime | None = None) -> SellerOrder:
    """A paid seller order for `offer`, checked out at `at` (default: now)."""
    buyer = buyer or make_user()
    moment = at or clock.now()
    with clock.frozen_at(moment):
        result = order_checkout(
            buyer=buyer,
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": quantity}],
            idempotency_key=f"sellercenter-test-{next(_keys)}",
        )
    return SellerOrder.objects.get(order=result.order, seller=offer.seller)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)
