from __future__ import annotations

from comptoir.core import clock
from comptoir.core.models import AuditLog


def audit_record(
    *,
    actor,
    action: str,
    target,
    reason: str = "",
    data: dict | None = None,
    seller_id: int | None = None,
    actor_label: str = "",
) -> AuditLog:
    """Write one audit row. Call inside the service's transaction so it commits with the change."""
    user = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        created_at=clock.now(),
        actor=user,
        actor_label=actor_label or ("system" if user is None else ""),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        seller_id=seller_id,
        reason=reason,
        data=data or {},
    )
