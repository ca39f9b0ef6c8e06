"""Two workers running the same tasks at the same instant, each on its own database connection."""

import pytest
from django.core import mail

from comptoir.notifications.emails import notification_email_send
from comptoir.notifications.models import Notification
from comptoir.notifications.services import notification_send
from comptoir.orders.tests.concurrency import run_concurrently
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def test_concurrent_email_tasks_send_a_notification_once():
    # given a notification whose email is not sent yet (the on-commit task did not run: tests hold no commit)
    user = make_user()
    notification = Notification.objects.create(recipient=user, kind="order_delivered", params={}, dedupe_key="d")
    mail.outbox.clear()
    # when several workers run its email task at once
    outcomes = run_concurrently(THREADS, lambda index: notification_email_send(notification_id=notification.pk))
    # then exactly one sends it
    assert [outcome.error for outcome in outcomes] == [None] * THREADS
    assert sorted(outcome.value for outcome in outcomes) == [False] * (THREADS - 1) + [True]
    assert len(mail.outbox) == 1


def test_concurrent_deliveries_of_one_fact_notify_once():
    user = make_user()
    outcomes = run_concurrently(
        THREADS,
        lambda index: notification_send(recipient=user, kind="order_delivered", params={}, dedupe_key="fact:1"),
    )
    assert [outcome.error for outcome in outcomes] == [None] * THREADS
    assert sum(outcome.value is not None for outcome in outcomes) == 1
    assert Notification.objects.filter(recipient=user).count() == 1
