"""Events the filings app publishes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dac7NoticeIssued:
    """A reportable seller was sent the information the marketplace will report about its year (DAC7 notice)."""

    notice_id: int
    seller_id: int
    year: int
