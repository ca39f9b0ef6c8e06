"""Signing, verification, the retry schedule and the address rule: pure, no database."""

import hashlib
import hmac
import time

import pytest

from comptoir.core.outbound import is_public_address
from comptoir.webhooks.domain.signing import retry_delay_seconds, signature_header, signature_verify
from comptoir.webhooks.tests.receiver import verify

SECRET = "whsec_test"
BODY = b'{"id":"evt_1","type":"order.created"}'


def test_the_signature_is_the_hmac_of_timestamp_dot_body():
    header = signature_header(secrets=[SECRET], timestamp=1_700_000_000, body=BODY)

    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_verification_accepts_the_right_secret_within_the_tolerance_only():
    header = signature_header(secrets=[SECRET], timestamp=1_000, body=BODY)

    assert signature_verify(secret=SECRET, header=header, body=BODY, now=1_000 + 300)
    assert not signature_verify(secret=SECRET, header=header, body=BODY, now=1_000 + 301)  # too old: a replay
    assert not signature_verify(secret=SECRET, header=header, body=BODY, now=1_000 - 301)
    assert not signature_verify(secret="whsec_other", header=header, body=BODY, now=1_000)
    assert not signature_verify(secret=SECRET, header=header, body=BODY + b" ", now=1_000)  # body changed
    assert not signature_verify(secret=SECRET, header="v1=abc", body=BODY, now=1_000)  # no timestamp


def test_any_of_several_signatures_may_match_while_a_secret_is_rotated():
    header = signature_header(secrets=["whsec_new", SECRET], timestamp=1_000, body=BODY)

    assert signature_verify(secret=SECRET, header=header, body=BODY, now=1_000)
    assert signature_verify(secret="whsec_new", header=header, body=BODY, now=1_000)


def test_the_documented_receiver_snippet_agrees():
    now = int(time.time())

    assert verify(SECRET, signature_header(secrets=[SECRET], timestamp=now, body=BODY), BODY)
    assert not verify(SECRET, signature_header(secrets=[SECRET], timestamp=now - 600, body=BODY), BODY)
    assert not verify("whsec_other", signature_header(secrets=[SECRET], timestamp=now, body=BODY), BODY)


def test_retries_back_off_exponentially_up_to_a_cap():
    delays = [retry_delay_seconds(attempt=attempt, base_seconds=30, max_seconds=3600) for attempt in range(1, 9)]

    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600]


@pytest.mark.parametrize(
    "address, is_public",
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("not an address", False),
    ],
)
def test_only_globally_routable_unicast_addresses_are_public(address, is_public):
    assert is_public_address(address) is is_public
