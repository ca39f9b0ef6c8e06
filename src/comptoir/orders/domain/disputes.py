"""When a buyer may open a dispute, by reason. Pure.

A parcel is "not received" only once its promise has run out: the seller promised delivery by `deliver_by` (frozen
at checkout), so the claim opens the day after. Before that the parcel is not late and there is nothing to decide;
the other reasons (not as described, a return not refunded) do not depend on the promise."""

from __future__ import annotations

import datetime as dt

NOT_RECEIVED = "not_received"


def dispute_opens_on(*, reason: str, deliver_by: dt.date) -> dt.date | None:
    """The first day a dispute for `reason` may be opened; None when the reason has no waiting period."""
    if reason == NOT_RECEIVED:
        return deliver_by + dt.timedelta(days=1)
    return None


def dispute_is_too_early(*, reason: str, deliver_by: dt.date, today: dt.date) -> bool:
    opens_on = dispute_opens_on(reason=reason, deliver_by=deliver_by)
    return opens_on is not None and today < opens_on
