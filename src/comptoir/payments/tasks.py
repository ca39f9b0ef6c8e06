"""Background work of the payments domain. Tasks are idempotent and safe to retry."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from comptoir.core.money import Money
from comptoir.payments.models import Refund
from comptoir.payments.providers import get_provider


@task()
def ledger_seal_task() -> int:
    from comptoir.payments.sealing import ledger_seal

    return ledger_seal()


@task()
def refund_execute_task(refund_id: int) -> str:
    """Send a recorded refund to the provider once; a retry after success does nothing."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if refund.status == "succeeded":
            return refund.provider_reference
        result = get_provider().refund(
            amount=Money(refund.amount, refund.currency),
            charge_reference=refund.payment.provider_reference,
            reference=refund.source_key,
        )
        refund.provider_reference, refund.status = result.reference, "succeeded"
        refund.save(update_fields=["provider_reference", "status"])
        return result.reference
