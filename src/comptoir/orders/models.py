from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock
from comptoir.core.money import Money
from comptoir.orders.domain.carriers import tracking_url
from comptoir.orders.domain.state_machine import Actor, Status


class Cart(models.Model):
    buyer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of user {self.buyer_id}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "offer"], name="cart_line_unique_offer"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × offer {self.offer_id}"


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAYMENT_REVIEW = "payment_review", _("Payment under review")
    PAID = "paid", _("Paid")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")


class Order(models.Model):
    """A buyer's checkout: one payment, split into one SellerOrder per seller."""

    number = models.CharField(max_length=20, unique=True)
    # Indexed by (buyer, -placed_at) below, whose first column serves every lookup by buyer.
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", db_index=False)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.AWAITING_PAYMENT, db_index=True
    )
    currency = models.CharField(max_length=3)
    items_amount = models.BigIntegerField()
    shipping_amount = models.BigIntegerField()
    # Customs duties the buyer paid at checkout (delivered duty paid, docs/TAXES.md "Duties"); 0 for most orders.
    duty_amount = models.BigIntegerField(default=0, db_default=0)
    total_amount = models.BigIntegerField()
    shipping_address = models.JSONField()
    placed_at = models.DateTimeField(default=clock.now, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # The exchange rates frozen on the order when a seller order is settled in another currency than the order is
    # charged in (docs/CURRENCIES.md): their publisher ("ECB", "operator") and day (None for an operator's rate).
    fx_source = models.CharField(max_length=20, blank=True)
    fx_day = models.DateField(null=True, blank=True)
    # The buyer's VAT number, checked at checkout (taxes.VatNumberCheck) and of the destination: the order was priced
    # for a business (reverse charge where it applies). Empty for a consumer.
    buyer_vat_number = models.CharField(max_length=32, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total_amount=models.F("items_amount") + models.F("shipping_amount") + models.F("duty_amount")
                ),
                name="order_total_is_sum_with_duty",
            )
        ]
        indexes = [models.Index(fields=["buyer", "-placed_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def total(self) -> Money:
        return Money(self.total_amount, self.currency)

    @property
    def is_converted(self) -> bool:
        """Whether a rate was frozen on the order (some seller order settled in another currency)."""
        return bool(self.fx_source)


class SellerOrder(models.Model):
    """The part of an order one seller fulfils. Its status moves only through
    orders.services.seller_order_transition."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="seller_orders")
    # Indexed by (seller, status) and (seller, -placed_at) below, whose first column serves every lookup by seller.
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="seller_orders", db_index=False)
    number = models.CharField(max_length=24, unique=True)
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value.replace("_", " ")) for s in Status],
        default=Status.AWAITING_PAYMENT,
        db_index=True,
    )
    currency = models.CharField(max_length=3)
    items_amount = models.BigIntegerField()
    shipping_amount = models.BigIntegerField()
    # Customs duties collected at checkout (DDP): the marketplace's debt to customs, booked at release to
    # `duty_liability:<marketplace_vat_country>` (duties are collected only where the marketplace collects the VAT).
    duty_amount = models.BigIntegerField(default=0, db_default=0)
    total_amount = models.BigIntegerField()
    commission_amount = models.BigIntegerField(help_text="Frozen at checkout from the line rates.")
    # A seller order settled in another currency than its order is charged in: its amounts above are in the seller's
    # settlement currency (`currency`); the buyer paid `charge_total_amount` (of which `charge_items_amount` for the
    # items) in the order's currency, at `fx_rate` units of the order's currency per unit of `currency`, frozen at
    # checkout. All three are None when the seller order is in the order's currency.
    charge_items_amount = models.BigIntegerField(null=True, blank=True)
    charge_total_amount = models.BigIntegerField(null=True, blank=True)
    fx_rate = models.DecimalField(max_digits=30, decimal_places=12, null=True, blank=True)
    # VAT the marketplace collects as deemed supplier (IOSS, a non-EU seller's goods in the EU, UK, CH), frozen at
    # checkout from the tax lines (in `currency`): the release books it to the marketplace's VAT liability of
    # `marketplace_vat_country` instead of the seller's payable balance (docs/TAXES.md). Database defaults too, so
    # that writers listing their columns (the benchmark's skeleton) need not know them.
    marketplace_vat_amount = models.BigIntegerField(default=0, db_default=0)
    marketplace_vat_country = models.CharField(max_length=2, blank=True, default="", db_default="")
    # Where the parcel leaves from (the offers' ships-from country, else the seller's), frozen at checkout when the
    # parcel was taxed: the OSS return reports distance sales per Member State of dispatch (Art. 369g(2) Dir.
    # 2006/112/EC). Empty: not known (orders placed before, or priced without VAT).
    goods_country = models.CharField(max_length=2, blank=True, default="", db_default="")
    # Shipping choice and promise, frozen at checkout
    shipping_rate_id = models.BigIntegerField(null=True)
    shipping_service_level = models.CharField(max_length=20)
    shipping_zone = models.CharField(max_length=60)
    ship_by = models.DateField(help_text="Latest handover to the carrier (handling time).")
    deliver_by_earliest = models.DateField()
    deliver_by = models.DateField(help_text="Latest promised delivery date.")
    # Fulfilment facts
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=10, blank=True)
    cancel_reason = models.TextField(blank=True)
    return_reason = models.CharField(max_length=40, blank=True)
    refunded_amount = models.BigIntegerField(default=0)
    release_due_at = models.DateTimeField(  # indexed where set (Meta)
        null=True, blank=True, help_text="When escrow is released to the seller."
    )
    is_released = models.BooleanField(default=False)
    placed_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["seller", "status"]),
            models.Index(fields=["seller", "-placed_at"]),
            # Partial: unset until delivery, so a checkout writes no entry; the release task's `release_due_at <= now`
            # only matches set values.
            models.Index(
                fields=["release_due_at"],
                name="seller_order_release_due",
                condition=models.Q(release_due_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total_amount=models.F("items_amount") + models.F("shipping_amount") + models.F("duty_amount")
                ),
                name="seller_order_total_is_sum_with_duty",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    commission_amount__gte=0, refunded_amount__gte=0, marketplace_vat_amount__gte=0, duty_amount__gte=0
                ),
                name="seller_order_amounts_not_negative_with_duty",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("total_amount")),
                name="seller_order_refund_at_most_total",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    charge_items_amount__isnull=True, charge_total_amount__isnull=True, fx_rate__isnull=True
                )
                | models.Q(
                    charge_items_amount__gte=0,
                    charge_total_amount__gte=models.F("charge_items_amount"),
                    fx_rate__gt=0,
                ),
                name="seller_order_charge_all_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total(self) -> Money:
        return Money(self.total_amount, self.currency)

    @property
    def tracking_url(self) -> str | None:
        """The carrier's public page for this parcel; None before shipping or for a carrier not in the list."""
        return tracking_url(self.carrier, self.tracking_number)


class OrderLine(models.Model):
    seller_order = models.ForeignKey(SellerOrder, on_delete=models.PROTECT, related_name="lines")
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    sku = models.CharField(max_length=100)
    quantity = models.PositiveIntegerField()
    unit_price_amount = models.BigIntegerField()
    line_amount = models.BigIntegerField()
    commission_rate_bp = models.PositiveIntegerField(
        help_text="Frozen at checkout: seller override, else category rate."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(line_amount=models.F("unit_price_amount") * models.F("quantity")),
                name="order_line_amount_is_product",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class SellerOrderEvent(models.Model):
    """Append-only history of a seller order: every transition with time, actor and reason.
    Trust scoring reads these rows; they are complete and never edited."""

    seller_order = models.ForeignKey(SellerOrder, on_delete=models.PROTECT, related_name="events")
    # Indexed by the per-seller index below (its first column).
    seller_id_copy = models.BigIntegerField(help_text="Denormalised for per-seller metric windows.")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor_role = models.CharField(max_length=10, choices=[(a.value, a.value) for a in Actor])
    # Indexed only where set (the partial index below): most events have no acting user (imported history, the
    # operator's and the system's), and the index serves the one query by actor, SET_NULL when a user is deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # No index of its own: every query by date is per seller (the cover index) or per seller order (docs/PERFORMANCE.md,
    # "History import", fifth round); one more random-order key per event slowed every write.
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        # Per seller: the metric windows (seller, action, time) and the trust rebuild, which reads every event of a
        # range of sellers; with the order and the actor's role in the index too, SQLite reads the events without
        # data from the index alone (the rebuild's ≈ 3M of 4M events at 1M orders, ≈ 40 % less time than visiting
        # each table row).
        indexes = [
            models.Index(
                fields=["seller_id_copy", "action", "created_at", "seller_order_id", "actor_role"],
                name="order_event_seller_cover",
            ),
            models.Index(fields=["actor"], condition=models.Q(actor__isnull=False), name="order_event_actor_set"),
        ]

    def __str__(self) -> str:
        return f"{self.action} on seller order {self.seller_order_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ReturnReason(models.TextChoices):
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DAMAGED = "damaged", _("Arrived damaged")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    OTHER = "other", _("Other")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED_FOR_BUYER = "decided_for_buyer", _("Decided for the buyer")
    DECIDED_FOR_SELLER = "decided_for_seller", _("Decided for the seller")


class DisputeReason(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Item not received")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    RETURN_NOT_REFUNDED = "return_not_refunded", _("Return not refunded")
    OTHER = "other", _("Other")


class Dispute(models.Model):
    """A buyer's claim on a seller order, decided by the operator. While open, escrow is not released."""

    seller_order = models.ForeignKey(SellerOrder, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=30, choices=DisputeReason.choices)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, db_index=True)
    opened_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            # At most one open dispute per seller order.
            models.UniqueConstraint(
                fields=["seller_order"], condition=models.Q(status="open"), name="dispute_one_open_per_seller_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute #{self.pk} on {self.seller_order}"


class SellerReturnPolicy(models.Model):
    """Where and how a seller takes returns back: the address a buyer sends the parcel to and the seller's
    instructions (packing, label, opening hours). Set in the seller center; a return can be accepted only once it
    exists, and the accepted return keeps a copy (later edits do not change what a buyer was told)."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="return_policy")
    address = models.JSONField(help_text="name, street, postal_code, city, country (ISO 3166 alpha-2).")
    instructions = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"Return policy of seller {self.seller_id}"


class ReturnRequest(models.Model):
    """A buyer's request to send back some units of a delivered seller order (one per seller order: the state
    machine allows one return). Accepted by the seller, who then gives the return address and instructions."""

    seller_order = models.OneToOneField(SellerOrder, on_delete=models.PROTECT, related_name="return_request")
    reason = models.CharField(max_length=40, choices=ReturnReason.choices)
    comment = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=clock.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the seller's return policy when the return is accepted.
    return_address = models.JSONField(default=dict, blank=True)
    return_instructions = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Return of {self.seller_order}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class ReturnRequestLine(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="return_line_quantity_positive"),
            models.UniqueConstraint(fields=["return_request", "order_line"], name="return_line_unique_order_line"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × order line {self.order_line_id}"


class TaxLineKind(models.TextChoices):
    ITEM = "item", _("Item")
    SHIPPING = "shipping", _("Shipping")
    DUTY = "duty", _("Customs duty")


class OrderTaxLine(models.Model):
    """The VAT of one order line, or of a seller order's shipping, frozen at checkout in the same transaction as the
    order (docs/TAXES.md): the regime decided, who collects the VAT, whose rate, the net and VAT of the line's gross
    (what the buyer paid for it; prices are tax-inclusive). Append-only; in the seller order's currency.

    A `duty` line is the customs duty of a seller order collected at checkout (DDP): `net_amount` = `gross_amount` = the
    duty, `vat_amount` 0, `rate_bp` 0, `reason` the rule applied (e.g. `eu_flat_duty_per_item`)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="tax_lines")
    seller_order = models.ForeignKey(SellerOrder, on_delete=models.PROTECT, related_name="tax_lines")
    order_line = models.ForeignKey(OrderLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=TaxLineKind.choices)
    regime = models.CharField(max_length=32)
    collector = models.CharField(max_length=12)
    reason = models.CharField(max_length=48)
    tax_country = models.CharField(max_length=2, blank=True)
    rate_bp = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    net_amount = models.BigIntegerField()
    vat_amount = models.BigIntegerField()
    gross_amount = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gross_amount=models.F("net_amount") + models.F("vat_amount")),
                name="order_tax_line_gross_is_sum",
            ),
            models.CheckConstraint(
                condition=models.Q(vat_amount__gte=0, net_amount__gte=0, rate_bp__lte=10_000),
                name="order_tax_line_amounts_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="item") & models.Q(order_line__isnull=False))
                | (models.Q(kind__in=["shipping", "duty"]) & models.Q(order_line__isnull=True)),
                name="order_tax_line_kind_matches_line_or_duty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.rate_bp / 100:g} % {self.tax_country} {self.vat_amount} {self.currency}"


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("credit notes are append-only")

    def delete(self):
        raise TypeError("credit notes are append-only")


class _AppendOnlyModel(models.Model):
    """Rows written once: a correction is a new row (a later credit note), never an edit."""

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("credit notes are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("credit notes are append-only")


class CreditNoteKind(models.TextChoices):
    REFUND = "refund", "refund"  # the seller or the operator gave money back (after the release, or in full before)
    CHARGEBACK = "chargeback", "chargeback"  # the buyer's card issuer took it back (key `chargeback:<chargeback id>`)


class CreditNote(_AppendOnlyModel):
    """A refund of part or all of a seller order, or a chargeback, as the buyer's credit note: what was given back,
    its VAT per line and rate (CreditNoteLine), and the VAT reversed from the marketplace's liability. Append-only: a
    later refund is another note, never an edit. Numbered per seller order (`<seller order>-C<n>`); `key` is the
    caller's idempotency key (unique per seller order: a retry returns the first note)."""

    seller_order = models.ForeignKey(SellerOrder, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=40, unique=True)
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=CreditNoteKind.choices, default=CreditNoteKind.REFUND)
    reason = models.CharField(max_length=300, blank=True)
    currency = models.CharField(max_length=3)
    gross_amount = models.BigIntegerField()
    vat_amount = models.BigIntegerField()
    marketplace_vat_amount = models.BigIntegerField(default=0)
    marketplace_vat_country = models.CharField(max_length=2, blank=True, default="")
    after_release = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller_order", "key"], name="credit_note_unique_key"),
            models.CheckConstraint(
                condition=models.Q(gross_amount__gte=0, vat_amount__gte=0, marketplace_vat_amount__gte=0),
                name="credit_note_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Credit note {self.number}"

    @property
    def gross(self) -> Money:
        return Money(self.gross_amount, self.currency)


class CreditNoteLine(_AppendOnlyModel):
    """What a credit note gives back of one order line (`order_line`) or of the shipping (`order_line` null): units
    (0 on a chargeback's note: the goods are not given back), gross, and the VAT at the original tax line's rate
    (`tax_line`, null for a line priced without VAT)."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(OrderLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tax_line = models.ForeignKey(
        OrderTaxLine, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_lines"
    )
    kind = models.CharField(max_length=10, choices=TaxLineKind.choices)
    quantity = models.PositiveIntegerField()
    collector = models.CharField(max_length=12, blank=True)
    tax_country = models.CharField(max_length=2, blank=True)
    rate_bp = models.PositiveIntegerField(default=0)
    net_amount = models.BigIntegerField()
    vat_amount = models.BigIntegerField()
    gross_amount = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gross_amount=models.F("net_amount") + models.F("vat_amount")),
                name="credit_note_line_gross_is_sum",
            ),
            models.CheckConstraint(
                condition=models.Q(vat_amount__gte=0, net_amount__gte=0, quantity__gte=0),
                name="credit_note_line_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity} {self.vat_amount}"

    @property
    def rate_percent(self) -> Decimal:
        return Decimal(self.rate_bp) / 100
