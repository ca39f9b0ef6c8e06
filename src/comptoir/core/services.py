from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from comptoir.core import clock
from comptoir.core.models import AuditLog


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model,
    reason: str = "",
    data: dict | None = None,
    seller_id: int | None = None,
    actor_label: str = "",
) -> AuditLog:
    """Write one audit row. Call inside the service's transaction so it commits with the change."""
    actor_id = actor.pk if actor is not None and actor.pk and actor.is_authenticated else None
    return AuditLog.objects.create(
        created_at=clock.now(),
        actor_id=actor_id,
        actor_label=actor_label or ("system" if actor_id is None else ""),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        seller_id=seller_id,
        reason=reason,
        data=data or {},
    )
