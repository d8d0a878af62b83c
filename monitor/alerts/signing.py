"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

Each request carries three headers:

    webhook-id:        the delivery key (stable across retries: a receiver drops repeats)
    webhook-timestamp: seconds since the epoch when this attempt was signed
    webhook-signature: "v1," + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}"))

The key: a secret of the form ``whsec_<base64>`` is base64-decoded (the
Standard Webhooks convention); any other secret is used as its UTF-8 bytes.

>>> sign("s3cret", "msg_1", 1700000000, b'{"a":1}')
'v1,JTnXZsicQmbYBUKbG0PXd2OqV6VmCFiMTEvW8yxopSo='
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from monitor.errors import ChannelError

SECRET_PREFIX = "whsec_"


def secret_key(secret: str) -> bytes:
    """The HMAC key for a channel secret (see the module docstring)."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ChannelError(
                "webhook secret starts with 'whsec_' but the rest is not base64; "
                "use 'whsec_' + base64 bytes, or a secret without that prefix") from exc
    return secret.encode("utf-8")


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_headers(secret: str | None, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers (no signature when there is no secret)."""
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
    if secret:
        headers["webhook-signature"] = sign(secret, msg_id, timestamp, body)
    return headers


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when any `v1,` signature in the header matches (header may list several)."""
    expected = sign(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    return any(hmac.compare_digest(expected, candidate)
               for candidate in headers.get("webhook-signature", "").split())
