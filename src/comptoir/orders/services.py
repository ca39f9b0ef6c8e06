"""Cart, checkout and the seller-order lifecycle.

Checkout is three short transactions so that no database lock is held while the payment provider
answers: (1) claim the idempotency key, take stock and write the order awaiting payment; (2) charge
the provider outside any transaction; (3) record the payment, post the capture into escrow and move
the seller orders to `placed` — or, on a decline, cancel them and put the stock back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import secrets
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F

from comptoir.core import clock
from comptoir.core.events import publish_on_commit
from comptoir.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationError
from comptoir.core.idempotency import idempotency_claim, idempotency_store_response, request_fingerprint, validate_key
from comptoir.core.models import IdempotencyRecord
from comptoir.core.money import Money
from comptoir.core.services import audit_record
from comptoir.offers.locks import offer_stock_return, offer_stock_take
from comptoir.offers.models import Offer
from comptoir.orders import errors
from comptoir.orders.checkout_reads import offers_for_checkout, shipping_rates_of
from comptoir.orders.domain.checkout import CheckoutDraft, CheckoutProblem, LineInput, build_checkout
from comptoir.orders.domain.state_machine import DISPUTABLE, Action, Actor, Status, transition
from comptoir.orders.events import SellerOrderTransitioned
from comptoir.orders.models import (
    Cart,
    CartLine,
    Dispute,
    DisputeReason,
    DisputeStatus,
    Order,
    OrderLine,
    OrderStatus,
    ReturnReason,
    SellerOrder,
    SellerOrderEvent,
)
from comptoir.payments.domain.chargeback import release_amounts
from comptoir.payments.domain.ledger import PostingLine
from comptoir.payments.models import EntryKind, Payment, PaymentStatus
from comptoir.payments.providers import get_provider
from comptoir.payments.selectors import seller_order_charged_back_amount
from comptoir.payments.services import ledger_post, refund_create
from comptoir.sellers.domain.trader import normalise_country
from comptoir.sellers.models import SellerStatus

_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


_number_source = threading.local()


def _new_order_number() -> str:
    # 50 random bits: collisions are negligible (and the unique constraint would refuse one).
    rng = getattr(_number_source, "rng", None)
    choose = rng.choice if rng is not None else secrets.choice
    return "CO-" + "".join(choose(_NUMBER_ALPHABET) for _ in range(10))


@contextlib.contextmanager
def order_numbers_from(rng: random.Random):
    """Draw order numbers from `rng` in this thread, for reproducible seeded data (the demo). Never for real traffic."""
    previous = getattr(_number_source, "rng", None)
    _number_source.rng = rng
    try:
        yield
    finally:
        _number_source.rng = previous


# --- Cart ---------------------------------------------------------------------------------------


def _validate_quantity(quantity, field: str = "quantity") -> int:
    maximum = settings.COMPTOIR["MAX_LINE_QUANTITY"]
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not (1 <= quantity <= maximum):
        raise ValidationError(
            "Invalid quantity.", code=errors.INVALID_QUANTITY, fields={field: f"A whole number from 1 to {maximum}."}
        )
    return quantity


def cart_get_or_create(*, buyer) -> Cart:
    cart, _ = Cart.objects.get_or_create(buyer=buyer)
    return cart


def cart_line_set(*, buyer, offer_id: int, quantity: int) -> CartLine:
    """Put `quantity` units of an offer in the buyer's cart (replacing any earlier quantity)."""
    _validate_quantity(quantity)
    offer = (
        Offer.objects.filter(pk=offer_id, is_active=True, seller__status=SellerStatus.VERIFIED).first()
        if isinstance(offer_id, int)
        else None
    )
    if offer is None:
        raise NotFound(
            "This offer is not available.",
            code=errors.OFFER_UNAVAILABLE,
            fields={"offer_id": "Unknown or unavailable offer."},
        )
    with transaction.atomic():
        cart = cart_get_or_create(buyer=buyer)
        line, created = CartLine.objects.get_or_create(cart=cart, offer=offer, defaults={"quantity": quantity})
        if not created and line.quantity != quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])
    return line


def cart_line_remove(*, buyer, offer_id: int) -> None:
    CartLine.objects.filter(cart__buyer=buyer, offer_id=offer_id).delete()


def cart_clear(*, buyer) -> None:
    CartLine.objects.filter(cart__buyer=buyer).delete()


# --- Checkout -----------------------------------------------------------------------------------

ADDRESS_FIELDS = ("name", "street", "postal_code", "city", "country")


def _validate_address(address) -> dict:
    if not isinstance(address, dict):
        raise ValidationError(
            "A shipping address is required.", code=errors.INVALID_ADDRESS, fields={"shipping_address": "Required."}
        )
    problems = {}
    for name in ADDRESS_FIELDS:
        value = address.get(name)
        if not isinstance(value, str) or not value.strip():
            problems[f"shipping_address.{name}"] = "Required."
        elif len(value) > 200:
            problems[f"shipping_address.{name}"] = "At most 200 characters."
    country = normalise_country(address.get("country", "")) if "shipping_address.country" not in problems else None
    if "shipping_address.country" not in problems and country is None:
        problems["shipping_address.country"] = "Use an ISO 3166 two-letter country code."
    if problems:
        raise ValidationError("The shipping address is incomplete.", code=errors.INVALID_ADDRESS, fields=problems)
    clean = {name: address[name].strip() for name in ADDRESS_FIELDS}
    clean["country"] = country
    for optional in ("phone", "street2", "region"):
        if isinstance(address.get(optional), str) and address[optional].strip():
            clean[optional] = address[optional].strip()[:200]
    return clean


@dataclass(frozen=True)
class CheckoutResult:
    """What the interfaces show: the HTTP status, the order (None when refused) and the response body."""

    status: int
    body: dict
    order: Order | None
    replayed: bool = False


def _commission_rates(offers: list[Offer]) -> dict[int, int]:
    """offer_id -> basis points: the seller's override, else the category's own or inherited rate (read with the
    offers by `offers_for_checkout`), else the marketplace default."""
    default = settings.COMPTOIR["DEFAULT_COMMISSION_BP"]
    return {
        offer.pk: offer.seller.commission_rate_bp
        if offer.seller.commission_rate_bp is not None
        else offer.category_commission_bp
        if offer.category_commission_bp is not None
        else default
        for offer in offers
    }


def _parse_lines(lines) -> dict[int, int]:
    if not isinstance(lines, list) or not lines:
        raise ValidationError(
            "There is nothing to check out.", code=errors.EMPTY_CART, fields={"lines": "Add at least one offer."}
        )
    quantities: dict[int, int] = {}
    for index, line in enumerate(lines):
        offer_id = line.get("offer_id") if isinstance(line, dict) else None
        if isinstance(offer_id, bool) or not isinstance(offer_id, int):
            raise ValidationError(
                "Invalid line.", code="invalid_line", fields={f"lines[{index}].offer_id": "An offer id."}
            )
        _validate_quantity(line.get("quantity"), field=f"lines[{index}].quantity")
        quantities[offer_id] = quantities.get(offer_id, 0) + line["quantity"]
        _validate_quantity(quantities[offer_id], field=f"lines[{index}].quantity")
    return quantities


def _order_body(order: Order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "currency": order.currency,
        "items": Money(order.items_amount, order.currency).as_dict(),
        "shipping": Money(order.shipping_amount, order.currency).as_dict(),
        "total": Money(order.total_amount, order.currency).as_dict(),
        "seller_orders": [
            {
                "number": so.number,
                "seller_id": so.seller_id,
                "status": so.status,
                "total": Money(so.total_amount, so.currency).as_dict(),
                "ship_by": so.ship_by.isoformat(),
                "deliver_by": so.deliver_by.isoformat(),
            }
            for so in sorted(order.seller_orders.all(), key=lambda item: item.number)
        ],
    }


# An idempotent checkout whose process died between its steps is finished by a retry after this delay.
CHECKOUT_RESUME_AFTER_SECONDS = 30


def order_checkout(
    *,
    buyer,
    shipping_address: dict,
    payment_method: dict,
    lines: list[dict] | None = None,
    shipping_choices: dict[int, str] | None = None,
    idempotency_key: str | None = None,
    key_required: bool = False,
) -> CheckoutResult:
    """Check out `lines` (or the buyer's cart when None) into one order split per seller.

    Guarantees: stock never goes negative and is taken all-or-nothing; the same Idempotency-Key
    with the same request returns the first result and never creates a second order or charge;
    a declined payment leaves no stock taken and no money in the ledger. Raises ValidationError
    (422), NotFound (404), Conflict (409, e.g. insufficient stock or key in use)."""
    key = validate_key(idempotency_key, required=key_required)
    address = _validate_address(shipping_address)
    if not isinstance(payment_method, dict):
        raise ValidationError(
            "A payment method is required.", code="invalid_payment_method", fields={"payment": "Required."}
        )
    from_cart = lines is None
    quantities = None if from_cart else _parse_lines(lines)
    choices = {}
    for seller_key, level in (shipping_choices or {}).items():
        try:
            choices[int(seller_key)] = str(level)
        except (TypeError, ValueError) as error:
            raise ValidationError(
                "Invalid shipping choice.",
                code="invalid_shipping_choice",
                fields={"shipping": "Map seller ids to a service level."},
            ) from error
    # A cart checkout is identified by its form, not by the cart's content: the first attempt empties the
    # cart, and its retry must still replay the first response rather than find an empty cart.
    fingerprint = request_fingerprint(
        {
            "lines": "cart" if from_cart else sorted(quantities.items()),
            "address": address,
            "shipping": sorted(choices.items()),
            "card": str(payment_method.get("card_number", ""))[-4:],
        }
    )

    provider = get_provider()
    # (1) Take stock and write the order, awaiting payment.
    with transaction.atomic(durable=True):
        record, resumed = None, False
        if key is not None:
            record, created = idempotency_claim(
                actor_key=f"user:{buyer.pk}",
                key=key,
                scope="checkout",
                fingerprint=fingerprint,
                resume_after_seconds=CHECKOUT_RESUME_AFTER_SECONDS,
            )
            if not created:
                order = Order.objects.filter(number=(record.response_body or {}).get("number")).first()
                if record.response_status is not None or order is None:
                    return CheckoutResult(record.response_status, record.response_body, order, replayed=True)
                resumed = True  # an earlier attempt died between steps: finish that order, never start a second one
                quantities = _quantities_of(list(order.seller_orders.all()))
        if from_cart and not resumed:
            quantities = _parse_lines(
                [
                    {"offer_id": offer_id, "quantity": quantity}
                    for offer_id, quantity in CartLine.objects.filter(cart__buyer=buyer)
                    .order_by("offer_id")
                    .values_list("offer_id", "quantity")
                ]
            )
        if not resumed:
            order = _order_create(buyer=buyer, quantities=quantities, address=address, choices=choices)
            if provider.is_synchronous_and_local:
                # A provider answering inside this process without I/O (the sandbox) holds no lock on anything
                # remote: charge it here and record the outcome in this same transaction. A refused card or a
                # crash rolls everything back (no order, no stock taken, the key free again); a retry starts over.
                result = provider.charge(amount=order.total, payment_method=payment_method, reference=order.number)
                order = _order_payment_outcome_apply(
                    order=order,
                    seller_orders=list(order.seller_orders.all()),
                    status=result.status,
                    provider=provider.name,
                    reference=result.reference,
                    card_last4=result.card_last4,
                    message=result.message,
                    payment_fingerprint=result.payment_fingerprint,
                    payment_is_new=True,
                )
                return _checkout_respond(
                    order=order, result=result, record=record, buyer=buyer, from_cart=from_cart, quantities=quantities
                )
            if record is not None:
                record.response_body = {"number": order.number}
                record.save(update_fields=["response_body"])

    # (2) Charge outside any transaction: no lock is held while the provider answers. The provider is
    # idempotent on our reference (the order number), so a resumed attempt never charges twice.
    try:
        result = provider.charge(amount=order.total, payment_method=payment_method, reference=order.number)
    except ApplicationError as error:
        # The provider refused the request itself (an invalid card number): nothing was charged. Undo step (1)
        # so that no order sits awaiting payment with stock taken, and free the key for a corrected retry.
        with transaction.atomic(durable=True):
            _order_abandon(order_id=order.pk, reason=error.message)
            if record is not None:
                IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise

    # (3) Record the outcome.
    with transaction.atomic(durable=True):
        order = _order_payment_outcome(
            order_id=order.pk,
            status=result.status,
            provider=provider.name,
            reference=result.reference,
            card_last4=result.card_last4,
            message=result.message,
            payment_fingerprint=result.payment_fingerprint,
        )
        return _checkout_respond(
            order=order, result=result, record=record, buyer=buyer, from_cart=from_cart, quantities=quantities
        )


def _checkout_respond(
    *, order: Order, result, record, buyer, from_cart: bool, quantities: dict[int, int]
) -> CheckoutResult:
    """Inside the outcome's transaction: empty the cart of what was bought, build the response from the rows in
    memory and store it under the idempotency key."""
    if from_cart and order.status != OrderStatus.PAYMENT_FAILED:
        # A declined buyer keeps the cart to try another card.
        CartLine.objects.filter(cart__buyer=buyer, offer_id__in=list(quantities)).delete()
    body = _order_body(order)
    http_status = {OrderStatus.PAID: 201, OrderStatus.PAYMENT_REVIEW: 202, OrderStatus.PAYMENT_FAILED: 402}[
        order.status
    ]
    if http_status == 402:
        body = {
            "type": "https://comptoir.dev/problems/payment_declined",
            "title": "Payment declined",
            "status": 402,
            "code": "payment_declined",
            "detail": result.message or "The payment was declined.",
            "order": body,
        }
    if record is not None:
        idempotency_store_response(record=record, status=http_status, body=body)
    return CheckoutResult(http_status, body, order)


def _order_create(*, buyer, quantities: dict[int, int], address: dict, choices: dict[int, str]) -> Order:
    offers = offers_for_checkout(quantities)
    found = {offer.pk: offer for offer in offers}
    unavailable = [
        offer_id
        for offer_id in quantities
        if offer_id not in found
        or not found[offer_id].is_active
        or found[offer_id].seller.status != SellerStatus.VERIFIED
    ]
    if unavailable:
        raise NotFound(
            "Some offers are not available.",
            code=errors.OFFER_UNAVAILABLE,
            extra={"offer_ids": sorted(unavailable)},
            fields={f"offer {offer_id}": "Unknown or unavailable offer." for offer_id in sorted(unavailable)},
        )
    commission = _commission_rates(offers)
    rates = shipping_rates_of(offers)
    now = clock.now()
    try:
        draft = build_checkout(
            lines=[
                LineInput(
                    offer.pk,
                    offer.seller_id,
                    offer.product_id,
                    offer.product.title,
                    offer.sku,
                    offer.price,
                    quantities[offer.pk],
                    commission[offer.pk],
                    offer.handling_days,
                    offer.shipping_profile_id,
                )
                for offer in offers
            ],
            rates_by_profile=rates,
            destination_country=address["country"],
            service_levels=choices,
            placed_on=now.date(),
        )
    except CheckoutProblem as problem:
        raise ValidationError(problem.message, code=problem.code, fields=problem.fields) from problem
    short = offer_stock_take(quantities=quantities)
    if short:
        raise Conflict(
            "Not enough stock for some offers.",
            code=errors.INSUFFICIENT_STOCK,
            extra={"offer_ids": short},
            fields={f"offer {offer_id}": "Not enough stock." for offer_id in short},
        )
    return _order_write(buyer=buyer, draft=draft, address=address, now=now)


def _order_write(*, buyer, draft: CheckoutDraft, address: dict, now: dt.datetime) -> Order:
    order = Order.objects.create(
        number=_new_order_number(),
        buyer=buyer,
        currency=draft.currency,
        items_amount=draft.items.amount,
        shipping_amount=draft.shipping.amount,
        total_amount=draft.total.amount,
        shipping_address=address,
        placed_at=now,
    )
    seller_orders = SellerOrder.objects.bulk_create(
        [
            SellerOrder(
                order=order,
                seller_id=part.seller_id,
                number=f"{order.number}-{index}",
                status=Status.AWAITING_PAYMENT,
                currency=draft.currency,
                items_amount=part.items.amount,
                shipping_amount=part.shipping.price.amount,
                total_amount=part.total.amount,
                commission_amount=part.commission.amount,
                shipping_rate_id=part.shipping.rate_id,
                shipping_service_level=part.shipping.service_level,
                shipping_zone=part.shipping.zone_name,
                carrier=part.shipping.carrier,
                ship_by=part.ship_by,
                deliver_by_earliest=part.deliver_by_earliest,
                deliver_by=part.deliver_by,
                placed_at=now,
            )
            for index, part in enumerate(draft.seller_orders, start=1)
        ]
    )
    if any(seller_order.pk is None for seller_order in seller_orders):  # backends without RETURNING
        seller_orders = list(order.seller_orders.order_by("number"))
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                seller_order=seller_order,
                offer_id=line.offer_id,
                product_id=line.product_id,
                title=line.title[:300],
                sku=line.sku,
                quantity=line.quantity,
                unit_price_amount=line.unit_price.amount,
                line_amount=line.unit_price.amount * line.quantity,
                commission_rate_bp=line.commission_rate_bp,
            )
            for seller_order, part in zip(seller_orders, draft.seller_orders, strict=True)
            for line in part.lines
        ]
    )
    SellerOrderEvent.objects.bulk_create(
        [
            SellerOrderEvent(
                seller_order=seller_order,
                seller_id_copy=seller_order.seller_id,
                action="create",
                from_status="",
                to_status=Status.AWAITING_PAYMENT,
                actor_role=Actor.BUYER,
                actor=buyer,
                created_at=now,
                data={
                    "ship_by": seller_order.ship_by.isoformat(),
                    "deliver_by": seller_order.deliver_by.isoformat(),
                    "total": seller_order.total_amount,
                },
            )
            for seller_order in seller_orders
        ]
    )
    _remember_seller_orders(order, seller_orders)
    return order


def _remember_seller_orders(order: Order, seller_orders: list[SellerOrder]) -> None:
    """Make `order.seller_orders.all()` the rows in memory, as prefetch_related would, so that the payment outcome
    and the response do not query them again (a further filter or values() on it still queries)."""
    queryset = order.seller_orders.get_queryset()
    queryset._result_cache, queryset._prefetch_done = seller_orders, True
    order._prefetched_objects_cache = {"seller_orders": queryset}


def _order_payment_outcome(
    *,
    order_id: int,
    status: str,
    provider: str,
    reference: str,
    card_last4: str,
    message: str,
    actor=None,
    payment_fingerprint: str = "",
) -> Order:
    """Lock the order and its seller orders (primary-key order) and record the provider's answer once."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != OrderStatus.AWAITING_PAYMENT and not (
        order.status == OrderStatus.PAYMENT_REVIEW and actor is not None
    ):
        return order  # already settled by an earlier attempt: idempotent
    seller_orders = list(SellerOrder.objects.select_for_update().filter(order=order).order_by("pk"))
    _remember_seller_orders(order, seller_orders)
    return _order_payment_outcome_apply(
        order=order,
        seller_orders=seller_orders,
        status=status,
        provider=provider,
        reference=reference,
        card_last4=card_last4,
        message=message,
        actor=actor,
        payment_fingerprint=payment_fingerprint,
    )


def _order_payment_outcome_apply(
    *,
    order: Order,
    seller_orders: list[SellerOrder],
    status: str,
    provider: str,
    reference: str,
    card_last4: str,
    message: str,
    actor=None,
    payment_is_new: bool = False,
    payment_fingerprint: str = "",
) -> Order:
    """Record the payment, post a capture into escrow and move the seller orders, on rows this transaction owns
    (locked by the caller, or inserted by it). `payment_is_new`: the order was created in this transaction, so
    no payment can exist for it yet and none is looked up."""
    payment_status = {
        "captured": PaymentStatus.CAPTURED,
        "declined": PaymentStatus.DECLINED,
        "review": PaymentStatus.REVIEW,
        "review_rejected": PaymentStatus.REVIEW_REJECTED,
    }[status]
    payment = (
        None if payment_is_new else Payment.objects.filter(provider=provider, provider_reference=reference).first()
    )
    if payment is None:
        payment = Payment.objects.create(
            order=order,
            provider=provider,
            provider_reference=reference,
            status=payment_status,
            amount=order.total_amount,
            currency=order.currency,
            card_last4=card_last4,
            message=message[:300],
            payment_fingerprint=(payment_fingerprint or "")[:100],
        )
    elif payment.status != payment_status:
        payment.status = payment_status
        payment.save(update_fields=["status"])
    now = clock.now()
    if payment_status == PaymentStatus.CAPTURED:
        ledger_post(
            kind=EntryKind.CAPTURE,
            source_key=f"capture:{order.number}",
            order_id=order.pk,
            memo=f"Order {order.number}",
            actor=actor,
            lines=[PostingLine(("provider_clearing", None, order.currency), order.total_amount)]
            + [PostingLine(("seller_escrow", so.seller_id, order.currency), -so.total_amount) for so in seller_orders],
        )
        order.status, order.paid_at = OrderStatus.PAID, now
        _apply_to_all(
            seller_orders,
            Action.PAYMENT_CAPTURED,
            Actor.OPERATOR if actor else Actor.SYSTEM,
            actor,
            "",
            {"payment": reference},
            now,
        )
    elif payment_status == PaymentStatus.REVIEW:
        order.status = OrderStatus.PAYMENT_REVIEW
    else:
        order.status = OrderStatus.PAYMENT_FAILED
        _seller_orders_fail(
            seller_orders, reason=message or "Payment declined.", actor=actor, data={"payment": reference}, now=now
        )
    order.save(update_fields=["status", "paid_at"])
    return order


def _seller_orders_fail(seller_orders: list[SellerOrder], *, reason: str, actor, data: dict, now: dt.datetime) -> None:
    offer_stock_return(quantities=_quantities_of(seller_orders))
    _apply_to_all(
        seller_orders, Action.PAYMENT_FAILED, Actor.OPERATOR if actor else Actor.SYSTEM, actor, reason, data, now
    )


def _apply_to_all(
    seller_orders: list[SellerOrder],
    action: Action,
    actor_role: Actor,
    actor,
    reason: str,
    data: dict,
    now: dt.datetime,
) -> None:
    """`_apply` to every seller order of one order, in two statements instead of two per seller order.

    Only the payment outcomes use it: they move every seller order of the order from the same status with the
    same stamps. Each transition is still validated by the state machine, each seller order still gets its own
    event, and the same SellerOrderTransitioned events are published on commit. The UPDATE is guarded on the
    status the transitions were validated from; the caller owns the rows (locked or inserted in this
    transaction), so a miss is a programming error and aborts the transaction."""
    if len({seller_order.status for seller_order in seller_orders}) != 1 or action not in (
        Action.PAYMENT_CAPTURED,
        Action.PAYMENT_FAILED,
    ):
        for seller_order in seller_orders:
            _apply(seller_order, action, actor_role, actor, reason, data, now)
        return
    previous = seller_orders[0].status
    target = transition(previous, action, actor_role, reason).target.value
    changes = {"status": target}
    if action == Action.PAYMENT_FAILED:
        changes.update(cancelled_at=now, cancelled_by=actor_role.value, cancel_reason=reason)
    updated = SellerOrder.objects.filter(
        pk__in=[seller_order.pk for seller_order in seller_orders], status=previous
    ).update(**changes)
    if updated != len(seller_orders):
        raise RuntimeError(
            f"{len(seller_orders) - updated} seller order(s) changed under a payment outcome that owned them"
        )
    for seller_order in seller_orders:
        for name, value in changes.items():
            setattr(seller_order, name, value)
    events = SellerOrderEvent.objects.bulk_create(
        [
            SellerOrderEvent(
                seller_order=seller_order,
                seller_id_copy=seller_order.seller_id,
                action=action.value,
                from_status=previous,
                to_status=target,
                actor_role=actor_role.value,
                actor=actor if getattr(actor, "pk", None) else None,
                reason=reason or "",
                data=data,
                created_at=now,
            )
            for seller_order in seller_orders
        ]
    )
    for event in events:
        _publish_transitioned(event)


def _order_abandon(*, order_id: int, reason: str) -> Order:
    """Fail an order awaiting payment whose charge never happened: stock back, seller orders cancelled."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != OrderStatus.AWAITING_PAYMENT:
        return order
    seller_orders = list(SellerOrder.objects.select_for_update().filter(order=order).order_by("pk"))
    _seller_orders_fail(seller_orders, reason=reason, actor=None, data={"payment": None}, now=clock.now())
    order.status = OrderStatus.PAYMENT_FAILED
    order.save(update_fields=["status"])
    return order


def _quantities_of(seller_orders: list[SellerOrder]) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for offer_id, quantity in OrderLine.objects.filter(seller_order__in=seller_orders).values_list(
        "offer_id", "quantity"
    ):
        quantities[offer_id] = quantities.get(offer_id, 0) + quantity
    return quantities


def order_payment_review_decide(*, order_id: int, approve: bool, actor) -> Order:
    """An operator settles a payment held for review: approve captures it, reject cancels the order."""
    if not getattr(actor, "is_operator", False):
        raise PermissionDenied("Only an operator can decide a payment review.", code="operator_required")
    with transaction.atomic(durable=True):
        order = Order.objects.filter(pk=order_id).first()
        if order is None:
            raise NotFound("No such order.", code=errors.ORDER_NOT_FOUND)
        if order.status != OrderStatus.PAYMENT_REVIEW:
            raise Conflict("This order's payment is not under review.", code="not_under_review")
        payment = order.payments.order_by("-pk").first()
        order = _order_payment_outcome(
            order_id=order.pk,
            status="captured" if approve else "review_rejected",
            provider=payment.provider,
            reference=payment.provider_reference,
            card_last4=payment.card_last4,
            message="" if approve else "Rejected after payment review.",
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="order.payment_review_approved" if approve else "order.payment_review_rejected",
            target=order,
            data={"payment": payment.provider_reference, "status": order.status},
        )
        return order


# --- Seller-order lifecycle -----------------------------------------------------------------------


def _apply(
    seller_order: SellerOrder, action: Action, actor_role: Actor, actor, reason: str, data: dict, now: dt.datetime
) -> SellerOrder:
    """Validate and apply one transition on a locked seller order, recording its event."""
    step = transition(seller_order.status, action, actor_role, reason)
    previous = seller_order.status
    seller_order.status = step.target.value
    fields = ["status"]
    stamp = {
        Action.ACCEPT: "accepted_at",
        Action.SHIP: "shipped_at",
        Action.DELIVER: "delivered_at",
        Action.COMPLETE: "completed_at",
        Action.CANCEL: "cancelled_at",
        Action.PAYMENT_FAILED: "cancelled_at",
    }.get(action)
    if stamp:
        setattr(seller_order, stamp, now)
        fields.append(stamp)
    if action in (Action.CANCEL, Action.PAYMENT_FAILED):
        seller_order.cancelled_by, seller_order.cancel_reason = actor_role.value, reason
        fields += ["cancelled_by", "cancel_reason"]
    if action == Action.DELIVER:
        seller_order.release_due_at = now + dt.timedelta(days=settings.COMPTOIR["RELEASE_HOLD_DAYS"])
        fields.append("release_due_at")
    if action == Action.SHIP:
        seller_order.carrier, seller_order.tracking_number = data["carrier"], data["tracking_number"]
        fields += ["carrier", "tracking_number"]
    if action == Action.REQUEST_RETURN:
        seller_order.return_reason = data["return_reason"]
        fields.append("return_reason")
    seller_order.save(update_fields=fields)
    event = SellerOrderEvent.objects.create(
        seller_order=seller_order,
        seller_id_copy=seller_order.seller_id,
        action=action.value,
        from_status=previous,
        to_status=seller_order.status,
        actor_role=actor_role.value,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason or "",
        data=data,
        created_at=now,
    )
    _publish_transitioned(event)
    return seller_order


def _publish_transitioned(event: SellerOrderEvent) -> None:
    publish_on_commit(
        SellerOrderTransitioned(
            seller_order_id=event.seller_order_id,
            seller_id=event.seller_id_copy,
            event_id=event.pk,
            action=event.action,
            at=event.created_at,
        )
    )


def seller_order_event_record(
    *, seller_order: SellerOrder, action: str, actor_role: Actor, actor, reason: str, data: dict, now: dt.datetime
) -> SellerOrderEvent:
    """Record a fact that does not change the seller order's status (a chargeback, recorded by payments) in its
    history, and publish it like a transition so that trust folds it. The caller holds the seller order's lock."""
    event = SellerOrderEvent.objects.create(
        seller_order=seller_order,
        seller_id_copy=seller_order.seller_id,
        action=action,
        from_status=seller_order.status,
        to_status=seller_order.status,
        actor_role=Actor(actor_role).value,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason or "",
        data=data,
        created_at=now,
    )
    _publish_transitioned(event)
    return event


def _locked_seller_order(*, seller_order_id: int, seller=None, buyer=None) -> SellerOrder:
    queryset = SellerOrder.objects.select_for_update().filter(pk=seller_order_id)
    if seller is not None:
        queryset = queryset.filter(seller=seller)
    if buyer is not None:
        queryset = queryset.filter(order__buyer=buyer)
    seller_order = queryset.first()
    if seller_order is None:
        raise NotFound("No such order.", code=errors.SELLER_ORDER_NOT_FOUND)
    return seller_order


def _refund_seller_order(seller_order: SellerOrder, *, reason: str, actor) -> None:
    """Refund everything not yet refunded of a paid seller order from escrow (reversing entry + provider refund)."""
    amount = (
        seller_order.total_amount - seller_order.refunded_amount - seller_order_charged_back_amount(seller_order.pk)
    )
    payment = (
        Payment.objects.filter(order_id=seller_order.order_id, status=PaymentStatus.CAPTURED).order_by("pk").first()
    )
    if amount <= 0 or payment is None:
        return
    ledger_post(
        kind=EntryKind.REFUND,
        source_key=f"refund:{seller_order.number}",
        order_id=seller_order.order_id,
        seller_order_id=seller_order.pk,
        memo=f"Refund {seller_order.number}",
        actor=actor,
        lines=[
            PostingLine(("seller_escrow", seller_order.seller_id, seller_order.currency), amount),
            PostingLine(("provider_clearing", None, seller_order.currency), -amount),
        ],
    )
    refund_create(
        payment=payment,
        seller_order=seller_order,
        amount=amount,
        reason=reason,
        source_key=f"refund:{seller_order.number}",
    )
    SellerOrder.objects.filter(pk=seller_order.pk).update(refunded_amount=F("refunded_amount") + amount)
    seller_order.refunded_amount += amount


def _validate_tracking(carrier, tracking_number) -> tuple[str, str]:
    problems = {}
    if not isinstance(carrier, str) or not carrier.strip() or len(carrier) > 60:
        problems["carrier"] = "The carrier's name is required."
    compact = tracking_number.replace(" ", "") if isinstance(tracking_number, str) else ""
    if not (5 <= len(compact) <= 40 and compact.isalnum() and compact.isascii()):
        problems["tracking_number"] = "A tracking number has 5 to 40 letters or digits."
    if problems:
        raise ValidationError(
            "Shipping needs a carrier and a valid tracking number.", code=errors.INVALID_TRACKING, fields=problems
        )
    return carrier.strip(), compact.upper()


def seller_order_accept(*, seller, seller_order_id: int, actor) -> SellerOrder:
    with transaction.atomic(durable=True):
        seller_order = _locked_seller_order(seller_order_id=seller_order_id, seller=seller)
        return _apply(seller_order, Action.ACCEPT, Actor.SELLER, actor, "", {}, clock.now())


def seller_order_ship(*, seller, seller_order_id: int, actor, carrier: str, tracking_number: str) -> SellerOrder:
    carrier, tracking_number = _validate_tracking(carrier, tracking_number)
    with transaction.atomic(durable=True):
        seller_order = _locked_seller_order(seller_order_id=seller_order_id, seller=seller)
        now = clock.now()
        return _apply(
            seller_order,
            Action.SHIP,
            Actor.SELLER,
            actor,
            "",
            {"carrier": carrier, "tracking_number": tracking_number, "late": now.date() > seller_order.ship_by},
            now,
        )


def seller_order_mark_delivered(
    *, seller_order_id: int, actor, actor_role: Actor, seller=None, buyer=None
) -> SellerOrder:
    with transaction.atomic(durable=True):
        seller_order = _locked_seller_order(seller_order_id=seller_order_id, seller=seller, buyer=buyer)
        now = clock.now()
        return _apply(
            seller_order, Action.DELIVER, actor_role, actor, "", {"late": now.date() > seller_order.deliver_by}, now
        )


def seller_order_cancel(
    *, seller_order_id: int, actor, actor_role: Actor, reason: str, seller=None, buyer=None
) -> SellerOrder:
    """Cancel before shipping (buyer: only before acceptance). Puts the stock back and refunds in full."""
    with transaction.atomic(durable=True):
        seller_order = _locked_seller_order(seller_order_id=seller_order_id, seller=seller, buyer=buyer)
        _apply(seller_order, Action.CANCEL, actor_role, actor, (reason or "").strip(), {}, clock.now())
        offer_stock_return(quantities=_quantities_of([seller_order]))
        _refund_seller_order(seller_order, reason=reason, actor=actor)
        return seller_order


def seller_order_request_return(*, buyer, seller_order_id: int, return_reason: str, comment: str = "") -> SellerOrder:
    if return_reason not in ReturnReason.values:
        raise ValidationError(
            "Unknown return reason.",
            code="invalid_return_reason",
            fields={"return_reason": f"One of {', '.join(ReturnReason.values)}."},
        )
    with transaction.atomic(durable=True):
        seller_order = _locked_seller_order(seller_order_id=seller_order_id, buyer=buyer)
        now = clock.now()
        window = dt.timedelta(days=settings.COMPTOIR["RETURN_WINDOW_DAYS"])
        if (
            seller_order.status == Status.DELIVERED
            and seller_order.delivered_at
            and now > seller_order.delivered_at + window
        ):
            raise Conflict("The return window has closed.", code=errors.RETURN_WINDOW_CLOSED)
        return _apply(
            seller_order,
            Action.REQUEST_RETURN,
            Actor.BUYER,
            buyer,
            comment.strip() or ReturnReason(return_reason).label,
            {"return_reason": return_reason},
            now,
        )


def seller_order_receive_return(*, seller, seller_order_id: int, actor, restock: bool = True) -> SellerOrder:
    with transaction.atomic(durable=True):
        seller_order = _locked_seller_order(seller_order_id=seller_order_id, seller=seller)
        _apply(seller_order, Action.RECEIVE_RETURN, Actor.SELLER, actor, "", {"restocked": restock}, clock.now())
        if restock:
            offer_stock_return(quantities=_quantities_of([seller_order]))
        return seller_order


def seller_order_refund(*, seller, seller_order_id: int, actor) -> SellerOrder:
    with transaction.atomic(durable=True):
        seller_order = _locked_seller_order(seller_order_id=seller_order_id, seller=seller)
        _apply(seller_order, Action.REFUND, Actor.SELLER, actor, "", {}, clock.now())
        _refund_seller_order(seller_order, reason="Return received", actor=actor)
        return seller_order


def seller_order_complete(*, seller_order_id: int, actor=None) -> SellerOrder:
    """Release escrow to the seller's payable balance minus the frozen commission (delivered + hold elapsed, no open dispute)."""
    with transaction.atomic():
        seller_order = _locked_seller_order(seller_order_id=seller_order_id)
        if Dispute.objects.filter(seller_order=seller_order, status=DisputeStatus.OPEN).exists():
            raise Conflict("An open dispute blocks the release of funds.", code="dispute_open")
        now = clock.now()
        if actor is None and (seller_order.release_due_at is None or seller_order.release_due_at > now):
            raise Conflict("The hold period has not elapsed.", code="hold_not_elapsed")
        _apply(seller_order, Action.COMPLETE, Actor.OPERATOR if actor else Actor.SYSTEM, actor, "", {}, now)
        # Chargebacks taken from escrow before the release leave less to release, and less commission (payments.domain.chargeback).
        amounts = release_amounts(
            total=seller_order.total_amount,
            commission=seller_order.commission_amount,
            charged_back=seller_order_charged_back_amount(seller_order.pk),
        )
        lines = [PostingLine(("seller_escrow", seller_order.seller_id, seller_order.currency), amounts.escrow)]
        if amounts.payable:
            lines.append(
                PostingLine(("seller_payable", seller_order.seller_id, seller_order.currency), -amounts.payable)
            )
        if amounts.commission:
            lines.append(PostingLine(("commission", None, seller_order.currency), -amounts.commission))
        if amounts.escrow:  # nothing left in escrow after a full chargeback: nothing to post
            ledger_post(
                kind=EntryKind.RELEASE,
                source_key=f"release:{seller_order.number}",
                order_id=seller_order.order_id,
                seller_order_id=seller_order.pk,
                memo=f"Release {seller_order.number}",
                actor=actor,
                lines=lines,
            )
        seller_order.is_released = True
        seller_order.save(update_fields=["is_released"])
        return seller_order


def seller_orders_release_due(*, limit: int = 500) -> int:
    """Complete every delivered seller order whose hold has elapsed and that has no open dispute. Idempotent."""
    now = clock.now()
    due = list(
        SellerOrder.objects.filter(status=Status.DELIVERED, release_due_at__lte=now)
        .exclude(disputes__status=DisputeStatus.OPEN)
        .order_by("release_due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    released = 0
    for seller_order_id in due:
        try:
            with transaction.atomic(durable=True):
                seller_order_complete(seller_order_id=seller_order_id)
            released += 1
        except ApplicationError:
            continue  # changed state meanwhile (return requested, dispute opened): skip, the next run sees it
    return released


# --- Disputes -------------------------------------------------------------------------------------


def dispute_open(*, buyer, seller_order_id: int, reason: str, description: str) -> Dispute:
    if reason not in DisputeReason.values:
        raise ValidationError(
            "Unknown dispute reason.",
            code="invalid_dispute_reason",
            fields={"reason": f"One of {', '.join(DisputeReason.values)}."},
        )
    if not isinstance(description, str) or not description.strip():
        raise ValidationError("Describe the problem.", code="description_required", fields={"description": "Required."})
    with transaction.atomic(durable=True):
        seller_order = _locked_seller_order(seller_order_id=seller_order_id, buyer=buyer)
        if seller_order.status not in DISPUTABLE:
            raise Conflict(
                f"An order that is {seller_order.status.replace('_', ' ')} cannot be disputed.",
                code=errors.DISPUTE_NOT_ALLOWED,
            )
        if Dispute.objects.filter(seller_order=seller_order, status=DisputeStatus.OPEN).exists():
            raise Conflict("A dispute is already open on this order.", code=errors.DISPUTE_NOT_ALLOWED)
        now = clock.now()
        dispute = Dispute.objects.create(
            seller_order=seller_order,
            opened_by=buyer,
            reason=reason,
            description=description.strip()[:5000],
            opened_at=now,
        )
        _publish_transitioned(
            SellerOrderEvent.objects.create(
                seller_order=seller_order,
                seller_id_copy=seller_order.seller_id,
                action="dispute_opened",
                from_status=seller_order.status,
                to_status=seller_order.status,
                actor_role=Actor.BUYER,
                actor=buyer,
                reason=dispute.description,
                data={"dispute_id": dispute.pk, "reason": reason},
                created_at=now,
            )
        )
        return dispute


def dispute_decide(*, dispute_id: int, actor, in_favour_of: str, note: str) -> Dispute:
    """Operator decision. For the buyer: refund in full from escrow. For the seller: the order continues."""
    if not getattr(actor, "is_operator", False):
        raise PermissionDenied("Only an operator can decide a dispute.", code="operator_required")
    if in_favour_of not in ("buyer", "seller"):
        raise ValidationError(
            "Decide for the buyer or the seller.", code="invalid_decision", fields={"in_favour_of": "buyer or seller"}
        )
    if not isinstance(note, str) or not note.strip():
        raise ValidationError(
            "A statement of reasons is required.", code="note_required", fields={"note": "Both parties will read it."}
        )
    with transaction.atomic(durable=True):
        dispute = Dispute.objects.select_for_update().filter(pk=dispute_id).first()
        if dispute is None:
            raise NotFound("No such dispute.", code=errors.DISPUTE_NOT_FOUND)
        if dispute.status != DisputeStatus.OPEN:
            raise Conflict("This dispute is already decided.", code="dispute_decided")
        seller_order = _locked_seller_order(seller_order_id=dispute.seller_order_id)
        now = clock.now()
        already_refunded = (
            seller_order.status in (Status.CANCELLED, Status.REFUNDED)
            and seller_order.refunded_amount >= seller_order.total_amount
        )
        if (
            in_favour_of == "buyer" and not already_refunded
        ):  # cancelled or refunded meanwhile: the buyer has their money back
            _apply(seller_order, Action.REFUND, Actor.OPERATOR, actor, note.strip(), {"dispute_id": dispute.pk}, now)
            _refund_seller_order(seller_order, reason=f"Dispute #{dispute.pk}: {note.strip()}", actor=actor)
        dispute.status = (
            DisputeStatus.DECIDED_FOR_BUYER if in_favour_of == "buyer" else DisputeStatus.DECIDED_FOR_SELLER
        )
        dispute.decided_at, dispute.decided_by, dispute.decision_note = now, actor, note.strip()
        dispute.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        _publish_transitioned(
            SellerOrderEvent.objects.create(
                seller_order=seller_order,
                seller_id_copy=seller_order.seller_id,
                action="dispute_decided",
                from_status=seller_order.status,
                to_status=seller_order.status,
                actor_role=Actor.OPERATOR,
                actor=actor,
                reason=note.strip(),
                data={"dispute_id": dispute.pk, "in_favour_of": in_favour_of},
                created_at=now,
            )
        )
        audit_record(
            actor=actor,
            action="dispute.decided",
            target=dispute,
            seller_id=seller_order.seller_id,
            reason=note.strip(),
            data={"in_favour_of": in_favour_of, "seller_order": seller_order.number},
        )
        return dispute
