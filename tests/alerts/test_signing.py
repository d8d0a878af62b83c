"""Standard Webhooks signatures, checked by an independent implementation."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from monitor.alerts import sign, verify, webhook_headers
from monitor.errors import ChannelError


def independent(key: bytes, msg_id: str, ts: str, body: bytes) -> str:
    mac = hmac.new(key, msg_id.encode() + b"." + ts.encode() + b"." + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def test_plain_secret_is_used_as_utf8_bytes() -> None:
    body = '{"title":"Pyongyang — envoy"}'.encode()
    headers = webhook_headers("s3cret-ü", "alert-7", 1767225600, body)
    assert headers["webhook-id"] == "alert-7"
    assert headers["webhook-timestamp"] == "1767225600"
    assert headers["webhook-signature"] == independent("s3cret-ü".encode(), "alert-7", "1767225600", body)


def test_whsec_secret_is_base64_decoded() -> None:
    raw = b"\x00\x01binary key\xff"
    secret = "whsec_" + base64.b64encode(raw).decode()
    assert sign(secret, "m", 1, b"{}") == independent(raw, "m", "1", b"{}")
    assert sign(secret, "m", 1, b"{}") != independent(secret.encode(), "m", "1", b"{}")


def test_verify_accepts_any_listed_signature_and_rejects_tampering() -> None:
    body = b'{"a":1}'
    headers = webhook_headers("k", "id1", 100, body)
    headers["webhook-signature"] = "v1,bogus " + headers["webhook-signature"]
    assert verify("k", headers, body)
    assert not verify("k", headers, b'{"a":2}')
    assert not verify("other", headers, body)


def test_no_secret_means_no_signature_header() -> None:
    assert "webhook-signature" not in webhook_headers(None, "id", 1, b"")


def test_malformed_whsec_secret_names_the_fix() -> None:
    with pytest.raises(ChannelError, match="not base64"):
        sign("whsec_***not base64***", "id", 1, b"")
