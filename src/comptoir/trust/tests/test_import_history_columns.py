"""`import-history` (issue 11): the optional columns (address, buyer_since, accepted_at, messages, payment
fingerprint), reviews of orders whose dispute was decided, absent return/dispute dates, tracking warnings, chunked
writing and re-import of a partly imported file."""

import datetime as dt
import importlib
import io

import pytest
from django.core.management import call_command

from comptoir.accounts.models import User
from comptoir.orders.models import Order, SellerOrder, SellerOrderEvent
from comptoir.sellers.models import MemberRole
from comptoir.testing.builders import make_seller, make_user
from comptoir.trust.importers.history import COLUMNS, history_import
from comptoir.trust.models import Message, Review, SellerDailyStats
from comptoir.trust.rebuild import trust_rebuild
from comptoir.trust.tests.test_import_history import NOW, csv_text, delivered_row

pytestmark = pytest.mark.django_db

NO_REVIEW = {
    "review_rating": "",
    "review_item_as_described": "",
    "review_communication": "",
    "review_shipping_speed": "",
    "review_packaging": "",
    "review_text": "",
    "reviewed_at": "",
}


def imported(content: str, **options):
    report = history_import(content=content, now=NOW, **options)
    assert report.is_ok, report.errors
    return report


def events_of(seller, action: str) -> list[SellerOrderEvent]:
    return list(SellerOrderEvent.objects.filter(seller_id_copy=seller.pk, action=action))


def test_shipping_address_is_stored_normalised_a_hash_as_given_and_absence_as_an_empty_address():
    seller = make_seller()
    rows = [
        delivered_row(seller, "A-1", shipping_address="  12 Rue  de la PAIX   75002 Paris "),
        delivered_row(seller, "A-2", shipping_address_hash="9f2c1e"),
        delivered_row(seller, "A-3"),
    ]

    imported(csv_text(rows))

    addresses = {order.seller_orders.get().number: order.shipping_address for order in Order.objects.all()}
    assert sorted(addresses.values(), key=str) == sorted(
        [{"imported": "12 rue de la paix 75002 paris"}, {"hash": "9f2c1e"}, {}], key=str
    )


def test_a_new_buyer_without_buyer_since_joined_at_its_first_order_with_its_age_unknown():
    seller = make_seller()
    rows = [
        delivered_row(seller, "A-1", placed_at="2025-03-01T12:00:00Z"),
        delivered_row(seller, "A-2", placed_at="2025-03-01T08:00:00Z"),
    ]

    imported(csv_text(rows))

    buyer = User.objects.get(email="anna@example.com")
    assert buyer.date_joined == dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
    assert buyer.date_joined_known is False


def test_buyer_since_sets_a_known_account_opening_date_the_earliest_given():
    seller = make_seller()
    rows = [
        delivered_row(seller, "A-1", buyer="customer-1", buyer_since="2021-06-15"),
        delivered_row(seller, "A-2", buyer="customer-1", buyer_since="2020-01-02T03:04:05+01:00"),
        # a guest checkout that opened its account later: the account counts from its first order
        delivered_row(seller, "A-3", buyer="customer-2", buyer_since="2025-03-20"),
    ]

    imported(csv_text(rows))

    by_date = list(User.objects.filter(email__endswith="@history.invalid").order_by("date_joined"))
    assert [user.date_joined for user in by_date] == [
        dt.datetime(2020, 1, 2, 2, 4, 5, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC),
    ]
    assert all(user.date_joined_known for user in by_date)


def test_buyer_since_dates_an_existing_account_back_and_makes_its_age_known():
    seller = make_seller()
    imported(csv_text([delivered_row(seller, "A-1")]))  # a first import without buyer_since
    assert User.objects.get(email="anna@example.com").date_joined_known is False

    imported(csv_text([delivered_row(seller, "A-2", buyer_since="2019-05-01")]))

    buyer = User.objects.get(email="anna@example.com")
    assert buyer.date_joined == dt.datetime(2019, 5, 1, tzinfo=dt.UTC) and buyer.date_joined_known is True


def test_a_live_account_keeps_its_real_opening_date_even_when_its_imported_history_is_older():
    seller = make_seller()
    live = make_user(email="bob@example.com")
    joined, known = live.date_joined, live.date_joined_known

    report = imported(
        csv_text(
            [
                delivered_row(
                    seller, "A-1", buyer="bob@example.com", placed_at="2020-03-01T10:00:00Z", buyer_since="2019-01-01"
                )
            ]
        )
    )

    live.refresh_from_db()
    assert report.buyers_created == 0 and report.buyers_dated == 0
    assert live.is_active and live.date_joined == joined and live.date_joined_known is known


def test_an_inactive_account_that_has_logged_in_is_live_and_keeps_its_opening_date():
    seller = make_seller()
    imported(csv_text([delivered_row(seller, "A-1", placed_at="2025-03-01T10:00:00Z")]))
    claimed = User.objects.get(email="anna@example.com")
    claimed.last_login = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)  # its owner claimed it, then it was deactivated
    claimed.save(update_fields=["last_login"])

    imported(csv_text([delivered_row(seller, "A-2", placed_at="2024-01-01T10:00:00Z", buyer_since="2019-05-01")]))

    claimed.refresh_from_db()
    assert claimed.date_joined == dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC) and claimed.date_joined_known is False


def test_accepted_at_writes_an_accept_event_that_becomes_acceptance_time_evidence():
    seller = make_seller()
    rows = [
        delivered_row(seller, "A-1", placed_at="2025-03-01T10:00:00Z", accepted_at="2025-03-01T12:30:00Z", **NO_REVIEW),
        {
            **delivered_row(seller, "A-2", placed_at="2025-03-01T10:00:00Z", accepted_at="2025-03-01T11:00:00Z"),
            **NO_REVIEW,
            "shipped_at": "",
            "carrier": "",
            "tracking_number": "",
            "delivered_at": "",
        },
    ]

    imported(csv_text(rows))

    (accept, other) = sorted(events_of(seller, "accept"), key=lambda event: event.created_at, reverse=True)
    assert accept.actor_role == "seller" and accept.data == {"imported": True}
    assert {order.status for order in SellerOrder.objects.filter(seller=seller)} == {"completed", "accepted"}
    assert SellerOrder.objects.get(status="accepted").accepted_at == other.created_at
    trust_rebuild(today=dt.date(2025, 6, 1))
    day = SellerDailyStats.objects.get(seller=seller, day=dt.date(2025, 3, 1))
    assert sorted(day.accept_seconds) == [3600, 9000]


def test_message_dates_write_the_buyer_message_and_the_owner_answer_that_become_response_time_evidence():
    seller = make_seller()
    owner = seller.members.get(role=MemberRole.OWNER).user
    row = delivered_row(
        seller, buyer_message_at="2025-03-01T12:00:00Z", seller_replied_at="2025-03-01T14:00:00Z", **NO_REVIEW
    )

    report = imported(csv_text([row]))

    assert report.messages == 2
    question, answer = Message.objects.order_by("created_at")
    assert (question.sender_role, question.sender.email, question.body) == ("buyer", "anna@example.com", "(imported)")
    assert (answer.sender_role, answer.sender, answer.seller_id_copy) == ("seller", owner, seller.pk)
    trust_rebuild(today=dt.date(2025, 6, 1))
    day = SellerDailyStats.objects.get(seller=seller, day=dt.date(2025, 3, 1))
    assert day.response_seconds == [7200]


def test_a_buyer_message_without_answer_is_imported_alone():
    seller = make_seller()

    imported(csv_text([delivered_row(seller, buyer_message_at="2025-03-01T12:00:00Z")]))

    assert list(Message.objects.values_list("sender_role", flat=True)) == ["buyer"]


def test_payment_fingerprint_is_kept_in_the_payment_captured_event():
    seller = make_seller()

    imported(csv_text([delivered_row(seller, "A-1", payment_fingerprint="card:4f1a"), delivered_row(seller, "A-2")]))

    data = sorted((event.data for event in events_of(seller, "payment_captured")), key=len)
    assert data == [{"imported": True}, {"imported": True, "payment_fingerprint": "card:4f1a"}]


def lost_parcel(seller, external_id="L-1", **overrides):
    row = {
        **delivered_row(seller, external_id),
        "delivered_at": "",
        "dispute_opened_at": "2025-03-12T09:00:00Z",
        "dispute_outcome": "buyer",
        "dispute_decided_at": "2025-03-20T09:00:00Z",
        "refunded_at": "2025-03-20T10:00:00Z",
        "review_rating": "1",
        "reviewed_at": "2025-03-15T09:00:00Z",
    }
    row.update(overrides)
    return row


def test_a_review_of_a_lost_parcel_whose_dispute_was_decided_is_a_verified_purchase():
    # given a parcel never delivered, the buyer won the dispute, and reviewed before the decision
    seller = make_seller()

    report = imported(csv_text([lost_parcel(seller), lost_parcel(seller, "L-2", dispute_outcome="seller")]))

    assert report.reviews == 2
    assert Review.objects.filter(seller=seller, seller_order__delivered_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        # an open dispute is no verified purchase yet
        ({"dispute_outcome": "", "dispute_decided_at": ""}, "review_rating", "dispute was decided"),
        ({"reviewed_at": "2025-02-28T09:00:00Z"}, "reviewed_at", "Before placed_at"),
    ],
)
def test_a_review_still_needs_a_delivery_or_a_decided_dispute_and_a_date_after_the_order(overrides, column, message):
    seller = make_seller()

    report = history_import(content=csv_text([lost_parcel(seller, **overrides)]), now=NOW)

    assert [(error.line, error.column) for error in report.errors] == [(2, column)], report.errors
    assert message in report.errors[0].message
    assert not SellerOrder.objects.exists()


def test_a_return_without_its_date_is_dated_at_the_delivery_and_marked_unknown():
    seller = make_seller()
    rows = [
        delivered_row(seller, "A-1", return_reason="damaged", **NO_REVIEW),
        delivered_row(seller, "A-2", return_requested_at="2025-03-06T10:00:00Z", **NO_REVIEW),
    ]

    imported(csv_text(rows))

    returns = {event.seller_order.number: event for event in events_of(seller, "request_return")}
    undated, unknown_reason = sorted(returns.values(), key=lambda event: event.data["return_reason"], reverse=True)
    assert undated.created_at == dt.datetime(2025, 3, 5, 15, tzinfo=dt.UTC)
    assert undated.data == {"imported": True, "return_reason": "damaged", "date_unknown": True}
    assert unknown_reason.data == {"imported": True, "return_reason": ""}
    assert unknown_reason.created_at == dt.datetime(2025, 3, 6, 10, tzinfo=dt.UTC)


def test_a_dispute_outcome_without_dates_is_dated_at_the_last_known_fact_and_marked_unknown():
    seller = make_seller()
    rows = [
        lost_parcel(seller, "L-1", dispute_opened_at="", dispute_decided_at="", refunded_at="", **NO_REVIEW),
        lost_parcel(seller, "L-2", dispute_decided_at="", **NO_REVIEW),
    ]

    imported(csv_text(rows))

    opened = {event.seller_order_id: event for event in events_of(seller, "dispute_opened")}
    decided = {event.seller_order_id: event for event in events_of(seller, "dispute_decided")}
    shipped = dt.datetime(2025, 3, 2, 9, tzinfo=dt.UTC)  # L-1's last known fact
    by_date = sorted(opened, key=lambda pk: opened[pk].created_at)
    first, second = by_date
    assert (opened[first].created_at, opened[first].data.get("date_unknown")) == (shipped, True)
    assert (decided[first].created_at, decided[first].data["date_unknown"]) == (shipped, True)
    assert opened[second].data == {"imported": True}
    assert decided[second].created_at == opened[second].created_at and decided[second].data["date_unknown"]
    assert all(event.data["in_favour_of"] == "buyer" for event in decided.values())
    # the lost dispute counts as a defect like any other
    trust_rebuild(today=dt.date(2025, 6, 1))
    assert sum(row.disputes_lost for row in SellerDailyStats.objects.filter(seller=seller)) == 2


def test_tracking_without_a_carrier_is_imported_as_invalid_tracking_with_a_line_numbered_warning():
    seller = make_seller()
    rows = [
        delivered_row(seller, "A-1", carrier="", **NO_REVIEW),
        delivered_row(seller, "A-2", tracking_number="#?", **NO_REVIEW),
        delivered_row(seller, "A-3", **NO_REVIEW),
    ]

    report = imported(csv_text(rows))

    assert report.imported == 3
    assert [(warning.line, warning.column) for warning in report.warnings] == [(2, "carrier"), (3, "tracking_number")]
    assert "counted as invalid tracking" in report.warnings[0].message
    trust_rebuild(today=dt.date(2025, 6, 1))
    stats = SellerDailyStats.objects.filter(seller=seller)
    assert sum(row.shipped for row in stats) == 3 and sum(row.shipped_with_valid_tracking for row in stats) == 1


def test_the_command_lists_few_warnings_and_summarises_many(tmp_path, capsys):
    seller = make_seller()
    few, many = tmp_path / "few.csv", tmp_path / "many.csv"
    few.write_text(csv_text([delivered_row(seller, "F-1", carrier="")]), encoding="utf-8")
    many.write_text(csv_text([delivered_row(seller, f"M-{index}", carrier="") for index in range(30)]))

    call_command("import-history", str(few))
    err_few = capsys.readouterr().err
    call_command("import-history", str(many))
    err_many = capsys.readouterr().err

    assert "warning: line 2, column carrier: Tracking number without a carrier" in err_few
    assert "1 warning(s)" in err_few
    assert err_many.count("warning: line") == 20
    assert "30 row(s): carrier: Tracking number without a carrier" in err_many
    assert "(lines 2, 3, 4, 5, 6, …)" in err_many
    assert SellerOrder.objects.filter(seller=seller).count() == 31


def test_rows_are_written_in_chunks_and_a_partly_imported_file_imports_only_its_new_rows():
    seller, other = make_seller(), make_seller()
    rows = [delivered_row(seller if index % 2 else other, f"C-{index}", buyer=f"b{index % 3}") for index in range(7)]
    imported(csv_text(rows[:3]), chunk_rows=2)

    report = imported(csv_text(rows), chunk_rows=2)

    assert (report.imported, report.already_imported, report.reviews) == (4, 3, 4)
    assert SellerOrder.objects.count() == 7 and Review.objects.count() == 7
    assert SellerOrderEvent.objects.filter(action="payment_captured").count() == 7
    assert User.objects.filter(email__endswith="@history.invalid").count() == 3
    # ids reserved per chunk line up: every seller order belongs to its own order with the same number
    assert all(order.order.number == order.number for order in SellerOrder.objects.select_related("order"))


def test_every_documented_column_is_accepted():
    seller = make_seller()
    row = {
        **delivered_row(seller),
        "accepted_at": "2025-03-01T11:00:00Z",
        "buyer_message_at": "2025-03-01T12:00:00Z",
        "seller_replied_at": "2025-03-01T13:00:00Z",
        "shipping_address": "1 rue X",
        "shipping_address_hash": "abc",
        "buyer_since": "2020-01-01",
        "payment_fingerprint": "fp",
    }

    report = imported(csv_text([row], columns=COLUMNS))

    assert report.imported == 1 and not report.warnings


def test_the_progress_display_shows_each_pass_with_rows_per_second():
    command = importlib.import_module("comptoir.trust.management.commands.import-history")
    stream = io.StringIO()
    progress = command.Progress(stream)

    progress("check", 5000, 0.5)
    progress("check", 10000, 1.0)
    progress("write", 10000, 1.0)
    progress.close()

    lines = stream.getvalue().split("\n")
    assert lines[0].startswith("\rchecking") and "50%" in lines[0] and "100%" in lines[0] and "rows/s" in lines[0]
    assert lines[1].startswith("\rwriting") and "10,000 rows" in lines[1]


def test_event_data_written_as_text_keeps_quotes_and_accents():
    seller = make_seller()
    row = delivered_row(seller, carrier='Colis "Privé"', payment_fingerprint='fp\\é"', **NO_REVIEW)

    imported(csv_text([row]).replace('Colis "Privé"', '"Colis ""Privé"""').replace('fp\\é"', '"fp\\é"""'))

    (ship,) = events_of(seller, "ship")
    (captured,) = events_of(seller, "payment_captured")
    assert ship.data == {
        "imported": True,
        "carrier": 'Colis "Privé"',
        "tracking_number": "6A12345678901",
        "late": False,
    }
    assert captured.data == {"imported": True, "payment_fingerprint": 'fp\\é"'}


def written_table_indexes() -> dict[str, set[str]]:
    from django.db import connection

    tables = ("orders_order", "orders_sellerorder", "orders_sellerorderevent", "trust_review", "trust_message")
    with connection.cursor() as cursor:
        return {
            table: {
                name
                for name, info in connection.introspection.get_constraints(cursor, table).items()
                if info["index"] and not info["unique"]
            }
            for table in tables
        }


def test_a_large_import_builds_the_dropped_indexes_again_and_a_failure_rolls_rows_and_indexes_back(monkeypatch):
    import comptoir.trust.importers.history as history

    seller = make_seller()
    before = written_table_indexes()
    assert before["orders_sellerorderevent"]  # the indexes the bulk write drops and builds again
    rows = [delivered_row(seller, f"A-{index}") for index in range(3)]

    def failing(**kwargs):
        raise RuntimeError("after the rows, before the commit")

    monkeypatch.setattr(history, "trust_history_imported", failing)
    with pytest.raises(RuntimeError):
        history_import(content=csv_text(rows), now=NOW, rebuild_indexes=True)
    assert not SellerOrder.objects.exists() and not Review.objects.exists()
    assert written_table_indexes() == before

    monkeypatch.undo()
    report = imported(csv_text(rows), rebuild_indexes=True)

    assert report.imported == 3 and SellerOrder.objects.count() == 3
    assert written_table_indexes() == before


def test_indexes_are_rebuilt_automatically_only_on_sqlite_for_an_import_that_at_least_doubles_the_orders(monkeypatch):
    from django.db import connection

    import comptoir.trust.importers.history_writer as writer

    seller = make_seller()
    dropped: list[int] = []
    drop = writer.HistoryWriter._drop_indexes
    monkeypatch.setattr(
        writer.HistoryWriter, "_drop_indexes", lambda self, cursor: dropped.append(1) or drop(self, cursor)
    )
    monkeypatch.setattr(writer, "SQLITE_REBUILD_MIN_ROWS", 2)
    imported(csv_text([delivered_row(seller, "A-1")]))  # below the minimum
    imported(csv_text([delivered_row(seller, f"B-{index}") for index in range(3)]))  # 3 rows onto 1: rebuilt
    imported(csv_text([delivered_row(seller, f"C-{index}") for index in range(2)]))  # 2 rows onto 4: not

    assert dropped == ([1] if connection.vendor == "sqlite" else [])
    assert SellerOrder.objects.count() == 6


def test_the_command_exclusive_option_rebuilds_the_indexes_on_any_database(tmp_path, monkeypatch):
    import comptoir.trust.importers.history_writer as writer

    seller = make_seller()
    before = written_table_indexes()
    dropped: list[int] = []
    drop = writer.HistoryWriter._drop_indexes
    monkeypatch.setattr(
        writer.HistoryWriter, "_drop_indexes", lambda self, cursor: dropped.append(1) or drop(self, cursor)
    )
    path = tmp_path / "history.csv"
    path.write_text(csv_text([delivered_row(seller, "A-1")]), encoding="utf-8")

    call_command("import-history", str(path), "--exclusive", "--quiet", stdout=io.StringIO(), stderr=io.StringIO())

    assert dropped == [1] and SellerOrder.objects.count() == 1
    assert written_table_indexes() == before


def test_tabs_line_breaks_and_backslashes_in_cells_are_stored_as_given():
    # PostgreSQL's rows go as COPY text, where these characters are escapes: they must arrive unchanged.
    seller = make_seller()
    text = "Tab\there,\r\nnew line \\N and C:\\dir\\"
    rows = [
        delivered_row(seller, review_text="REVIEW", carrier="La\\Poste", shipping_address='1 "rue" \\ Paris'),
        {
            **delivered_row(seller, "A-2", **NO_REVIEW),
            "shipped_at": "",
            "carrier": "",
            "tracking_number": "",
            "delivered_at": "",
            "cancelled_at": "2025-03-01T12:00:00Z",
            "cancelled_by": "seller",
            "cancel_reason": "REASON",
        },
    ]
    content = csv_text(rows).replace("REVIEW", '"' + text + '"').replace("REASON", '"\\N\tout of stock"')
    content = content.replace('1 "rue" \\ Paris', '"1 ""rue"" \\ Paris"')

    imported(content)

    assert Review.objects.get().text == text
    delivered = SellerOrder.objects.get(seller=seller, cancelled_at__isnull=True)
    assert delivered.carrier == "La\\Poste"
    assert delivered.order.shipping_address == {"imported": '1 "rue" \\ paris'}
    (ship,) = events_of(seller, "ship")
    assert ship.data["carrier"] == "La\\Poste"
    cancelled = SellerOrder.objects.get(seller=seller, cancelled_at__isnull=False)
    assert cancelled.cancel_reason == "\\N\tout of stock"
    (cancel,) = events_of(seller, "cancel")
    assert cancel.reason == "\\N\tout of stock"
