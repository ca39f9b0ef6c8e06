"""The waiting period of an "item not received" dispute (pure)."""

import datetime as dt

from comptoir.orders.domain.disputes import dispute_is_too_early, dispute_opens_on

PROMISE = dt.date(2026, 3, 12)


def test_not_received_opens_the_day_after_the_promise():
    assert dispute_opens_on(reason="not_received", deliver_by=PROMISE) == dt.date(2026, 3, 13)
    assert dispute_is_too_early(reason="not_received", deliver_by=PROMISE, today=dt.date(2026, 3, 1))
    assert dispute_is_too_early(reason="not_received", deliver_by=PROMISE, today=PROMISE)
    assert not dispute_is_too_early(reason="not_received", deliver_by=PROMISE, today=dt.date(2026, 3, 13))


def test_other_reasons_have_no_waiting_period():
    for reason in ("not_as_described", "return_not_refunded", "other"):
        assert dispute_opens_on(reason=reason, deliver_by=PROMISE) is None
        assert not dispute_is_too_early(reason=reason, deliver_by=PROMISE, today=dt.date(2026, 3, 1))
