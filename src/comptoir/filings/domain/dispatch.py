"""Where a return stands with the tax authority: draft (computed, not filed) → filed (the operator entered the
authority's reference and the filing date) → corrected (the operator filed a correction of it). Pure.

A filed return keeps its figures as filed; changes found later go into a later return (domain/returns.late_changes).
"""

from __future__ import annotations

from enum import StrEnum

from comptoir.core.exceptions import InvalidTransition

INVALID_RETURN_TRANSITION = "invalid_return_transition"  # also in errors.py
RETURN_KINDS = ("oss", "ioss", "uk-vat", "ch-vat")


class ReturnState(StrEnum):
    DRAFT = "draft"
    FILED = "filed"
    CORRECTED = "corrected"


class ReturnAction(StrEnum):
    FILE = "file"
    CORRECT = "correct"


TRANSITIONS: dict[tuple[ReturnState, ReturnAction], ReturnState] = {
    (ReturnState.DRAFT, ReturnAction.FILE): ReturnState.FILED,
    (ReturnState.FILED, ReturnAction.CORRECT): ReturnState.CORRECTED,
    (ReturnState.CORRECTED, ReturnAction.CORRECT): ReturnState.CORRECTED,
}


def next_state(current: ReturnState, action: ReturnAction) -> ReturnState:
    """The state after `action`; raises InvalidTransition (409, `invalid_return_transition`) when the return cannot
    take it (filing a return already filed, correcting a draft)."""
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise InvalidTransition(
            f"A {current} return cannot be {'filed' if action is ReturnAction.FILE else 'corrected'}.",
            code=INVALID_RETURN_TRANSITION,
        ) from None
