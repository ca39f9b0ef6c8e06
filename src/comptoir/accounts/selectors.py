from __future__ import annotations

from comptoir.accounts.models import ApiToken, User
from comptoir.core.crypto import token_hash


def user_for_api_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=token_hash(secret), revoked_at__isnull=True).first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user
