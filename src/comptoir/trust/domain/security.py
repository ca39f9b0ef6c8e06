"""Data-security posture of a seller. Pure.

Measured facts: members with a confirmed TOTP device (2FA), active API keys older than the rotation age,
and suspected shared logins. A shared login is suspected when a member account of this seller is also a
member of another seller that is not identity-linked to it: one login serving unrelated businesses is how
credentials end up shared between people who should each have their own account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from comptoir.trust.domain.evidence import SecurityPosture


@dataclass(frozen=True)
class MemberFacts:
    user_id: int
    has_confirmed_totp: bool
    other_seller_ids: frozenset[int]  # sellers this user is also a member of


def security_posture(
    *,
    members: list[MemberFacts],
    api_key_created: list[dt.datetime],
    now: dt.datetime,
    linked_seller_ids: frozenset[int],
    api_key_max_age_days: int = 90,
) -> SecurityPosture:
    limit = now - dt.timedelta(days=api_key_max_age_days)
    shared = any(member.other_seller_ids - linked_seller_ids for member in members)
    return SecurityPosture(
        members_total=len(members),
        members_with_2fa=sum(1 for member in members if member.has_confirmed_totp),
        api_keys_total=len(api_key_created),
        api_keys_older_than_90_days=sum(1 for created in api_key_created if created < limit),
        shared_login_suspected=shared,
    )


def security_advice(posture: SecurityPosture) -> list[str]:
    advice = []
    if posture.members_with_2fa < posture.members_total:
        advice.append(
            f"{posture.members_total - posture.members_with_2fa} member(s) have no two-factor authentication: "
            "ask them to confirm a TOTP device."
        )
    if posture.api_keys_older_than_90_days:
        advice.append(
            f"{posture.api_keys_older_than_90_days} API key(s) are older than 90 days: "
            "create new keys and revoke the old ones."
        )
    if posture.shared_login_suspected:
        advice.append("A member account is also used by another, unrelated seller: give each person their own account.")
    return advice
