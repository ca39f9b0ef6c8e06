"""The check pass of a history import (docs/IMPORT_HISTORY.md): every row read, checked and spooled, already
converted, to a temporary file; its order number and buyer go to on-disk buckets (history_buckets). No database.

A large file (PARALLEL_MIN_BYTES) is checked by two processes at once, the second one forked to check the second
half: the file is cut at the first line boundary past the middle that is outside any quoted cell (RFC 4180: an even
number of quotes before it). The cut is verified by the first process, whose CSV reader is given, after its last
line, a marker line: the reader must read the marker as a row of its own, i.e. it was between two rows. If a file
breaks the quoting rules (a quote inside an unquoted cell) and the cut fell inside a cell, the second half is thrown
away and the file is checked again by one process — same result, more time. Each part reports its rows, its first
errors and warnings (lines numbered in the whole file) and its spool and buckets.

The spool is written in sorted runs (SORT_RUN rows each, in order of the time the order was placed) and read back
merged (MERGE_FAN_IN runs at a time), so the writing pass stores the orders in time order whatever the order of the
file: the indexes whose keys grow with time (placing date, per seller and date, the events' per-seller index) then
take each new key next to the last one, near the end of its range, instead of anywhere in an index larger than the
server's cache (docs/PERFORMANCE.md, "History import", fifth round). Memory stays bounded: one run while checking,
MERGE_FAN_IN records of RUN_RECORD rows while merging."""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import io
import itertools
import marshal
import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import IO

from comptoir.trust.importers.history_buckets import BuyerDates, OrderKeys
from comptoir.trust.importers.history_rows import (
    SPOOLED_TIME_FIELD,
    Findings,
    HeaderError,
    HistoryRow,
    SellerDirectory,
    history_order_number,
    read_rows,
    row_check,
)

PARALLEL_MIN_BYTES = 8 << 20  # below, forking a second process costs more than it saves
SORT_RUN = 10_000  # rows sorted together while checking (held in memory once, as their spooled strings)
RUN_RECORD = 100  # rows per marshal record in a run: what the merge holds of each run
_LENGTH = 4  # bytes of a record's length
MERGE_FAN_IN = 100  # runs merged together: up to SORT_RUN × MERGE_FAN_IN rows (1M) in time order, then the next ones
_MARKER = "\ufffe-end-of-part-\ufffe"  # a line no valid history row is (U+FFFE is a noncharacter)
_SCAN_BLOCK = 1 << 20

Spooler = Callable[[HistoryRow, str], list[str]]


@dataclass
class CheckedPart:
    """What checking one part of the file produced: spooled rows, order numbers and buyers (files, in line order)."""

    spool: IO[bytes]
    keys: OrderKeys
    buyers: BuyerDates
    rows: int = 0
    findings: Findings = field(default_factory=Findings)
    runs: list[int] = field(default_factory=list)  # where each sorted run starts in the spool (bytes)

    def spooled_rows(self) -> Iterator[list[str]]:
        """The rows spooled, this part alone, in time order within groups of MERGE_FAN_IN runs."""
        return spooled_rows([self])

    def _runs(self) -> list[tuple[IO[bytes], int, int]]:
        if not self.runs:  # no row spooled
            return []
        self.spool.seek(0, os.SEEK_END)
        ends = [*self.runs[1:], self.spool.tell()]
        return [(self.spool, start, end) for start, end in zip(self.runs, ends, strict=True)]


def spooled_rows(parts: Iterable[CheckedPart]) -> Iterator[list[str]]:
    """Every row spooled by the parts, merged from their sorted runs: in order of placing time within each group of
    MERGE_FAN_IN runs (at most SORT_RUN × MERGE_FAN_IN rows), the groups one after the other."""
    runs = [run for part in parts for run in part._runs()]
    for first in range(0, len(runs), MERGE_FAN_IN):
        group = runs[first : first + MERGE_FAN_IN]
        if len(group) == 1:
            yield from _run_rows(*group[0])
        else:
            yield from heapq.merge(*(_run_rows(*run) for run in group), key=_time)


def _time(fields: list[str]) -> str:
    return fields[SPOOLED_TIME_FIELD]


def _run_rows(spool: IO[bytes], start: int, end: int) -> Iterator[list[str]]:
    """The rows of one run (marshal records of RUN_RECORD rows, each after its length: a fast, exact round trip);
    the runs of a group share the spool, so each record is read from its own offset, whole (`marshal.load` from a file
    that has just been moved reads it piece by piece: ≈ 10× slower)."""
    offset = start
    while offset < end:
        spool.seek(offset)
        size = int.from_bytes(spool.read(_LENGTH), "little")
        record = marshal.loads(spool.read(size))
        offset += _LENGTH + size
        yield from record


def _spool_run(part: CheckedPart, run: list[list[str]]) -> None:
    """Writes `run` to the part's spool, sorted by placing time, as a new run."""
    run.sort(key=_time)
    part.runs.append(part.spool.tell())
    for first in range(0, len(run), RUN_RECORD):
        record = marshal.dumps(run[first : first + RUN_RECORD])
        part.spool.write(len(record).to_bytes(_LENGTH, "little"))
        part.spool.write(record)


@dataclass
class Source:
    """The file to check and how the caller reads it."""

    open_text: Callable[[], contextlib.AbstractContextManager[IO[str]]]
    size: int
    path: str | os.PathLike | None


def check_source(
    source: Source,
    stack: contextlib.ExitStack,
    *,
    sellers: SellerDirectory,
    now: dt.datetime,
    spooled: Spooler,
    progress: Callable[[int, float | None], None] | None = None,
    processes: int | None = None,
) -> list[CheckedPart]:
    """Checks the whole source; returns its parts in file order (one, or two when checked by two processes). The
    parts' files live until `stack` is closed. `processes`: 1 or 2 (None: two for a large file on a machine with at
    least two processors, when this process runs no other thread — a thread holding a lock at the fork would leave
    it locked in the child; the check itself takes none, so a caller may still ask for 2)."""
    if processes is None:
        is_large = source.size >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) >= 2
        processes = 2 if is_large and threading.active_count() == 1 else 1
    if processes >= 2 and source.path is not None and "fork" in multiprocessing.get_all_start_methods():
        cut = _cut(source.path, source.size)
        if cut is not None:
            parts = _check_in_two(source, stack, cut, sellers=sellers, now=now, spooled=spooled, progress=progress)
            if parts is not None:
                return parts
    part = _new_part(stack, source.size)
    with source.open_text() as handle:
        _check_lines(handle, part, 0, sellers=sellers, now=now, spooled=spooled, progress=progress, size=source.size)
    return [part]


def _new_part(stack: contextlib.ExitStack, size: int) -> CheckedPart:
    return CheckedPart(
        spool=stack.enter_context(tempfile.TemporaryFile("w+b")),
        keys=stack.enter_context(OrderKeys(size)),
        buyers=stack.enter_context(BuyerDates(size)),
    )


def _check_lines(
    lines: Iterable[str],
    part: CheckedPart,
    line_offset: int,
    *,
    sellers: SellerDirectory,
    now: dt.datetime,
    spooled: Spooler,
    progress: Callable[[int, float | None], None] | None,
    size: int,
    marker: str | None = None,
) -> bool:
    """Checks the rows of `lines` into `part`; returns whether `marker` (when given) was read as a row of its own
    (the rows were then all read, and the marker row is not counted)."""
    findings = part.findings
    read = [0]
    run: list[list[str]] = []  # spooled in sorted runs of SORT_RUN rows
    is_marker_seen = False
    try:
        for line, text, is_too_long in read_rows(_counted(lines, read)):
            if marker is not None and len(text) == 1 and marker in text.values():
                is_marker_seen = True
                break
            line += line_offset
            part.rows += 1
            if progress is not None and part.rows % 5000 == 0:
                progress(part.rows, min(1.0, read[0] / size) if size else None)
            if is_too_long:
                findings.error(line, "", "More fields than columns in the header.")
                continue
            row = row_check(line, text, sellers, now, findings)
            if row is None:
                continue
            number = history_order_number(row.seller_id, row.external_id)  # the key: one string per row
            part.keys.add(number, line)  # duplicates are looked for after the pass, on disk
            part.buyers.add(row.buyer_email, row.placed_at, row.buyer_since)
            if not findings.error_count:  # once the file is refused, nothing more to spool
                run.append(spooled(row, number))
                if len(run) >= SORT_RUN:
                    _spool_run(part, run)
                    run = []
    except HeaderError as error:
        for problem in error.errors:
            findings.error(problem.line, problem.column, problem.message)
    if run and not findings.error_count:
        _spool_run(part, run)
    part.spool.flush()
    part.keys.flush()
    part.buyers.flush()
    return is_marker_seen


def _counted(lines: Iterable[str], read: list[int]) -> Iterator[str]:
    for line in lines:
        read[0] += len(line)
        yield line


@dataclass(frozen=True)
class _Cut:
    offset: int  # bytes of the first part (the header included)
    lines: int  # its physical lines (the header included)
    header: str


def _cut(path: str | os.PathLike, size: int) -> _Cut | None:
    """Where to cut the file in two: the end of the first line past the middle with an even number of quotes before
    it. None when the file has no such line, or a line ending in a lone carriage return in the first half (the CSV
    reader counts those as lines, which would shift the second half's line numbers)."""
    middle = size // 2
    offset = lines = quotes = 0
    header = b""
    with open(path, "rb") as handle:
        for line in handle:
            if not lines:
                header = line
            offset += len(line)
            lines += 1
            quotes += line.count(b'"')
            if b"\r" in line[:-2] or (line.endswith(b"\r") and not line.endswith(b"\r\n")):
                return None
            if offset >= middle and quotes % 2 == 0 and lines > 1:
                if offset >= size:
                    return None
                return _Cut(offset, lines, header.decode("utf-8-sig"))
    return None


def _check_in_two(
    source: Source,
    stack: contextlib.ExitStack,
    cut: _Cut,
    *,
    sellers: SellerDirectory,
    now: dt.datetime,
    spooled: Spooler,
    progress: Callable[[int, float | None], None] | None,
) -> list[CheckedPart] | None:
    """The first half checked here, the second by a forked process; None when the cut proved to fall inside a
    quoted cell (the caller checks the file again in one process)."""
    try:  # a header the reader refuses is reported by the one-process check, once
        next(read_rows([cut.header]), None)
    except HeaderError:
        return None
    first, second = _new_part(stack, source.size), _new_part(stack, source.size)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_check_second_part,
        args=(source.path, cut, second, sending),
        kwargs={"sellers": sellers, "now": now, "spooled": spooled},
        daemon=True,
    )
    child.start()
    sending.close()
    try:
        with source.open_text() as handle:
            lines = itertools.chain(itertools.islice(handle, cut.lines), [_MARKER + "\n"])
            is_cut_between_rows = _check_lines(
                lines,
                first,
                0,
                sellers=sellers,
                now=now,
                spooled=spooled,
                progress=None if progress is None else (lambda rows, share: progress(rows * 2, share)),
                size=cut.offset,
                marker=_MARKER,
            )
        try:
            outcome = receiving.recv()
        except EOFError:  # the process ended without a word
            outcome = RuntimeError(f"The second process checking {source.path} ended without a report.")
    finally:
        receiving.close()
        child.join()
    if isinstance(outcome, BaseException):
        raise outcome
    if not is_cut_between_rows:
        return None
    second.rows, second.findings, second.runs = outcome
    return [first, second]


def _check_second_part(
    path: str | os.PathLike,
    cut: _Cut,
    part: CheckedPart,
    sending: Connection,
    *,
    sellers: SellerDirectory,
    now: dt.datetime,
    spooled: Spooler,
) -> None:
    """In the forked process: check the rows after the cut, numbered as lines of the whole file, and send back
    (rows, findings, runs) or the exception; the spool and buckets are files shared with the parent. Touches no database
    connection."""
    outcome: tuple[int, Findings, list[int]] | BaseException
    try:
        with open(path, "rb") as raw:
            raw.seek(cut.offset)
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            lines = itertools.chain([cut.header], text)
            _check_lines(lines, part, cut.lines - 1, sellers=sellers, now=now, spooled=spooled, progress=None, size=0)
        outcome = (part.rows, part.findings, part.runs)
    except BaseException as error:  # raised again by the parent
        outcome = error
    with contextlib.suppress(OSError, pickle.PicklingError):  # the parent stopped listening, or cannot be told why
        sending.send(outcome)
    sending.close()
