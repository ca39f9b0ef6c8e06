"""`import-history` at scale (issue 11, defect 8): duplicates found on disk, chunks written pipelined (PostgreSQL),
foreign-key checks skipped only when the database role may and nothing else would be skipped with them, all or
nothing whatever chunk fails, and a re-import that adds nothing to any table."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, connection

from comptoir.accounts.models import User
from comptoir.orders.models import Order, SellerOrder, SellerOrderEvent
from comptoir.sellers.models import MemberRole
from comptoir.testing.builders import make_seller, make_user
from comptoir.trust.importers import history as importer
from comptoir.trust.importers import history_writer
from comptoir.trust.importers.history import history_import, history_order_number
from comptoir.trust.models import Message, Review
from comptoir.trust.tests.test_import_history import NOW, csv_text, delivered_row

pytestmark = pytest.mark.django_db


def a_history(seller, other, rows: int = 9) -> list[dict]:
    """Delivered and reviewed orders of two sellers by three buyers, every third with a message and its answer."""
    return [
        delivered_row(
            seller if index % 2 else other,
            f"S-{index}",
            buyer=f"buyer-{index % 3}",
            **(
                {"buyer_message_at": "2025-03-01T12:00:00Z", "seller_replied_at": "2025-03-01T13:00:00Z"}
                if index % 3 == 0
                else {}
            ),
        )
        for index in range(rows)
    ]


def sellers_with_owners():
    seller, other = make_seller(), make_seller()
    for shop in (seller, other):
        shop.members.create(user=make_user(), role=MemberRole.OWNER)
    return seller, other


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Order, SellerOrder, SellerOrderEvent, Review, Message, User)
    }


def test_a_file_written_in_many_chunks_gives_the_rows_of_one_chunk_and_a_re_import_adds_nothing():
    seller, other = sellers_with_owners()
    content = csv_text(a_history(seller, other))
    before = table_counts()

    report = history_import(content=content, now=NOW, chunk_rows=2)  # five chunks: pipelined on PostgreSQL
    after = table_counts()
    again = history_import(content=content, now=NOW, chunk_rows=2)

    assert report.is_ok and (report.imported, report.reviews, report.messages) == (9, 9, 6)
    assert after["SellerOrder"] - before["SellerOrder"] == 9 and after["Message"] - before["Message"] == 6
    assert after["SellerOrderEvent"] - before["SellerOrderEvent"] == 9 * 3  # captured, shipped, delivered
    assert after["User"] - before["User"] == 3
    assert again.is_ok and (again.imported, again.already_imported) == (0, 9)
    assert table_counts() == after
    # every row references its own order, seller order and the right buyer
    for seller_order in SellerOrder.objects.select_related("order__buyer"):
        assert seller_order.order.number == seller_order.number
        assert seller_order.events.filter(action="payment_captured").count() == 1
        assert seller_order.review.buyer_id == seller_order.order.buyer_id
    buyers = {order.buyer.email for order in Order.objects.select_related("buyer")}
    assert len(buyers) == 3 and all(email.endswith("@history.invalid") for email in buyers)


def test_duplicates_are_errors_among_the_row_errors_in_line_order_and_counted_beyond_those_kept(monkeypatch):
    monkeypatch.setattr(importer, "MAX_KEPT", 3)
    seller = make_seller()
    rows = [delivered_row(seller, f"D-{index}") for index in range(4)]
    rows += [delivered_row(seller, "D-0"), delivered_row(seller, "D-1", placed_at="soon"), delivered_row(seller, "D-1")]
    rows += [delivered_row(seller, "D-2") for _ in range(3)]

    report = history_import(content=csv_text(rows), now=NOW)

    assert report.error_count == 6  # a bad date, then five duplicates (lines 6, 8, 9, 10, 11)
    assert [(error.line, error.column) for error in report.errors] == [
        (6, "external_order_id"),
        (7, "placed_at"),
        (8, "external_order_id"),
    ]
    assert report.errors[0].message == "Duplicate of line 2 for this seller."
    assert not SellerOrder.objects.exists()


def test_a_failure_while_writing_a_later_chunk_leaves_nothing_written(monkeypatch):
    seller, other = sellers_with_owners()
    before = table_counts()
    write = history_writer.HistoryWriter._write
    calls = []

    def failing(self, table, rows, *args):
        calls.append(table)
        if table is self.reviews and len([call for call in calls if call is self.reviews]) == 3:
            raise IntegrityError("the third chunk's reviews fail")
        return write(self, table, rows, *args)

    monkeypatch.setattr(history_writer.HistoryWriter, "_write", failing)

    with pytest.raises(IntegrityError, match="third chunk"):
        history_import(content=csv_text(a_history(seller, other)), now=NOW, chunk_rows=2)

    assert table_counts() == before


@pytest.mark.postgres_only
def test_foreign_key_checks_are_skipped_for_a_role_that_may_and_references_stay_whole():
    seller, other = sellers_with_owners()

    report = history_import(content=csv_text(a_history(seller, other)), now=NOW, chunk_rows=4)

    assert report.foreign_key_checks_skipped is True  # the test database's role is a superuser
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"  # restored for the rest of the transaction
        cursor.execute(
            "SELECT count(*) FROM orders_sellerorder so JOIN orders_order o ON o.id = so.order_id"
            " JOIN accounts_user u ON u.id = o.buyer_id JOIN sellers_seller s ON s.id = so.seller_id"
        )
        assert cursor.fetchone()[0] == 9
        cursor.execute(
            "SELECT count(*) FROM trust_message m JOIN accounts_user u ON u.id = m.sender_id"
            " JOIN orders_sellerorder so ON so.id = m.seller_order_id"
        )
        assert cursor.fetchone()[0] == 6


@pytest.mark.postgres_only
def test_a_role_that_may_not_set_replication_role_imports_with_the_checks_as_usual():
    seller, other = sellers_with_owners()
    role = f"comptoir_import_plain_{uuid.uuid4().hex[:12]}"  # roles are shared by every database of the server
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")  # rolled back with the test
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")

    report = history_import(content=csv_text(a_history(seller, other)), now=NOW, chunk_rows=4)

    assert report.is_ok and report.imported == 9
    assert report.foreign_key_checks_skipped is False
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.postgres_only
def test_a_user_trigger_on_a_written_table_keeps_the_foreign_key_checks():
    seller, other = sellers_with_owners()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION comptoir_test_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER comptoir_test_noop AFTER INSERT ON trust_review FOR EACH ROW"
            " EXECUTE FUNCTION comptoir_test_noop()"
        )

    report = history_import(content=csv_text(a_history(seller, other)), now=NOW)

    assert report.is_ok and report.foreign_key_checks_skipped is False


@pytest.mark.postgres_only
def test_a_seller_gone_while_checks_are_skipped_stops_the_import():
    writer = history_writer.HistoryWriter(connection)
    seller = make_seller()

    writer._lock_sellers({seller.pk})  # present: locked, no error
    with pytest.raises(IntegrityError, match="Sellers deleted during the import"):
        writer._lock_sellers({seller.pk, seller.pk + 10_000})


# pytest-xdist's workers run threads of their own: forking the second checking process warns about it (the child
# takes no lock; `history_import` only forks by itself in a process without other threads).
fork_in_threads = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


@pytest.fixture
def split_outcomes(monkeypatch) -> list:
    """How many parts each two-process check gave back (2; or 0 when the cut was refused and one process checked)."""
    from comptoir.trust.importers import history_check

    outcomes: list[int] = []
    check_in_two = history_check._check_in_two

    def spied(*args, **kwargs):
        parts = check_in_two(*args, **kwargs)
        outcomes.append(len(parts or ()))
        return parts

    monkeypatch.setattr(history_check, "_check_in_two", spied)
    return outcomes


def checked_both_ways(path) -> tuple:
    """The reports of a refused file checked by one process, then by two (nothing is written either way)."""
    one = history_import(path=path, now=NOW, check_processes=1)
    two = history_import(path=path, now=NOW, check_processes=2)
    return one, two


def report_view(report) -> tuple:
    return (
        report.rows,
        report.error_count,
        [str(error) for error in report.errors],
        report.warning_count,
        [str(warning) for warning in report.warnings],
        report.warning_kinds,
        report.warning_lines,
    )


@fork_in_threads
def test_two_processes_check_a_file_as_one_does_with_lines_numbered_in_the_whole_file(tmp_path, split_outcomes):
    seller = make_seller()
    rows = [delivered_row(seller, f"P-{index}", buyer=f"buyer-{index % 7}") for index in range(60)]
    rows[10]["carrier"] = ""  # a warning in the first half
    rows[45]["carrier"] = ""  # and in the second
    rows[50]["review_text"] = "MULTILINE"  # a quoted cell over two lines in the second half
    rows[52]["placed_at"] = "not a date"  # an error in the second half: line 55 (one more for the line break)
    rows[58]["external_order_id"] = "P-3"  # a duplicate of line 5 across the halves
    path = tmp_path / "history.csv"
    path.write_text(csv_text(rows).replace("MULTILINE", '"Good.\nFast."'), encoding="utf-8")

    one, two = checked_both_ways(path)

    assert split_outcomes == [2]
    assert report_view(two) == report_view(one)
    assert [(error.line, error.column) for error in two.errors] == [(55, "placed_at"), (61, "external_order_id")]
    assert two.errors[1].message == "Duplicate of line 5 for this seller."
    assert two.warning_lines == {"carrier: Tracking number without a carrier: counted as invalid tracking.": [12, 47]}


@fork_in_threads
def test_two_processes_import_the_same_rows_as_one(tmp_path, split_outcomes):
    seller, other = sellers_with_owners()
    path = tmp_path / "history.csv"
    path.write_text(csv_text(a_history(seller, other, rows=40)), encoding="utf-8")

    report = history_import(path=path, now=NOW, check_processes=2, chunk_rows=7)

    assert report.is_ok and (report.rows, report.imported, report.reviews, report.messages) == (40, 40, 40, 28)
    assert sorted(SellerOrder.objects.values_list("number", flat=True)) == sorted(
        history_order_number(shop.pk, f"S-{index}")
        for index, shop in enumerate(other if index % 2 == 0 else seller for index in range(40))
    )
    assert history_import(path=path, now=NOW, check_processes=2).already_imported == 40
    assert split_outcomes == [2, 2]


@fork_in_threads
def test_a_cut_inside_a_quoted_cell_of_a_file_with_a_stray_quote_is_found_and_checked_again_by_one_process(
    tmp_path, split_outcomes
):
    from comptoir.trust.importers.history_check import _cut

    seller = make_seller()
    rows = [delivered_row(seller, f"Q-{index}") for index in range(41)]
    rows[0]["review_text"] = 'Screen 5" wide'  # a quote inside an unquoted cell: the quotes no longer pair up
    rows[20]["review_text"] = "MULTILINE"  # the middle of the file: the cut falls after its first line
    rows[30]["placed_at"] = "not a date"
    text = csv_text(rows).replace("MULTILINE", '"Good.\nFast."')
    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    cut = _cut(path, len(text.encode()))
    assert cut is not None and text.encode()[: cut.offset].endswith(b'"Good.\n')  # inside the quoted cell

    one, two = checked_both_ways(path)

    assert split_outcomes == [0]  # the cut was refused
    assert report_view(two) == report_view(one)
    assert [(error.line, error.column) for error in two.errors] == [(33, "placed_at")]


@fork_in_threads
def test_bytes_that_are_not_utf8_in_the_second_half_make_the_file_unreadable_as_in_the_first(tmp_path, split_outcomes):
    seller = make_seller()
    text = csv_text([delivered_row(seller, f"U-{index}") for index in range(40)])
    path = tmp_path / "history.csv"
    path.write_bytes(text.encode().replace(b"U-35,", b"U-\xff35,"))

    with pytest.raises(UnicodeDecodeError):
        history_import(path=path, now=NOW, check_processes=2)

    assert not SellerOrder.objects.exists()


def test_with_debug_on_the_query_log_does_not_keep_every_chunk_of_the_import(settings):
    settings.DEBUG = True  # Django then logs each statement with its parameters (the chunk's order numbers)
    seller, other = sellers_with_owners()
    rows = a_history(seller, other)
    first_number = history_order_number(other.pk, rows[0]["external_order_id"])
    connection.queries_log.clear()

    report = history_import(content=csv_text(rows), now=NOW, chunk_rows=2)

    assert report.is_ok and report.imported == 9
    logged = " ".join(query["sql"] for query in connection.queries_log)
    assert "trust_" in logged  # the log still works: the statements after the last chunk are there
    assert first_number not in logged  # the first chunk's lookups were forgotten


def placed_in_reverse(seller, other, rows: int) -> list[dict]:
    """Rows placed half an hour apart, the newest first, every other one written at +05:00 (so that the file's
    strings do not sort as the times do)."""
    newest = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    placed = [newest - dt.timedelta(minutes=30 * index) for index in range(rows)]
    plus_five = dt.timezone(dt.timedelta(hours=5))
    return [
        delivered_row(
            seller if index % 2 else other,
            f"T-{index}",
            buyer=f"buyer-{index % 3}",
            placed_at=(at.astimezone(plus_five) if index % 2 else at).isoformat(),
        )
        for index, at in enumerate(placed)
    ]


@fork_in_threads
def test_rows_are_written_in_order_of_placing_time_whatever_the_order_of_the_file(
    tmp_path, monkeypatch, split_outcomes
):
    from comptoir.trust.importers import history_check

    monkeypatch.setattr(history_check, "SORT_RUN", 4)  # ten sorted runs, five in each process's part
    monkeypatch.setattr(history_check, "RUN_RECORD", 3)  # records cut inside the runs
    seller, other = sellers_with_owners()
    path = tmp_path / "history.csv"
    path.write_text(csv_text(placed_in_reverse(seller, other, 40)), encoding="utf-8")

    report = history_import(path=path, now=NOW, check_processes=2, chunk_rows=7)

    assert split_outcomes == [2]
    assert report.is_ok and report.imported == 40
    placed = list(SellerOrder.objects.order_by("pk").values_list("placed_at", flat=True))
    assert placed == sorted(placed) and len(set(placed)) == 40
    orders = list(Order.objects.order_by("pk").values_list("placed_at", flat=True))
    assert orders == placed
    events = list(
        SellerOrderEvent.objects.filter(action="payment_captured").order_by("pk").values_list("created_at", flat=True)
    )
    assert events == placed


def test_beyond_the_runs_merged_at_once_each_group_of_runs_is_in_time_order_and_every_row_written_once(monkeypatch):
    from comptoir.trust.importers import history_check

    monkeypatch.setattr(history_check, "SORT_RUN", 3)
    monkeypatch.setattr(history_check, "MERGE_FAN_IN", 2)  # groups of six rows
    seller, other = sellers_with_owners()
    content = csv_text(placed_in_reverse(seller, other, 14))

    report = history_import(content=content, now=NOW, check_processes=1, chunk_rows=5)

    assert report.is_ok and report.imported == 14
    numbers = [history_order_number(shop.pk, f"T-{index}") for index, shop in enumerate([other, seller] * 7)]
    rows = list(SellerOrder.objects.order_by("pk").values_list("number", "placed_at"))
    assert sorted(number for number, _placed in rows) == sorted(numbers)
    groups = [[placed for _number, placed in rows[first : first + 6]] for first in range(0, 14, 6)]
    assert [len(group) for group in groups] == [6, 6, 2]
    assert all(group == sorted(group) for group in groups)
    assert groups[0][0] > groups[1][-1]  # the file is newest first: the first group holds its newest rows
    assert history_import(content=content, now=NOW).already_imported == 14


def test_a_file_with_only_its_header_imports_nothing_and_says_so():
    before = table_counts()

    report = history_import(content=",".join(importer.COLUMNS) + "\n", now=NOW)

    assert report.is_ok and (report.rows, report.imported, report.already_imported) == (0, 0, 0)
    assert table_counts() == before
