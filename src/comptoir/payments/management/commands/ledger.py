"""`comptoir ledger verify` and `comptoir ledger seal`.

verify exits 0 and prints a summary when the ledger is intact; otherwise it prints every problem
found, names the first bad entry, and exits 1."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from comptoir.payments.sealing import ledger_seal
from comptoir.payments.verify import ledger_verify


def _anchor(value: str) -> tuple[int, str]:
    height, _, block_hash = value.partition(":")
    if not height.isdigit() or len(block_hash) != 64:
        raise CommandError(f"--anchor takes HEIGHT:BLOCK_HASH (64 hex digits), got {value!r}.")
    return int(height), block_hash.lower()


class Command(BaseCommand):
    help = "Verify the ledger's hash chain and invariants (verify), or seal committed entries into blocks (seal)."

    def add_arguments(self, parser):
        # One positional action rather than sub-parsers, so that Django's own options (--settings,
        # --traceback) still work after it.
        parser.add_argument(
            "action",
            choices=["verify", "seal"],
            help=(
                "verify: recompute the hash chain and the invariants, exit 1 when anything is wrong. seal: seal "
                "committed entries now."
            ),
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="HEIGHT:HASH",
            help=(
                "verify: a block hash recorded outside the database earlier (repeatable); a mismatch means the chain "
                "was rewritten."
            ),
        )
        parser.add_argument(
            "--accept-late",
            action="store_true",
            help=(
                "seal: also seal entries that verify reports as inserted behind the chain's back, after you have "
                "checked them."
            ),
        )

    def handle(self, *args, action: str, **options):
        if action == "seal":
            if options["anchor"]:
                raise CommandError("--anchor belongs to `ledger verify`.")
            sealed = ledger_seal(accept_late=options["accept_late"])
            self.stdout.write(f"Sealed {sealed} entr{'y' if sealed == 1 else 'ies'}.")
            return
        if options["accept_late"]:
            raise CommandError("--accept-late belongs to `ledger seal`.")
        anchors = dict(_anchor(value) for value in options["anchor"])
        report = ledger_verify(anchors=anchors)
        summary = (
            f"{report.entries_checked} entries, {report.blocks_checked} blocks checked; "
            f"head height {report.head_height}, hash {report.head_hash}"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Ledger OK: {summary}."))
            return
        for problem in report.problems:
            self.stderr.write(f"- {problem}")
        if report.problems_not_listed:
            self.stderr.write(f"- … and {report.problems_not_listed} more problems.")
        first = (
            f"first bad entry #{report.first_bad_entry_id}"
            if report.first_bad_entry_id is not None
            else "no single entry could be named"
        )
        raise CommandError(
            f"Ledger verification FAILED ({len(report.problems) + report.problems_not_listed} problems; {first}). "
            f"{summary}."
        )
