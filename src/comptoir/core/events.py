"""A tiny in-process event bus: domains publish past-tense facts, other domains subscribe.

Publishers stay ignorant of subscribers (orders never imports trust). `publish_on_commit` delivers only
after the surrounding transaction commits, so a subscriber never sees a rolled-back fact. A failing
subscriber is logged and never undoes or breaks the publisher's committed operation."""

from __future__ import annotations

import datetime as dt
import functools
import contextlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)

_subscribers: dict[type, list[Callable]] = defaultdict(list)
_state = threading.local()


@dataclass(frozen=True)
class SellerOrderTransitioned:
    """A seller order changed (a state-machine transition, or a dispute opened/decided): one SellerOrderEvent row."""

    seller_order_id: int
    seller_id: int
    event_id: int
    action: str
    at: dt.datetime


@dataclass(frozen=True)
class SellerOnboarded:
    seller_id: int
    at: dt.datetime


@dataclass(frozen=True)
class OfferChanged:
    seller_id: int
    offer_id: int
    at: dt.datetime


def subscribe(event_type: type, handler: Callable) -> None:
    """Register `handler(event)` for `event_type`; registering the same handler twice has no effect."""
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def unsubscribe(event_type: type, handler: Callable) -> None:
    if handler in _subscribers[event_type]:
        _subscribers[event_type].remove(handler)


@contextlib.contextmanager
def delivery_paused():
    """Drop every event published in this thread while the block runs (bulk seeding and imports, which rebuild
    what subscribers maintain — trust evidence, search index — once at the end instead of per event)."""
    previous = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = previous


def publish(event) -> None:
    """Deliver `event` to every subscriber of its type now, in registration order."""
    if getattr(_state, "paused", False):
        return
    for handler in list(_subscribers.get(type(event), ())):
        try:
            handler(event)
        except Exception:  # a subscriber's failure must not break the publisher's committed operation
            logger.exception("Event subscriber %r failed on %r", handler, event)


def publish_on_commit(event) -> None:
    """Deliver `event` after the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(functools.partial(publish, event))
