"""Duties at checkout, the worked cases of issue 12 (docs/TAXES.md, "Duties"): a US seller's EUR 120 parcel to Italy
from 1 July 2026 pays the EU's flat EUR 3 per item as a separate duty line, booked to the marketplace's duty liability
at release; before that date, or with the operator's DAP choice, nothing is collected; a Swiss destination and a GB
consignment up to GBP 135 owe no duty at checkout. The rules are the shipped file's (`duty_rules_load`)."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.checkout.services import order_checkout, seller_order_complete, seller_order_credit
from comptoir.core import clock
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import Order, OrderTaxLine
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import LedgerAccount, Posting
from comptoir.payments.selectors import ledger_entries_unbalanced
from comptoir.taxes.models import DutyRule
from comptoir.taxes.services import duty_rules_load
from comptoir.testing.builders import (
    CARD_OK,
    make_offer,
    make_operator,
    make_product,
    make_seller_established_in,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
JULY = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
MARCH = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
STANDARD = {"FR": 2000, "DE": 1900, "IT": 2200, "CH": 810, "GB": 2000}
DAP = {**settings.COMPTOIR, "TAXES": {**settings.COMPTOIR.get("TAXES", {}), "DUTY_HANDLING": "dap"}}
GBP_RATE = {**settings.COMPTOIR, "EXCHANGE_RATES": {"EUR/GBP": "0.85"}}


@pytest.fixture(autouse=True)
def tax_data():
    make_vat_rates(STANDARD, imported_at=MARCH)
    with clock.frozen_at(MARCH):
        duty_rules_load()


def offer_from(country: str, price: int, *, hs_code: str = "620610", shipping: int = 490):
    seller = make_seller_established_in(country, f"{country} shop")
    profile = make_shipping_profile(seller, currency="EUR", first_item_amount=shipping, express=False)
    return make_offer(
        seller=seller,
        product=make_product(hs_code=hs_code),
        price_amount=price,
        currency="EUR",
        shipping_profile=profile,
        ships_from_country=country,
    )


def buy(*offers, to: str, at: dt.datetime = JULY, quantities=None):
    address = {"name": "A Buyer", "street": "1 Main Street", "postal_code": "1000", "city": "City", "country": to}
    quantities = quantities or [1] * len(offers)
    with clock.frozen_at(at):
        outcome = order_checkout(
            buyer=make_user(),
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[
                {"offer_id": offer.pk, "quantity": quantity} for offer, quantity in zip(offers, quantities, strict=True)
            ],
        )
    return Order.objects.get(pk=outcome.order.pk)


def duty_lines(order):
    return list(
        OrderTaxLine.objects.filter(order=order, kind="duty").values_list(
            "regime", "collector", "reason", "tax_country", "net_amount", "vat_amount", "gross_amount"
        )
    )


def test_the_shipped_rules_load_once_and_again_change_nothing():
    assert DutyRule.objects.count() == 8
    with clock.frozen_at(MARCH):
        again = duty_rules_load()
    assert (again.created, again.changed, again.unchanged) == ([], [], 8)
    flat = DutyRule.objects.get(area="EU", kind="flat_per_item")
    assert (flat.amount, flat.value_limit, flat.valid_from, flat.valid_to) == (
        300,
        15000,
        dt.date(2026, 7, 1),
        dt.date(2028, 6, 30),
    )


def test_a_us_sellers_eur_120_parcel_to_italy_from_1_july_2026_pays_the_flat_duty_booked_at_release():
    offer = offer_from("US", 12000)  # a US seller enters net prices

    order = buy(offer, to="IT")

    # The VAT is charged on the duty too (the taxable amount includes duties, Art. 78(a), 85, 86 Dir. 2006/112/EC):
    # 3.00 duty + 0.66 VAT at IT 22 %.
    assert duty_lines(order) == [("eu_import_ioss", "marketplace", "duty_flat_per_item_eu", "IT", 300, 66, 366)]
    assert OrderTaxLine.objects.get(order=order, kind="duty").rate_bp == 2200
    # 146.40 items incl. 22 % IT VAT + 5.98 shipping + 3.66 duty with its VAT
    assert (order.items_amount, order.shipping_amount, order.duty_amount, order.total_amount) == (
        14640,
        598,
        366,
        15604,
    )
    seller_order = order.seller_orders.get()
    # 26.40 + 1.08 (goods and shipping) + 0.66 (the duty) of IT VAT, collected by the marketplace (IOSS).
    assert (seller_order.duty_amount, seller_order.marketplace_vat_amount, seller_order.total_amount) == (
        366,
        2814,
        15604,
    )

    seller_owner = offer.seller.members.get().user
    with clock.frozen_at(JULY):
        seller_order_accept(seller_order_id=seller_order.pk, actor=seller_owner, seller=offer.seller)
        seller_order_ship(
            seller_order_id=seller_order.pk,
            actor=seller_owner,
            carrier="UPS",
            tracking_number="1Z999",
            seller=offer.seller,
        )
        seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SYSTEM)
        seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())

    duty = LedgerAccount.objects.get(kind="duty_liability:IT", currency="EUR")
    assert sum(Posting.objects.filter(account=duty).values_list("amount", flat=True)) == -300
    vat = LedgerAccount.objects.get(kind="vat_liability:IT", currency="EUR")
    assert sum(Posting.objects.filter(account=vat).values_list("amount", flat=True)) == -2814
    payable = LedgerAccount.objects.get(kind="seller_payable", seller=offer.seller, currency="EUR")
    commission = seller_order.commission_amount
    # The seller gets what it priced: 120.00 + 4.90 (its net prices) less the commission.
    assert sum(Posting.objects.filter(account=payable).values_list("amount", flat=True)) == -(
        15604 - commission - 2814 - 300
    )
    assert 15604 - 2814 - 300 == 12000 + 490
    assert ledger_entries_unbalanced() == []

    # A credit note for the shipping gives back the shipping's VAT (1.08), not the duty line's.
    with clock.frozen_at(JULY):
        note = seller_order_credit(
            seller_order_id=seller_order.pk,
            key="shipping",
            quantities={"shipping": 1},
            reason="late",
            actor=seller_owner,
            seller=offer.seller,
        ).credit_note
    [credited] = note.lines.all()
    assert (credited.kind, credited.gross_amount, credited.vat_amount, credited.rate_bp) == ("shipping", 598, 108, 2200)
    assert sum(Posting.objects.filter(account=vat).values_list("amount", flat=True)) == -(2814 - 108)
    assert ledger_entries_unbalanced() == []


def test_one_silk_and_two_wool_blouses_in_one_parcel_owe_two_items():
    silk = offer_from("CN", 4000, hs_code="62061000")
    wool = make_offer(
        seller=silk.seller,
        product=make_product(hs_code="62062000"),
        price_amount=3000,
        currency="EUR",
        shipping_profile=silk.shipping_profile,
        ships_from_country="CN",
    )

    order = buy(silk, wool, to="FR", quantities=[1, 2])

    # EUR 6.00 of duty and 1.20 of FR VAT on it.
    assert order.duty_amount == 720
    assert duty_lines(order)[0][4:] == (600, 120, 720)


def test_before_1_july_2026_the_same_parcel_owes_no_duty():
    order = buy(offer_from("US", 12000), to="IT", at=MARCH)

    assert (duty_lines(order), order.duty_amount, order.total_amount) == ([], 0, 15238)


@override_settings(COMPTOIR=DAP)
def test_with_the_dap_choice_the_duty_is_left_to_the_carrier():
    order = buy(offer_from("US", 12000), to="IT")

    assert (duty_lines(order), order.duty_amount, order.total_amount) == ([], 0, 15238)


def test_a_swiss_destination_collects_the_vat_but_no_duty_at_checkout():
    order = buy(offer_from("DE", 11900), to="CH")  # 100.00 net of German VAT

    assert order.seller_orders.get().marketplace_vat_country == "CH"
    assert (duty_lines(order), order.duty_amount) == ([], 0)


@override_settings(COMPTOIR=GBP_RATE)
def test_a_gb_consignment_up_to_gbp_135_is_relieved_of_duty():
    order = buy(offer_from("FR", 12000), to="GB")  # 100.00 net, GBP 85

    assert order.seller_orders.get().marketplace_vat_country == "GB"
    assert (duty_lines(order), order.duty_amount) == ([], 0)


def test_each_items_duty_is_taxed_at_that_items_own_rate():
    # Given a Chinese seller's blouse (standard rate, FR 20 %) and a book (reduced rate, FR 5.5 %) in one parcel to
    # France: two items of EUR 3.00 duty each.
    make_vat_rates({"FR": 550}, imported_at=MARCH, tax_class="reduced")
    blouse = offer_from("CN", 4000, hs_code="62061000")
    book_product = make_product(hs_code="49019900")
    book_product.tax_class = "reduced"
    book_product.save(update_fields=["tax_class"])
    book = make_offer(
        seller=blouse.seller,
        product=book_product,
        price_amount=2000,
        currency="EUR",
        shipping_profile=blouse.shipping_profile,
        ships_from_country="CN",
    )

    order = buy(blouse, book, to="FR")

    # Then the duty is two lines: the blouse's 3.00 at 20 % (0.60), the book's 3.00 at 5.5 % (0.165 → 0.17).
    lines = OrderTaxLine.objects.filter(order=order, kind="duty").order_by("-rate_bp")
    assert [(line.rate_bp, line.net_amount, line.vat_amount, line.gross_amount) for line in lines] == [
        (2000, 300, 60, 360),
        (550, 300, 17, 317),
    ]
    seller_order = order.seller_orders.get()
    assert seller_order.duty_amount == 677
    assert order.total_amount == order.items_amount + order.shipping_amount + 677
    # The marketplace's VAT includes both VATs on the duty; the tax lines add up to what the buyer paid.
    assert seller_order.marketplace_vat_amount == sum(
        OrderTaxLine.objects.filter(seller_order=seller_order).values_list("vat_amount", flat=True)
    )
    assert sum(OrderTaxLine.objects.filter(seller_order=seller_order).values_list("gross_amount", flat=True)) == (
        seller_order.total_amount
    )
