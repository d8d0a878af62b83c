"""X-Hub-Signature (WebSub §8): `method=hex(HMAC(secret, body))`, with method
sha1, sha256, sha384 or sha512; compared in constant time.

>>> sig = sign(b"secret", b"body", "sha256")
>>> check_signature(sig, b"secret", b"body")
'ok'
>>> check_signature(sig, b"secret", b"other")
'mismatch'
>>> check_signature(None, b"secret", b"body"), check_signature("md5=00", b"secret", b"body")
('missing', 'unsupported')
"""

from __future__ import annotations

import hashlib
import hmac

METHODS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


def sign(secret: bytes, body: bytes, method: str = "sha256") -> str:
    return f"{method}={hmac.new(secret, body, METHODS[method]).hexdigest()}"


def check_signature(header: str | None, secret: bytes, body: bytes) -> str:
    """'ok', or why not: 'missing', 'malformed', 'unsupported', 'mismatch'."""
    if not header:
        return "missing"
    method, sep, given = header.strip().partition("=")
    if not sep or not given:
        return "malformed"
    digest = METHODS.get(method.strip().lower())
    if digest is None:
        return "unsupported"
    expected = hmac.new(secret, body, digest).hexdigest()
    return "ok" if hmac.compare_digest(expected, given.strip().lower()) else "mismatch"
