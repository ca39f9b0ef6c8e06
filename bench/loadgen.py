"""A cheap closed-loop HTTP/1.1 load generator: C asyncio connections over raw streams.

The server under test shares the machine's cores with this process, so every request costs as
little client CPU as possible: requests are pre-encoded bytes, responses are parsed by hand, and
nothing but the status, a latency and the end time is kept per request. Traffic goes only to the
loopback address given; the run is bounded by a duration and a request count and stops by itself."""

from __future__ import annotations

import asyncio
import json
import random
import resource
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

LOOPBACK_PREFIXES = ("127.", "::1", "localhost")


@dataclass
class LoadResult:
    """Raw measurements of one run. Latencies are in seconds, only for requests inside the window."""

    window_seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    warmup_requests: int = 0
    connection_errors: int = 0
    total_requests: int = 0
    client_cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
        return ordered[index]

    def rate(self, status: int) -> float:
        return self.statuses.get(status, 0) / self.window_seconds if self.window_seconds else 0.0

    def summary(self) -> dict:
        measured = len(self.latencies)
        return {
            "window_seconds": round(self.window_seconds, 2),
            "requests_measured": measured,
            "requests_total": self.total_requests,
            "statuses": {
                str(key): value for key, value in sorted(self.statuses.items(), key=lambda item: str(item[0]))
            },
            "checkouts_per_second": round(self.rate(201), 1),
            "requests_per_second": round(measured / self.window_seconds, 1) if self.window_seconds else 0.0,
            "insufficient_stock_409": self.statuses.get(409, 0),
            "other_errors": sum(count for status, count in self.statuses.items() if status not in (201, 409)),
            "connection_errors": self.connection_errors,
            "latency_ms": {
                name: round(self.percentile(fraction) * 1000, 1)
                for name, fraction in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
            },
            "mean_latency_ms": round(sum(self.latencies) / measured * 1000, 1) if measured else None,
            "client_cpu_seconds": round(self.client_cpu_seconds, 2),
            "error_samples": self.error_samples[:5],
        }


class CheckoutTraffic:
    """Builds checkout requests: random buyer, 1–3 lines, some lines on hot offers with little stock."""

    def __init__(
        self,
        *,
        tokens: list[str],
        offer_ids: list[int],
        hot_offer_ids: list[int],
        hot_share: float = 0.2,
        run_id: str,
        host: str,
        path: str = "/api/v1/checkout",
        seed: int = 7,
    ):
        self.tokens, self.offer_ids, self.hot_offer_ids = tokens, offer_ids, hot_offer_ids
        self.hot_share, self.run_id, self.host, self.path = hot_share, run_id, host, path
        self.random = random.Random(seed)
        self.sequence = 0
        self.address = {
            "name": "Marie Curie",
            "street": "1 place du Panthéon",
            "postal_code": "75005",
            "city": "Paris",
            "country": "FR",
        }

    def lines(self) -> list[dict]:
        count = self.random.choices((1, 2, 3), weights=(60, 30, 10))[0]
        chosen: set[int] = set()
        if self.hot_offer_ids and self.random.random() < self.hot_share:
            chosen.add(self.random.choice(self.hot_offer_ids))
        while len(chosen) < count:
            chosen.add(self.random.choice(self.offer_ids))
        return [
            {"offer_id": offer_id, "quantity": 1 if self.random.random() < 0.8 else 2} for offer_id in sorted(chosen)
        ]

    def next_request(self) -> bytes:
        self.sequence += 1
        body = json.dumps(
            {"lines": self.lines(), "shipping_address": self.address, "payment": {"card_number": "4242424242424242"}},
            separators=(",", ":"),
        ).encode()
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer "
            f"{self.random.choice(self.tokens)}\r\n"
            f"Idempotency-Key: {self.run_id}-{self.sequence}\r\nContent-Type: application/json\r\nAccept: "
            "application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Return (status, server_closes, body) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, closes = None, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"connection" and b"close" in value.lower():
            closes = True
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body, closes = await reader.read(), True
    return status, closes, body


async def _run(
    *,
    host: str,
    port: int,
    make_request: Callable[[], bytes],
    concurrency: int,
    duration: float,
    max_requests: int | None,
    warmup: float,
    result: LoadResult,
) -> None:
    started = time.perf_counter()
    window_start = started + warmup
    deadline = window_start + duration
    issued = 0

    async def connection_loop() -> None:
        nonlocal issued
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while time.perf_counter() < deadline and (max_requests is None or issued < max_requests):
            issued += 1
            request = make_request()
            try:
                if reader is None or writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                sent = time.perf_counter()
                writer.write(request)
                status, closes, body = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                result.connection_errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"connection: {error!r}")
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.01)
                continue
            finished = time.perf_counter()
            result.total_requests += 1
            if sent >= window_start:
                result.statuses[status] += 1
                result.latencies.append(finished - sent)
            else:
                result.warmup_requests += 1
            if status not in (201, 409) and len(result.error_samples) < 5:
                result.error_samples.append(f"{status}: {body[:300].decode(errors='replace')}")
            if closes:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection_loop() for _ in range(concurrency)))
    ended = time.perf_counter()
    # Requests are issued until the deadline and all of them are awaited, so the window ends with the last answer.
    result.window_seconds = max(1e-9, ended - window_start)
    result.wall_seconds = ended - started


def run_load(
    *,
    host: str,
    port: int,
    make_request: Callable[[], bytes],
    concurrency: int,
    duration: float,
    max_requests: int | None = None,
    warmup: float = 0.0,
) -> LoadResult:
    """Drive `concurrency` keep-alive connections for `warmup + duration` seconds (or `max_requests`).

    Only loopback hosts are accepted. Requests sent during the warm-up are executed but not measured."""
    if not host.startswith(LOOPBACK_PREFIXES):
        raise ValueError("the load generator only sends traffic to the loopback interface")
    if duration > 600:
        raise ValueError("a benchmark run is bounded to 600 seconds of load")
    result = LoadResult()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    asyncio.run(
        _run(
            host=host,
            port=port,
            make_request=make_request,
            concurrency=concurrency,
            duration=duration,
            max_requests=max_requests,
            warmup=warmup,
            result=result,
        )
    )
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    result.client_cpu_seconds = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return result
