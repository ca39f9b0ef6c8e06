"""A tiny in-process event bus: domains publish past-tense facts, other domains subscribe.

Publishers stay ignorant of subscribers (orders never imports trust). Two deliveries:

- `publish` calls the subscribers now, inside the publisher's transaction: a subscriber that raises makes the
  publisher's operation fail and roll back (nothing is swallowed). Such subscribers should do little more than
  queue work on commit (search and trust do).
- `publish_on_commit` delivers after the surrounding transaction commits, so a subscriber never sees a
  rolled-back fact. The operation is then already committed: a failing subscriber cannot undo it, so its
  exception is logged at ERROR level with its traceback (`comptoir.core.events`) and the next subscriber runs."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

from comptoir.core.task_backend import enqueued_together, tasks_stored_in

logger = logging.getLogger(__name__)

_subscribers: dict[type, list[Callable]] = defaultdict(list)
_batch_subscribers: dict[type, list[Callable]] = defaultdict(list)
_state = threading.local()


def subscribe(event_type: type, handler: Callable) -> None:
    """Register `handler(event)` for `event_type`; registering the same handler twice has no effect."""
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def unsubscribe(event_type: type, handler: Callable) -> None:
    if handler in _subscribers[event_type]:
        _subscribers[event_type].remove(handler)
    if handler in _batch_subscribers[event_type]:
        _batch_subscribers[event_type].remove(handler)


def subscribe_batch(event_type: type, handler: Callable) -> None:
    """Register `handler(events)` for `event_type`: called once per committed transaction with every event of that
    type published in it by `publish_on_commit`, in publishing order (a checkout of five seller orders: one call,
    five events). Outside a transaction each event is a batch of one. Events published inside a savepoint that was
    rolled back may still be part of the batch: a batch subscriber must tolerate a fact that does not exist."""
    if handler not in _batch_subscribers[event_type]:
        _batch_subscribers[event_type].append(handler)


class _CommitBatch:
    def __init__(self, hooks: list) -> None:
        self.hooks = hooks  # the connection's on-commit list of the transaction the batch belongs to
        self.events: list = []
        self.delivered = False

    def deliver(self) -> None:
        if self.delivered:
            return
        self.delivered = True
        if getattr(_state, "paused", False):
            return
        by_type: dict[type, list] = defaultdict(list)
        for event in self.events:
            by_type[type(event)].append(event)
        with enqueued_together():  # the tasks the subscribers enqueue: one INSERT for all (database backend)
            for event_type, events in by_type.items():
                for handler in list(_batch_subscribers.get(event_type, ())):
                    try:
                        handler(events)
                    except Exception:  # after commit: logged with its traceback, as in `_deliver_committed`
                        logger.exception("Batch subscriber %r failed on %d event(s)", handler, len(events))


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
    """Deliver `event` to every subscriber of its type now, in registration order; a subscriber's exception
    propagates to the publisher."""
    if getattr(_state, "paused", False):
        return
    for handler in list(_subscribers.get(type(event), ())):
        handler(event)


def _deliver_committed(event) -> None:
    """`publish` after a commit: the publisher's operation stands whatever a subscriber does, so a failure is
    logged (with its traceback) and does not stop the other subscribers."""
    if getattr(_state, "paused", False):
        return
    for handler in list(_subscribers.get(type(event), ())):
        try:
            handler(event)
        except Exception:
            logger.exception("Event subscriber %r failed on %r after commit", handler, event)


def deliver_batch_before_commit() -> bool:
    """Run this transaction's batch subscribers now, inside it, when the tasks they enqueue are stored in its own
    database (the `database` task backend); returns whether it did.

    For a service's last step inside its outermost transaction (the checkout calls it): the trust-evidence and
    notification tasks of the events it published are then written in one INSERT with the operation and commit
    with it — none is lost if the process dies between the commit and the enqueue, and there is one commit instead
    of two. Batch subscribers only enqueue tasks, which workers see once the transaction commits, so delivering
    them a moment before the commit changes nothing they can observe. With a backend that runs tasks at enqueue
    (`immediate`), or outside a transaction, nothing happens here and the batch is delivered after the commit as
    usual. A task that cannot be stored here fails the operation (its transaction rolls back)."""
    connection = transaction.get_connection()
    batch = getattr(_state, "batch", None)
    if (
        batch is None
        or batch.delivered
        or batch.hooks is not connection.run_on_commit
        or not connection.in_atomic_block
        or not tasks_stored_in(connection.alias)
    ):
        return False
    batch.deliver()
    return True


def publish_on_commit(event) -> None:
    """Deliver `event` after the current transaction commits (at once outside a transaction); batch subscribers
    get it with the other events of the same transaction."""
    transaction.on_commit(functools.partial(_deliver_committed, event))
    if not _batch_subscribers.get(type(event)):
        return
    connection = transaction.get_connection()
    batch = getattr(_state, "batch", None)
    if (
        batch is None
        or batch.delivered
        or batch.hooks is not connection.run_on_commit
        or not connection.in_atomic_block
    ):
        batch = _CommitBatch(connection.run_on_commit)
        _state.batch = batch
    batch.events.append(event)
    # Registered with every event (delivery happens once): if the savepoint of one registration is rolled back,
    # a registration made outside it still delivers the batch.
    transaction.on_commit(batch.deliver)
