from __future__ import annotations

from comptoir.accounts.models import ApiToken, User
from comptoir.core.crypto import token_hash
from comptoir.core.db import select_instances


def _token_user_sql(columns: str, quote) -> str:
    tokens, users = quote(ApiToken._meta.db_table), quote(User._meta.db_table)
    return (
        f"SELECT {columns} FROM {tokens} INNER JOIN {users} ON {users}.{quote('id')} = {tokens}.{quote('user_id')} "
        f"WHERE {tokens}.{quote('token_hash')} = %s AND {tokens}.{quote('revoked_at')} IS NULL"
    )


def user_for_api_token(secret: str) -> User | None:
    """The active user a buyer API token (not revoked) belongs to, or None. One indexed statement (the token hash is
    unique) built once per process: every API request of a buyer's app runs it."""
    users = select_instances(User, name="user_for_api_token", build_sql=_token_user_sql, params=[token_hash(secret)])
    if not users or not users[0].is_active:
        return None
    return users[0]
