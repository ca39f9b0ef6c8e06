"""Who may act: the checks services share. Interfaces check too (to show the right page), services always do."""

from __future__ import annotations

from typing import Any

from comptoir.core.errors import OPERATOR_REQUIRED
from comptoir.core.exceptions import PermissionDenied

__all__ = ["OPERATOR_REQUIRED", "is_operator", "require_operator"]


def is_operator(actor: Any) -> bool:
    """True for an active operator account; False for anyone else, an anonymous user or None (the system)."""
    return bool(getattr(actor, "is_operator", False)) and bool(getattr(actor, "is_active", True))


def require_operator(
    actor: Any, *, message: str = "Only an operator can do this.", code: str = OPERATOR_REQUIRED
) -> None:
    """Raise PermissionDenied (403, `code`: `operator_required` unless the caller names its own) unless `actor` is
    an active operator."""
    if not is_operator(actor):
        raise PermissionDenied(message, code=code)
