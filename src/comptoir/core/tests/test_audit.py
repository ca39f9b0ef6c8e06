"""Audit rows: who did what to which object."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from comptoir.core import clock
from comptoir.core.models import AuditLog
from comptoir.core.services import audit_record
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db


def test_audit_row_records_the_acting_user_and_target():
    actor, target = make_user(), make_user()
    moment = dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)

    with clock.frozen_at(moment):
        row = audit_record(
            actor=actor, action="user.flagged", target=target, reason="spam", data={"score": 3}, seller_id=7
        )

    row.refresh_from_db()
    assert row.actor == actor
    assert row.actor_label == ""
    assert (row.action, row.target_type, row.target_id) == ("user.flagged", "accounts.user", str(target.pk))
    assert (row.reason, row.data, row.seller_id, row.created_at) == ("spam", {"score": 3}, 7, moment)


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_without_a_user_the_row_is_labelled_system(actor):
    target = make_user()

    row = audit_record(actor=actor, action="job.ran", target=target)

    assert row.actor is None
    assert row.actor_label == "system"


def test_an_explicit_label_names_a_non_user_actor():
    target = make_user()

    row = audit_record(actor=None, action="offer.updated", target=target, actor_label="api-key:csk_abc")

    assert row.actor_label == "api-key:csk_abc"
    assert AuditLog.objects.filter(actor_label="api-key:csk_abc").count() == 1
