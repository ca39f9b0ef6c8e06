"""Background work of webhooks (Django Tasks API). Every task is idempotent: deliveries are unique per fact and
endpoint, and an attempt is claimed by its number before anything is sent."""

from __future__ import annotations

from django.tasks import task

from comptoir.webhooks import services


@task()
def webhook_facts_dispatch_task(facts: list[list]) -> int:
    """Enqueued on commit by the subscribers: the deliveries of these facts. Returns how many were created."""
    return len(
        services.webhook_deliveries_create(facts=[services.WebhookFact.from_task_argument(fact) for fact in facts])
    )


@task()
def webhook_deliver_task(
    delivery_id: int, attempt: int, is_replay: bool = False, replayed_by_id: int | None = None
) -> bool:
    """One attempt of one delivery. Returns whether this run sent it (False: not due, already made)."""
    made = services.webhook_attempt(
        delivery_id=delivery_id, number=attempt, is_replay=is_replay, replayed_by_id=replayed_by_id
    )
    return made is not None


@task()
def webhook_retries_due_task(limit: int = 500) -> int:
    """Run by the scheduler every tick: enqueue the retries that are due."""
    return services.webhook_retries_enqueue_due(limit=limit)
