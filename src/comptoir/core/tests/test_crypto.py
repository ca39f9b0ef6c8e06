"""Encryption at rest with rotating keys, and bearer secrets."""

import pytest
from cryptography.fernet import Fernet

from comptoir.core.crypto import decrypt_text, encrypt_text, new_secret_token, token_hash


def test_encrypted_text_round_trips_and_hides_the_plaintext():
    token = encrypt_text("FR1420041010050500013M02606")

    assert "FR14" not in token and "2004" not in token
    assert decrypt_text(token) == "FR1420041010050500013M02606"


def test_encrypting_twice_gives_different_tokens():
    assert encrypt_text("same") != encrypt_text("same")


def test_a_token_from_another_key_cannot_be_decrypted():
    foreign = Fernet(Fernet.generate_key()).encrypt(b"secret").decode()

    with pytest.raises(ValueError, match="cannot be decrypted"):
        decrypt_text(foreign)


def test_key_rotation_keeps_old_data_readable_and_encrypts_with_the_new_key(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.COMPTOIR_ENCRYPTION_KEYS = [old_key]
    old_token = encrypt_text("DE89370400440532013000")

    settings.COMPTOIR_ENCRYPTION_KEYS = [new_key, old_key]
    new_token = encrypt_text("DE89370400440532013000")

    assert decrypt_text(old_token) == "DE89370400440532013000"
    assert Fernet(new_key.encode()).decrypt(new_token.encode()) == b"DE89370400440532013000"
    settings.COMPTOIR_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(ValueError):
        decrypt_text(old_token)


def test_tampered_token_is_refused():
    token = encrypt_text("value")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]

    with pytest.raises(ValueError):
        decrypt_text(tampered)


def test_secret_tokens_carry_their_prefix_and_are_unique():
    first, second = new_secret_token("csk"), new_secret_token("csk")

    assert first.startswith("csk_") and len(first) > 40
    assert first != second


def test_token_hash_is_stable_and_hides_the_secret():
    secret = new_secret_token("cbt")

    assert token_hash(secret) == token_hash(secret)
    assert len(token_hash(secret)) == 64
    assert secret not in token_hash(secret)
    assert token_hash(secret) != token_hash(secret + "x")
