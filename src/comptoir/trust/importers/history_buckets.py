"""What the check pass of a history import must see whole — the file's order numbers (duplicates) and its buyers (the
earliest order and `buyer_since` of each) — kept on disk instead of in memory, so an import's memory does not grow
with the file.

Each record goes to one of several temporary files chosen by a hash of its key (`DiskBuckets`); afterwards the
buckets are read one at a time, and only one bucket's keys are held in memory: with the bucket count chosen from the
file's size (`bucket_count`), a bucket holds about BUCKET_BYTES of CSV, ≈ 15,000 rows, whatever the file."""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import itertools
import marshal
import tempfile
import zlib
from collections.abc import Iterator
from typing import IO

BUCKET_BYTES = 4 << 20  # CSV bytes per bucket (≈ 15,000 rows of the benchmark's file)
MIN_BUCKETS = 8
MAX_BUCKETS = 256  # two structures of 256 files stay far below the usual 1,024 open files
_LENGTH = 4  # bytes of a record's length
_PENDING = 512  # records kept per bucket before they are appended to its file
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def bucket_count(size: int) -> int:
    """Buckets for a source of `size` bytes: about BUCKET_BYTES each, within [MIN_BUCKETS, MAX_BUCKETS]."""
    return max(MIN_BUCKETS, min(MAX_BUCKETS, size // BUCKET_BYTES + 1))


class DiskBuckets:
    """Records (tuples marshal can write) appended to `count` temporary files; a bucket's records come back in the
    order they were added. Memory: at most _PENDING records per bucket waiting to be written."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._files: list[IO[bytes]] = []
        self._pending: list[list[tuple]] = [[] for _ in range(count)]
        self._stack = contextlib.ExitStack()  # the open files

    def __enter__(self) -> DiskBuckets:
        with contextlib.ExitStack() as stack:
            for _ in range(self.count):
                self._files.append(stack.enter_context(tempfile.TemporaryFile("w+b")))
            self._stack = stack.pop_all()  # closed by __exit__ (or here, when one cannot be opened)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._files = []
        self._stack.close()

    def add(self, bucket: int, record: tuple) -> None:
        pending = self._pending[bucket]
        pending.append(record)
        if len(pending) >= _PENDING:
            _dump(pending, self._files[bucket])
            pending.clear()

    def flush(self) -> None:
        """Writes every waiting record to its file (so another process sharing the files reads them all)."""
        for bucket, pending in enumerate(self._pending):
            if pending:
                _dump(pending, self._files[bucket])
                pending.clear()
        for file in self._files:
            file.flush()

    def read(self, bucket: int) -> Iterator[tuple]:
        """The records of one bucket, in the order they were added (once: the bucket is read from its start)."""
        file = self._files[bucket]
        if self._pending[bucket]:
            _dump(self._pending[bucket], file)
            self._pending[bucket] = []
        file.seek(0)
        while size := int.from_bytes(file.read(_LENGTH), "little"):
            yield from marshal.loads(file.read(size))


def _dump(records: list[tuple], file: IO[bytes]) -> None:
    """One marshal record after its length: read back whole with `marshal.loads` (`marshal.load` from a file reads
    each object piece by piece, ≈ 3.5 µs a record here, on the path between the check and the writing)."""
    data = marshal.dumps(records)
    file.write(len(data).to_bytes(_LENGTH, "little"))
    file.write(data)


class OrderKeys:
    """The order numbers of a file (`IMP-` + 16 hex digits: 64 bits), with the line of each row, on disk."""

    def __init__(self, size: int) -> None:
        self.buckets = DiskBuckets(bucket_count(size))

    def __enter__(self) -> OrderKeys:
        self.buckets.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.buckets.__exit__(*exc_info)

    def add(self, number: str, line: int) -> None:
        digest = int(number[-16:], 16)
        self.buckets.add(digest % self.buckets.count, (digest, line))

    def flush(self) -> None:
        self.buckets.flush()

    def duplicates(self, kept: int) -> tuple[list[tuple[int, int]], int]:
        """(the first `kept` duplicates as (line, line of the first row with that number), sorted by line; the
        number of duplicates). Rows were added in line order, so the first line of a number is its first record."""
        return duplicates([self], kept)


def duplicates(parts: list[OrderKeys], kept: int) -> tuple[list[tuple[int, int]], int]:
    """OrderKeys.duplicates over the parts of one file, given in line order (made for the same file size)."""
    smallest: list[tuple[int, int]] = []  # a max-heap of the `kept` lowest lines, as negated pairs
    count = 0
    for bucket in range(parts[0].buckets.count):
        first: dict[int, int] = {}
        for digest, line in itertools.chain.from_iterable(part.buckets.read(bucket) for part in parts):
            seen = first.setdefault(digest, line)
            if seen == line:
                continue
            count += 1
            if len(smallest) < kept:
                heapq.heappush(smallest, (-line, -seen))
            elif smallest and -smallest[0][0] > line:
                heapq.heapreplace(smallest, (-line, -seen))
    return sorted((-line, -seen) for line, seen in smallest), count


def microseconds(value: dt.datetime) -> int:
    """An aware datetime as whole microseconds since 1970 (UTC): exact, ordered, and marshal writes it."""
    return (value - _EPOCH) // _MICROSECOND


def from_microseconds(value: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=value)


class BuyerDates:
    """For each buyer of a file (its account email), the earliest `placed_at` and the earliest `buyer_since` of its
    rows, gathered on disk and read back one bucket of buyers at a time."""

    def __init__(self, size: int) -> None:
        self.buckets = DiskBuckets(bucket_count(size))

    def __enter__(self) -> BuyerDates:
        self.buckets.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.buckets.__exit__(*exc_info)

    def add(self, email: str, placed_at: dt.datetime, buyer_since: dt.datetime | None) -> None:
        since = None if buyer_since is None else microseconds(buyer_since)
        self.buckets.add(zlib.crc32(email.encode()) % self.buckets.count, (email, microseconds(placed_at), since))

    def flush(self) -> None:
        self.buckets.flush()

    def groups(self) -> Iterator[dict[str, tuple[dt.datetime, dt.datetime | None]]]:
        """Per bucket: email → (first order, earliest buyer_since or None); every buyer is in exactly one group."""
        return buyer_groups([self])


def buyer_groups(parts: list[BuyerDates]) -> Iterator[dict[str, tuple[dt.datetime, dt.datetime | None]]]:
    """BuyerDates.groups over the parts of one file (made for the same file size)."""
    for bucket in range(parts[0].buckets.count):
        dates: dict[str, tuple[int, int | None]] = {}
        for email, placed, since in itertools.chain.from_iterable(part.buckets.read(bucket) for part in parts):
            seen = dates.get(email)
            if seen is None:
                dates[email] = (placed, since)
                continue
            first, earliest = seen
            if since is not None and (earliest is None or since < earliest):
                earliest = since
            dates[email] = (min(first, placed), earliest)
        yield {
            email: (from_microseconds(placed), None if since is None else from_microseconds(since))
            for email, (placed, since) in dates.items()
        }
