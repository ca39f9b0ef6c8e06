"""The checkout benchmark harness (bench/): request building, response parsing, the stock check,
the report writer, and one tiny end-to-end run against real gunicorn servers. No speed is asserted."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.db.models import F

from bench.checkout import Options, run_checkout_benchmark
from bench.loadgen import CheckoutTraffic, _read_response, run_load
from bench.report import render_section, write_section
from bench.seed import verify_stock
from comptoir.checkout.services import order_checkout
from comptoir.offers.models import Offer
from comptoir.testing.builders import ADDRESS, CARD_DECLINED, CARD_OK, make_offer, make_user


def _parse(request: bytes) -> tuple[dict, dict]:
    head, body = request.split(b"\r\n\r\n", 1)
    headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
    assert int(headers["Content-Length"]) == len(body)
    return headers, json.loads(body)


def test_checkout_traffic_sends_distinct_offers_unique_keys_and_hot_offers():
    # given traffic where every checkout must include one of two hot offers
    traffic = CheckoutTraffic(
        tokens=["cbt_a", "cbt_b"],
        offer_ids=list(range(10, 40)),
        hot_offer_ids=[1, 2],
        hot_share=1.0,
        run_id="run",
        host="127.0.0.1:1",
    )

    # when a few hundred requests are built
    requests = [_parse(traffic.next_request()) for _ in range(300)]

    # then each has a fresh idempotency key, a buyer token, 1–3 distinct offers including a hot one
    assert len({headers["Idempotency-Key"] for headers, _ in requests}) == 300
    assert {headers["Authorization"] for headers, _ in requests} == {"Bearer cbt_a", "Bearer cbt_b"}
    for _, body in requests:
        offer_ids = [line["offer_id"] for line in body["lines"]]
        assert 1 <= len(offer_ids) <= 3 and len(set(offer_ids)) == len(offer_ids)
        assert set(offer_ids) & {1, 2}
        assert all(line["quantity"] in (1, 2) for line in body["lines"])
        assert body["payment"]["card_number"] == "4242424242424242"


def test_read_response_handles_content_length_chunked_and_close():
    async def read(raw: bytes):
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await _read_response(reader)

    assert asyncio.run(read(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")) == (201, False, b"{}")
    assert asyncio.run(
        read(b"HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
    ) == (409, False, b"abcde")
    assert asyncio.run(read(b"HTTP/1.1 500 Error\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx")) == (
        500,
        True,
        b"x",
    )


def test_load_generator_refuses_addresses_outside_loopback():
    with pytest.raises(ValueError, match="loopback"):
        run_load(host="10.0.0.1", port=80, make_request=lambda: b"", concurrency=1, duration=1)


@pytest.mark.django_db
def test_verify_stock_finds_oversold_and_mismatched_units():
    # given an offer of 5 units, a paid checkout of 2 and a declined checkout of 1 (stock put back)
    offer = make_offer(stock=5)
    buyer = make_user()
    order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 2}],
        idempotency_key="a",
    )
    order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_DECLINED,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key="b",
    )

    # then stock is conserved
    clean = verify_stock(initial_stock={str(offer.pk): 5})
    assert (clean["oversold_units"], clean["stock_mismatch_units"], clean["units_sold"]) == (0, 0, 2)
    assert clean["orders_by_status"]["paid"] == 1 and clean["orders_by_status"]["payment_failed"] == 1

    # when stock appears from nowhere, or more was sold than there was
    Offer.objects.filter(pk=offer.pk).update(stock=F("stock") + 4)
    assert verify_stock(initial_stock={str(offer.pk): 5})["stock_mismatch_units"] == 4
    assert verify_stock(initial_stock={str(offer.pk): 1})["oversold_units"] == 1


def _report(database: str, rate: float) -> dict:
    run = {
        "checkouts_per_second": rate,
        "insufficient_stock_409": 3,
        "other_errors": 0,
        "connection_errors": 0,
        "mean_latency_ms": 9.0,
        "latency_ms": {"p50": 5.0, "p95": 9.0, "p99": 12.0, "max": 20.0},
        "cpu_share": {"gunicorn workers": "50%"},
        "cpu_ms_per_request": {"gunicorn_ms": 2.0, "load_generator_ms": 0.1},
        "verification": {
            "stock": {"oversold_units": 0, "stock_mismatch_units": 0},
            "ledger": {
                "verify": {"ok": True, "problems": []},
                "postings_sum_by_currency": {"EUR": 0},
                "journal_entries": 7,
            },
        },
    }
    return {
        "database": database,
        "date": "2026-01-01 00:00 UTC",
        "wall_seconds": 30.0,
        "migrate_seconds": 2.0,
        "seed_seconds": 1.0,
        "machine": {
            "nproc": 2,
            "cpu": "test cpu",
            "python": "3.12",
            "django": "6.1",
            "gunicorn": "23",
            "database": "SQLite",
            "load_average_before": "0.1",
        },
        "settings": {
            "workers": 2,
            "worker_class": "sync",
            "threads": None,
            "concurrency": 4,
            "duration_s": 5,
            "warmup_s": 1,
            "sellers": 2,
            "buyers": 3,
            "offers": 5,
            "hot_offers": 1,
            "hot_stock": 2,
            "hot_share": 0.5,
            "ledger_seal_on_commit": False,
        },
        "runs": {"comptoir": run, "skeleton": {**run, "checkouts_per_second": rate * 2}},
        "ratio_comptoir_to_skeleton": 0.5,
    }


def test_write_section_replaces_only_its_own_database_section(tmp_path):
    # given a performance document with hand-written prose
    path = tmp_path / "PERFORMANCE.md"
    path.write_text("# Performance\n\nHand-written analysis.\n", encoding="utf-8")

    # when SQLite is written twice and PostgreSQL once
    write_section(_report("sqlite", 100.0), "comptoir bench checkout --database sqlite", path)
    write_section(_report("postgres", 300.0), "comptoir bench checkout --database postgres", path)
    write_section(_report("sqlite", 111.0), "comptoir bench checkout --database sqlite", path)

    # then each database has exactly one, latest section and the prose survives
    text = path.read_text(encoding="utf-8")
    assert text.count("<!-- bench:sqlite:start -->") == 1 and text.count("<!-- bench:postgres:start -->") == 1
    assert (
        "| Comptoir API | 111.0 |" in text
        and "| Comptoir API | 100.0 |" not in text
        and "| Comptoir API | 300.0 |" in text
    )
    assert "Hand-written analysis." in text
    assert "comptoir bench checkout --database postgres" in text


@pytest.mark.slow
def test_bench_checkout_end_to_end_on_sqlite(tmp_path):
    # given a tiny marketplace where every checkout wants one of a single hot offer's 2 units
    options = Options(
        database="sqlite",
        workers=1,
        concurrency=2,
        duration=1.0,
        warmup=0.0,
        sellers=2,
        buyers=3,
        offers=6,
        hot_offers=1,
        hot_stock=2,
        hot_share=1.0,
        work_dir=tmp_path,
        log=lambda line: None,
    )

    # when both applications are driven over HTTP
    report = run_checkout_benchmark(options)

    # then both sold exactly the hot stock, refused the rest with 409, oversold nothing and the ledger verifies
    for name in ("comptoir", "skeleton"):
        run = report["runs"][name]
        assert run["statuses"].get("201", 0) + run["insufficient_stock_409"] >= 2, run
        assert run["other_errors"] == 0 and run["connection_errors"] == 0, run["error_samples"]
        assert run["verification"]["stock"]["oversold_units"] == 0
        assert run["verification"]["stock"]["stock_mismatch_units"] == 0
        assert run["verification"]["stock"]["units_sold"] >= 2
        assert run["insufficient_stock_409"] > 0
    assert report["runs"]["comptoir"]["verification"]["ledger"]["verify"]["ok"] is True
    assert report["ratio_comptoir_to_skeleton"] > 0
    assert "raw-SQL skeleton" in render_section(report, "comptoir bench checkout --database sqlite")
    assert not (tmp_path / "template.sqlite3").exists()  # the benchmark databases are removed afterwards


@pytest.mark.django_db
def test_bench_trust_raw_generates_a_history_and_times_each_phase_of_the_recompute():
    from io import StringIO

    from django.core.management import call_command

    from comptoir.trust.models import SellerDailyStats

    out = StringIO()
    call_command(
        "bench",
        "trust",
        "--raw",
        "--sellers",
        "3",
        "--orders",
        "120",
        "--days",
        "20",
        "--workers",
        "1",
        stdout=out,
        stderr=StringIO(),
    )
    figures = json.loads(out.getvalue())["rebuild_raw"]
    assert figures["orders"] == figures["orders_total"] == 120 and figures["sellers_recomputed"] == 3
    assert set(figures["phases_s"]) == {"credibility", "buckets", "scores"} and figures["workers"] == 1
    assert figures["buckets"] == SellerDailyStats.objects.count() > 0


@pytest.mark.django_db
def test_bench_trust_options_cost_times_the_full_recompute_with_each_option_on_and_off():
    from io import StringIO

    from django.core.management import call_command

    from bench.trust import OPTION_VARIANTS
    from comptoir.trust.models import SellerTrust, TrustPriorEstimate

    out = StringIO()
    call_command(
        "bench",
        "trust",
        "--only-full",
        "--options-cost",
        "--sellers",
        "40",
        "--orders",
        "2000",
        "--days",
        "30",
        stdout=out,
        stderr=StringIO(),
    )
    figures = json.loads(out.getvalue())
    assert "update_per_event" not in figures and "rebuild_from_events" not in figures
    cost = figures["options_cost"]
    assert cost["sellers_with_buckets"] == 40 and cost["change_test_fires"] >= 0
    assert set(OPTION_VARIANTS) <= set(cost)
    assert all(cost[name]["full_recompute_cpu_s"] > 0 for name in OPTION_VARIANTS)
    # each full recompute of every seller estimated and stored the prior strengths when the empirical prior was on:
    # the two default-configuration runs of bench_full_recompute pass seller ids (no estimate), then the variants
    # "both on" and "change_test off" each store one
    assert TrustPriorEstimate.objects.count() == 2
    assert SellerTrust.objects.count() == 40
