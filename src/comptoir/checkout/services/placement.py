"""Checkout: a cart (or explicit lines) into one order split per seller, paid at once.

Three short transactions so that no database lock is held while the payment provider answers: (1) claim the
idempotency key, take stock and write the order awaiting payment (`orders.services.order_place`); (2) charge the
provider outside any transaction; (3) record the payment, post the capture into escrow and move the seller orders
to `placed` — or, on a decline, cancel them and put the stock back. A provider answering inside the process (the
sandbox) is charged inside transaction (1), after the stock is taken and before anything is written, so that a
captured order is written paid at once (`orders.services.order_write(paid_reference=…)`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.crypto import salted_hmac

from comptoir.checkout import errors
from comptoir.checkout.services.fx import charge_summary, presentment_currency
from comptoir.checkout.services.payment_outcome import (
    order_abandon,
    order_payment_outcome,
    payment_captured_at_placement,
    payment_outcome_apply,
)
from comptoir.core import clock, events
from comptoir.core.db import writes_carried
from comptoir.core.exceptions import ApplicationError, Conflict, ValidationError
from comptoir.core.idempotency import idempotency_claim, idempotency_store_response, request_fingerprint, validate_key
from comptoir.core.models import IdempotencyRecord
from comptoir.core.money import Money
from comptoir.orders.locks import seller_distance_counters_lock
from comptoir.orders.models import Order, OrderStatus
from comptoir.orders.services import (
    address_clean,
    cart_line_inputs,
    cart_lines_remove,
    draft_tax_lines,
    lines_parse,
    new_order_number,
    order_draft_price,
    order_place,
    order_stock_take,
    order_tax_lines,
    order_write,
    seller_order_quantities,
    shipping_choices_parse,
)
from comptoir.payments.providers import get_provider
from comptoir.taxes.domain.jurisdictions import vat_area
from comptoir.taxes.services import vat_number_check

if TYPE_CHECKING:
    from comptoir.accounts.models import User

# An idempotent checkout whose process died between its steps is finished by a retry after this delay.
CHECKOUT_RESUME_AFTER_SECONDS = 30

IDEMPOTENCY_SCOPE = "checkout"

DEFAULT_DECLINE_MESSAGE = "The payment was declined."

# The idempotency record's status column for a finished checkout: the codes records have always held (the first
# answer's), so that records written before and after this module read alike. The outcome itself is read from
# the stored summary's order status, never from this column.
_RECORD_STATUS = {OrderStatus.PAID: 201, OrderStatus.PAYMENT_REVIEW: 202, OrderStatus.PAYMENT_FAILED: 402}


@dataclass(frozen=True)
class CheckoutOutcome:
    """The result of a checkout, as it was when the checkout ended (a replay returns the stored one).

    `summary` is the order at that moment (number, status, currency, items, shipping, total and its seller orders,
    amounts as Money.as_dict()): what the buyer is shown, stable across replays even when the order moved on since.
    `order` is the order row now (orders are never deleted). `decline_message` is the provider's reason when the
    payment was declined."""

    order: Order
    summary: dict[str, Any] = field(default_factory=dict)
    decline_message: str = ""
    replayed: bool = False

    @property
    def order_status(self) -> str:
        return str(self.summary.get("status", ""))

    @property
    def is_declined(self) -> bool:
        return self.order_status == OrderStatus.PAYMENT_FAILED


def order_summary(order: Order, tax_lines: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """The order's summary (JSON-ready): the `summary` of a CheckoutOutcome. `tax_lines` by seller order number
    (`orders.services.draft_tax_lines`, from the draft just written); None reads them (one query)."""
    if tax_lines is None:
        tax_lines = order_tax_lines(order)
    return {
        "number": order.number,
        "status": order.status,
        "currency": order.currency,
        "items": Money(order.items_amount, order.currency).as_dict(),
        "shipping": Money(order.shipping_amount, order.currency).as_dict(),
        **({"duty": Money(order.duty_amount, order.currency).as_dict()} if order.duty_amount else {}),
        "total": Money(order.total_amount, order.currency).as_dict(),
        **(
            {"exchange_rate": {"source": order.fx_source, "day": order.fx_day and order.fx_day.isoformat()}}
            if order.fx_source
            else {}
        ),
        "seller_orders": [
            {
                "number": so.number,
                "seller_id": so.seller_id,
                "status": so.status,
                "total": Money(so.total_amount, so.currency).as_dict(),
                **charge_summary(so, order.currency),
                "ship_by": so.ship_by.isoformat(),
                "deliver_by": so.deliver_by.isoformat(),
                "tax_lines": tax_lines.get(so.number, []),
            }
            for so in sorted(order.seller_orders.all(), key=lambda item: item.number)
        ],
    }


def stored_outcome(record: IdempotencyRecord, order: Order) -> CheckoutOutcome:
    """The CheckoutOutcome stored in a finished checkout's idempotency record. Reads both stored forms: the
    summary alone (paid, under review) or {"order": summary, "detail": reason} (declined)."""
    body = record.response_body or {}
    summary = body["order"] if isinstance(body.get("order"), dict) else body
    return CheckoutOutcome(order=order, summary=summary, decline_message=body.get("detail", ""), replayed=True)


def stored_order_number(record: IdempotencyRecord) -> str | None:
    body = record.response_body or {}
    return body.get("number") or (body.get("order") or {}).get("number")


_PAYMENT_METHOD_SALT = "comptoir.checkout.payment_method"


def payment_method_digest(payment_method: dict) -> str:
    """A keyed digest (HMAC-SHA256 under the secret key) of the whole payment method, for the idempotency
    fingerprint: a retry with another card — even one sharing the last four digits — is another request, and no
    card number is stored, not even as a plain hash that a list of card numbers could reverse."""
    method = dict(payment_method)
    if isinstance(method.get("card_number"), str):  # "4242 4242 …" and "4242-4242…" are the same card
        method["card_number"] = "".join(character for character in method["card_number"] if character.isdigit())
    canonical = json.dumps(method, sort_keys=True, separators=(",", ":"), default=str)
    return salted_hmac(_PAYMENT_METHOD_SALT, canonical, algorithm="sha256").hexdigest()


def _payment_method_clean(payment_method: Any) -> dict:
    if not isinstance(payment_method, dict):
        raise ValidationError(
            "A payment method is required.", code=errors.INVALID_PAYMENT_METHOD, fields={"payment": "Required."}
        )
    return payment_method


def order_checkout(
    *,
    buyer: User,
    shipping_address: dict,
    payment_method: dict,
    lines: list[dict] | None = None,
    shipping_choices: dict[Any, str] | None = None,
    idempotency_key: str | None = None,
    key_required: bool = False,
    currency: str | None = None,
    vat_number: str | None = None,
) -> CheckoutOutcome:
    """Check out `lines` (or the buyer's cart when None) into one order split per seller, and charge it.

    Guarantees: stock never goes negative and is taken all-or-nothing; the same Idempotency-Key with the same
    request returns the first outcome (`replayed=True`) and never creates a second order or charge; a declined
    payment leaves no stock taken and no money in the ledger (the outcome's order is `payment_failed`, the cart is
    kept). Raises ValidationError (invalid input, a key reused for another request), NotFound (an unavailable
    offer), Conflict (insufficient stock; `idempotency_in_progress` while the same key's checkout still runs).
    A decline is an outcome, not an error; an error of the provider itself (an invalid card number) is raised
    after the order is undone and the key freed.

    `currency`: the buyer's presentment (display) currency. When the operator charges in it
    (COMPTOIR["FX"]["CHARGE_CURRENCY"] = "presentment"), the order is charged in it at rates frozen on the order, and
    offers of several currencies may be checked out together; otherwise it is ignored (see `presentment_currency`).

    `vat_number`: a business buyer's VAT number. It is checked (format, VIES when the operator turned it on) and the
    check recorded before anything else, in a transaction of its own (evidence kept even when the checkout fails);
    an invalid number, or one of another country than the delivery address, is a ValidationError. A valid one prices
    the order for a business (reverse charge of intra-EU supplies, docs/TAXES.md) and is stored on the order."""
    key = validate_key(idempotency_key, required=key_required)
    charge_currency = presentment_currency(currency)
    address = address_clean(shipping_address)
    buyer_vat_number = _business_vat_number(vat_number, buyer=buyer, country=address["country"])
    payment_method = _payment_method_clean(payment_method)
    from_cart = lines is None
    quantities = None if from_cart else lines_parse(lines)
    tax_lines: dict[str, list[dict[str, Any]]] | None = None  # the draft's, once written (none read back)
    choices = shipping_choices_parse(shipping_choices)
    # A cart checkout is identified by its form, not by the cart's content: the first attempt empties the
    # cart, and its retry must still replay the first response rather than find an empty cart.
    fingerprint = request_fingerprint(
        {
            "lines": "cart" if from_cart else sorted((quantities or {}).items()),
            "address": address,
            "shipping": sorted(choices.items()),
            "payment_method": payment_method_digest(payment_method),
            **({"currency": charge_currency} if charge_currency else {}),
            **({"vat_number": buyer_vat_number} if buyer_vat_number else {}),
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
                scope=IDEMPOTENCY_SCOPE,
                fingerprint=fingerprint,
                resume_after_seconds=CHECKOUT_RESUME_AFTER_SECONDS,
            )
            if not created:
                number = stored_order_number(record)
                earlier = Order.objects.filter(number=number).first() if number else None
                if earlier is None:  # the earlier attempt died before writing anything: nothing to finish or replay
                    raise Conflict(
                        "A request with this Idempotency-Key is still being processed; retry shortly.",
                        code=errors.IDEMPOTENCY_IN_PROGRESS,
                    )
                order = earlier
                if record.response_status is not None:
                    return stored_outcome(record, order)
                resumed = True  # an earlier attempt died between steps: finish that order, never start a second one
                quantities = seller_order_quantities(list(order.seller_orders.all()))
        if from_cart and not resumed:
            quantities = lines_parse(cart_line_inputs(buyer=buyer))
        if not resumed:
            assert quantities is not None
            now = clock.now()
            if not buyer_vat_number and vat_area(address["country"]) == "EU":
                # The sellers' distance sales are read by the pricing below and written with the order: checkouts of
                # one seller take turns from here, so exactly one sale is the one crossing EUR 10,000 (orders.locks).
                seller_distance_counters_lock(offer_ids=quantities, destination=address["country"], year=now.year)
            draft = order_draft_price(
                quantities=quantities,
                country=address["country"],
                service_levels=choices,
                placed_on=now.date(),
                charge_currency=charge_currency,
                business_buyer=bool(buyer_vat_number),
                # Country rules (docs/COMPLIANCE.md): an offer that may not be sold there is refused before any write.
                refuse_restricted=True,
            )
            if provider.is_synchronous_and_local:
                # A provider answering inside this process without I/O (the sandbox) holds no lock on anything
                # remote: take the stock, charge it here and record the outcome in this same transaction. A refused
                # card or a crash rolls everything back (no order, no stock taken, the key free again); a retry
                # starts over. A capture is known before anything is written, so the rows are written in their
                # final state (order paid, seller orders placed, both events of each); any other answer is applied
                # to an order written awaiting payment, as for a remote provider.
                order_stock_take(draft=draft)
                number = new_order_number()
                result = provider.charge(amount=draft.total, payment_method=payment_method, reference=number)
                captured = result.status == "captured"
                order = order_write(
                    buyer=buyer,
                    draft=draft,
                    address=address,
                    now=now,
                    number=number,
                    paid_reference=result.reference if captured else None,
                    buyer_vat_number=buyer_vat_number,
                )
                seller_orders = list(order.seller_orders.all())
                tax_lines = draft_tax_lines(draft, order.number)
                if captured:
                    payment_captured_at_placement(
                        order=order,
                        seller_orders=seller_orders,
                        provider=provider.name,
                        reference=result.reference,
                        card_last4=result.card_last4,
                        message=result.message,
                        payment_fingerprint=result.payment_fingerprint,
                    )
                else:
                    order = payment_outcome_apply(
                        order=order,
                        seller_orders=seller_orders,
                        status=result.status,
                        provider=provider.name,
                        reference=result.reference,
                        card_last4=result.card_last4,
                        message=result.message,
                        payment_fingerprint=result.payment_fingerprint,
                        payment_is_new=True,
                    )
                return _checkout_finish(
                    order=order,
                    message=result.message,
                    record=record,
                    buyer=buyer,
                    from_cart=from_cart,
                    offer_ids=list(quantities),
                    tax_lines=tax_lines,
                )
            order = order_place(buyer=buyer, draft=draft, address=address, now=now, buyer_vat_number=buyer_vat_number)
            tax_lines = draft_tax_lines(draft, order.number)
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
            order_abandon(order_id=order.pk, reason=error.message)
            if record is not None:
                IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise

    # (3) Record the outcome.
    with transaction.atomic(durable=True):
        order = order_payment_outcome(
            order_id=order.pk,
            status=result.status,
            provider=provider.name,
            reference=result.reference,
            card_last4=result.card_last4,
            message=result.message,
            payment_fingerprint=result.payment_fingerprint,
        )
        return _checkout_finish(
            order=order,
            message=result.message,
            record=record,
            buyer=buyer,
            from_cart=from_cart,
            offer_ids=list(quantities or {}),
            tax_lines=tax_lines,
        )


def _business_vat_number(vat_number: str | None, *, buyer: User, country: str) -> str:
    """The checked, compact VAT number a business buyer gave ("" for a consumer). The check is recorded in its own
    transaction. Raises ValidationError (`invalid_vat_number`, `vat_number_country_mismatch`)."""
    if vat_number is None or not str(vat_number).strip():
        return ""
    with transaction.atomic(durable=True):
        check = vat_number_check(number=str(vat_number), actor=buyer)
    if not check.is_accepted:
        reason = check.format_problem or "VIES says this number is not registered."
        raise ValidationError(
            "The VAT number is not valid.", code=errors.INVALID_VAT_NUMBER, fields={"vat_number": reason}
        )
    if check.country != country:
        raise ValidationError(
            "The VAT number must be of the delivery country.",
            code=errors.VAT_NUMBER_COUNTRY_MISMATCH,
            fields={"vat_number": f"A VAT number of {country} is needed for a delivery to {country}."},
        )
    return check.number


def _checkout_finish(
    *,
    order: Order,
    message: str,
    record: IdempotencyRecord | None,
    buyer: User,
    from_cart: bool,
    offer_ids: list[int],
    tax_lines: dict[str, list[dict[str, Any]]] | None = None,
) -> CheckoutOutcome:
    """Inside the outcome's transaction: empty the cart of what was bought, build the outcome from the rows in
    memory and store it under the idempotency key."""
    declined = order.status == OrderStatus.PAYMENT_FAILED
    if from_cart and not declined:
        # A declined buyer keeps the cart to try another card.
        cart_lines_remove(buyer=buyer, offer_ids=offer_ids)
    summary = order_summary(order, tax_lines)
    decline_message = (message or DEFAULT_DECLINE_MESSAGE) if declined else ""
    # The tasks the checkout's events call for (trust evidence, notifications) commit with the order when tasks are
    # stored in this database: one INSERT, no second commit, none lost to a crash after the commit. On PostgreSQL
    # that INSERT also carries the idempotency response's UPDATE (one statement for both).
    with writes_carried():
        if record is not None:
            stored: dict[str, Any] = {"order": summary, "detail": decline_message} if declined else summary
            status = _RECORD_STATUS[OrderStatus(order.status)]
            idempotency_store_response(record=record, status=status, body=stored, carried=True)
        events.deliver_batch_before_commit()
    return CheckoutOutcome(order=order, summary=summary, decline_message=decline_message)
