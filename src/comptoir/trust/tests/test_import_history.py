"""`import-history`: a valid file, every kind of row error, all or nothing, idempotent re-import, no
money moved, and the history visible as trust evidence after `trust recompute`."""

import datetime as dt

import pytest
from django.core.management import call_command

from comptoir.accounts.models import User
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.payments.models import JournalEntry
from comptoir.testing.builders import make_seller
from comptoir.trust.importers.history import COLUMNS, history_import
from comptoir.trust.models import Review, SellerDailyStats
from comptoir.trust.rebuild import trust_rebuild

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


def csv_text(rows: list[dict], columns=COLUMNS) -> str:
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(str(row.get(name, "")) for name in columns))
    return "\n".join(lines) + "\n"


def delivered_row(shop, external_id="A-1", **overrides):
    row = {
        "external_order_id": external_id,
        "seller": shop.slug,
        "buyer": "anna@example.com",
        "placed_at": "2025-03-01T10:00:00+01:00",
        "ship_by": "2025-03-03",
        "deliver_by": "2025-03-07",
        "shipped_at": "2025-03-02T09:00:00Z",
        "carrier": "La Poste",
        "tracking_number": "6A12345678901",
        "delivered_at": "2025-03-05T15:00:00Z",
        "currency": "EUR",
        "total_amount": "2599",
        "review_rating": "5",
        "review_item_as_described": "5",
        "review_communication": "4",
        "review_shipping_speed": "5",
        "review_packaging": "4",
        "review_text": "Parfait",
        "reviewed_at": "2025-03-06T08:00:00Z",
    }
    row.update(overrides)
    return row


def history(seller):
    return [
        delivered_row(seller),
        {
            "external_order_id": "A-2",
            "seller": seller.vat_id,
            "buyer": "customer-8812",
            "placed_at": "2025-03-10T10:00:00Z",
            "ship_by": "2025-03-12",
            "deliver_by": "2025-03-16",
            "cancelled_at": "2025-03-11T10:00:00Z",
            "cancelled_by": "seller",
            "cancel_reason": "Out of stock",
        },
        delivered_row(
            seller,
            "A-3",
            buyer="bob@example.com",
            shipped_at="2025-03-06T09:00:00Z",
            delivered_at="2025-03-12T09:00:00Z",
            return_requested_at="2025-03-13T09:00:00Z",
            return_reason="not_as_described",
            refunded_at="2025-03-20T09:00:00Z",
            dispute_opened_at="2025-03-14T09:00:00Z",
            dispute_outcome="buyer",
            dispute_decided_at="2025-03-18T09:00:00Z",
            review_rating="1",
            review_item_as_described="1",
            review_communication="2",
            review_shipping_speed="1",
            review_packaging="2",
            reviewed_at="2025-03-13T10:00:00Z",
        ),
    ]


def test_a_valid_file_imports_orders_events_and_reviews_without_moving_money():
    # given a seller and three historical orders (delivered and reviewed, cancelled by the seller, late with a lost
    # dispute)
    seller = make_seller()
    entries_before = JournalEntry.objects.count()

    # when
    report = history_import(content=csv_text(history(seller)), now=NOW)

    # then
    assert report.is_ok and report.imported == 3 and report.reviews == 2
    orders = {order.number: order for order in SellerOrder.objects.filter(seller=seller)}
    assert len(orders) == 3
    assert sorted(order.status for order in orders.values()) == ["cancelled", "completed", "refunded"]
    assert all(order.is_released and order.number.startswith("IMP-") for order in orders.values())
    actions = sorted(SellerOrderEvent.objects.filter(seller_id_copy=seller.pk).values_list("action", flat=True))
    assert actions == sorted(
        ["payment_captured"] * 3
        + ["ship", "deliver"] * 2
        + ["cancel", "request_return", "refund", "dispute_opened", "dispute_decided"]
    )
    assert all(event.data["imported"] for event in SellerOrderEvent.objects.filter(seller_id_copy=seller.pk))
    assert Review.objects.filter(seller=seller).count() == 2
    # a pseudonymous buyer gets an inactive placeholder account; nobody can log in with it
    placeholder = User.objects.get(email__endswith="@history.invalid")
    assert not placeholder.is_active and not placeholder.has_usable_password()
    # and no ledger entry was written
    assert JournalEntry.objects.count() == entries_before


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"external_order_id": ""}, "external_order_id", "Required."),
        ({"seller": "no-such-shop"}, "seller", "No seller"),
        ({"placed_at": "01/03/2025"}, "placed_at", "ISO 8601"),
        ({"placed_at": "2030-01-01T00:00:00Z"}, "placed_at", "In the future."),
        ({"ship_by": "2025-02-01"}, "ship_by", "Before the order was placed."),
        ({"deliver_by": "2025-03-02"}, "deliver_by", "Before ship_by."),
        ({"ship_by": "tomorrow"}, "ship_by", "Not a date"),
        ({"shipped_at": "2025-02-28T00:00:00Z"}, "shipped_at", "Before placed_at."),
        ({"shipped_at": "", "carrier": "", "tracking_number": ""}, "delivered_at", "needs shipped_at"),
        ({"cancelled_at": "2025-03-02T00:00:00Z", "cancelled_by": "seller"}, "cancelled_at", "cannot be cancelled"),
        (
            {
                "shipped_at": "",
                "carrier": "",
                "tracking_number": "",
                "delivered_at": "",
                "review_rating": "",
                "review_item_as_described": "",
                "review_communication": "",
                "review_shipping_speed": "",
                "review_packaging": "",
                "review_text": "",
                "reviewed_at": "",
                "cancelled_at": "2025-03-02T00:00:00Z",
                "cancelled_by": "robot",
            },
            "cancelled_by",
            "One of buyer",
        ),
        ({"return_requested_at": "2025-03-06T00:00:00Z", "return_reason": "too_expensive"}, "return_reason", "One of"),
        (
            {
                "dispute_outcome": "nobody",
                "dispute_opened_at": "2025-03-06T00:00:00Z",
                "dispute_decided_at": "2025-03-07T00:00:00Z",
            },
            "dispute_outcome",
            "buyer, seller",
        ),
        ({"seller_replied_at": "2025-03-03T00:00:00Z"}, "seller_replied_at", "Needs buyer_message_at"),
        (
            {"buyer_message_at": "2025-03-03T00:00:00Z", "seller_replied_at": "2025-03-02T00:00:00Z"},
            "seller_replied_at",
            "Before buyer_message_at",
        ),
        ({"accepted_at": "2025-02-28T00:00:00Z"}, "accepted_at", "Before placed_at"),
        ({"accepted_at": "2025-03-02T10:00:00Z"}, "shipped_at", "Before accepted_at"),
        ({"buyer_since": "last year"}, "buyer_since", "Not a date"),
        ({"buyer_since": "2030-01-01"}, "buyer_since", "In the future"),
        ({"return_reason": "not_as_described", "delivered_at": "", "review_rating": ""}, "return_reason", "needs"),
        ({"payment_fingerprint": "x" * 201}, "payment_fingerprint", "At most 200"),
        ({"review_packaging": "6"}, "review_packaging", "1 to 5"),
        ({"reviewed_at": ""}, "reviewed_at", "Required with a review."),
        ({"total_amount": "12.50"}, "total_amount", "minor units"),
        ({"currency": "EURO"}, "currency", "ISO 4217"),
    ],
)
def test_every_kind_of_row_error_is_reported_with_line_and_column_and_nothing_is_imported(overrides, column, message):
    # given a good row on line 2 and a bad one on line 3
    seller = make_seller()
    content = csv_text([delivered_row(seller, "OK-1"), delivered_row(seller, "BAD-1", **overrides)])

    # when
    report = history_import(content=content, now=NOW)

    # then the error names line 3 and the column, and not even the good row was imported
    assert not report.is_ok
    assert any(error.line == 3 and error.column == column and message in error.message for error in report.errors), (
        report.errors
    )
    assert all(error.line == 3 for error in report.errors)
    assert not SellerOrder.objects.filter(seller=seller).exists()


def test_header_problems_and_duplicate_ids_are_errors():
    seller = make_seller()
    missing = history_import(content="external_order_id,seller,buyer,placed_at\n1,x,y,z\n", now=NOW)
    unknown = history_import(content=csv_text([delivered_row(seller)], columns=(*COLUMNS, "colour")), now=NOW)
    duplicate = history_import(content=csv_text([delivered_row(seller), delivered_row(seller)]), now=NOW)

    assert {(error.line, error.column) for error in missing.errors} == {(1, "ship_by"), (1, "deliver_by")}
    assert [(error.line, error.column) for error in unknown.errors] == [(1, "colour")]
    assert unknown.errors[0].message.startswith("Unknown column. Accepted columns: external_order_id, seller, buyer,")
    assert "shipping_address_hash" in unknown.errors[0].message
    assert [(error.line, error.column) for error in duplicate.errors] == [(3, "external_order_id")]
    assert not SellerOrder.objects.exists()


def test_re_importing_the_same_file_creates_nothing_new():
    seller = make_seller()
    content = csv_text(history(seller))
    history_import(content=content, now=NOW)
    counts = (
        SellerOrder.objects.count(),
        SellerOrderEvent.objects.count(),
        Review.objects.count(),
        User.objects.count(),
    )

    again = history_import(content=content, now=NOW)

    assert again.is_ok and again.imported == 0 and again.already_imported == 3
    assert (
        SellerOrder.objects.count(),
        SellerOrderEvent.objects.count(),
        Review.objects.count(),
        User.objects.count(),
    ) == counts


def _imported_totals(seller) -> dict:
    return {
        name: sum(getattr(row, name) for row in SellerDailyStats.objects.filter(seller=seller))
        for name in (
            "orders",
            "cancelled_by_seller",
            "shipped",
            "shipped_late",
            "delivered",
            "returns_not_as_described",
            "disputes_lost",
            "reviews",
        )
    }


def test_imported_history_is_trust_evidence_after_recompute():
    # given an imported history without addresses
    seller = make_seller()
    history_import(content=csv_text(history(seller)), now=NOW)

    # when the batch recompute runs
    trust_rebuild(today=dt.date(2025, 6, 1))

    # then the seller's daily buckets count the seller's cancellation, the late shipment, the "not as described"
    # return, the lost dispute, both reviews and the perfect order A-1: its review is credible, since an imported
    # order's unknown (empty) address matches no other reviewer's (docs/TRUST.md, "Review credibility")
    assert _imported_totals(seller) == {
        "orders": 3,
        "cancelled_by_seller": 1,
        "shipped": 2,
        "shipped_late": 1,
        "delivered": 2,
        "returns_not_as_described": 1,
        "disputes_lost": 1,
        "reviews": 2,
    }
    assert Review.objects.get(seller_order__order__buyer__email="anna@example.com").credibility_permille >= 500
    assert seller.trust.evidence_orders == 3


def test_an_imported_review_from_a_new_account_sharing_an_address_is_not_evidence_for_the_seller():
    # given an imported history whose two reviewers share a shipping address, one of them a 4-day-old account
    seller = make_seller()
    rows = history(seller)
    rows[0].update(shipping_address="5 rue Commune Paris", buyer_since="2025-03-01")
    rows[2].update(shipping_address="5 RUE COMMUNE  paris")
    history_import(content=csv_text(rows), now=NOW)

    # when the batch recompute runs
    trust_rebuild(today=dt.date(2025, 6, 1))

    # then the perfect order A-1, whose positive review the fraud analysis judged not credible (< 500 ‰), adds
    # nothing for the seller — neither its on-time shipment and delivery nor its review — while every adverse fact
    # still counts (docs/TRUST.md, "Low-credibility orders")
    assert _imported_totals(seller) == {
        "orders": 2,
        "cancelled_by_seller": 1,
        "shipped": 1,
        "shipped_late": 1,
        "delivered": 1,
        "returns_not_as_described": 1,
        "disputes_lost": 1,
        "reviews": 1,
    }
    assert Review.objects.get(seller_order__order__buyer__email="anna@example.com").credibility_permille < 500
    assert seller.trust.evidence_orders == 2


def test_command_exit_codes(tmp_path, capsys):
    seller = make_seller()
    good = tmp_path / "good.csv"
    good.write_text(csv_text([delivered_row(seller)]), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text([delivered_row(seller, review_packaging="9")]), encoding="utf-8")

    call_command("import-history", str(good))
    with pytest.raises(SystemExit) as failure:
        call_command("import-history", str(bad))
    with pytest.raises(SystemExit) as unreadable:
        call_command("import-history", str(tmp_path / "missing.csv"))

    assert failure.value.code == 1 and unreadable.value.code == 2
    assert "line 2, column review_packaging" in capsys.readouterr().err
    assert SellerOrder.objects.filter(seller=seller).count() == 1


def test_a_control_character_in_a_cell_is_a_line_numbered_error_without_a_traceback(tmp_path, capsys):
    seller = make_seller()
    bad = tmp_path / "nul.csv"
    rows = [delivered_row(seller), delivered_row(seller, "A-2", carrier="La\x00Poste")]
    bad.write_text(csv_text(rows), encoding="utf-8")

    with pytest.raises(SystemExit) as failure:
        call_command("import-history", str(bad))

    err = capsys.readouterr().err
    assert failure.value.code == 1
    assert "line 3, column carrier: The value contains a control character (U+0000)" in err
    assert "Traceback" not in err
    assert not SellerOrder.objects.filter(seller=seller).exists()


def test_line_breaks_in_a_quoted_review_text_are_accepted():
    seller = make_seller()
    content = csv_text([delivered_row(seller, review_text="MULTILINE")]).replace("MULTILINE", '"Good.\nFast."')

    report = history_import(content=content, now=NOW)

    assert report.is_ok, report.errors
    assert Review.objects.get().text == "Good.\nFast."
