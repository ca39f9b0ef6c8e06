"""Encryption of sensitive values at rest (Fernet: AES-128-CBC + HMAC-SHA256), keys from the environment.

Several keys allow rotation: the first encrypts, every key decrypts (MultiFernet)."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from comptoir.core.conf import core_settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt_text(value: str) -> str:
    return _fernet(core_settings().encryption_keys).encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet(core_settings().encryption_keys).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValueError("encrypted value cannot be decrypted with the configured keys") from error


def new_secret_token(prefix: str) -> str:
    """A high-entropy bearer secret such as 'csk_…'. Shown once; only its hash is stored."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    # Tokens carry 256 bits of entropy, so a fast hash is safe here (no dictionary to attack)
    # and keeps authentication cheap on every API request.
    return hashlib.sha256(token.encode()).hexdigest()
