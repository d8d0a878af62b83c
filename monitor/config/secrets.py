"""Which configured values are secrets (hidden in logs, reprs and messages).

One policy, used by the channel and feed readers and by `monitor.logs`:

- channel options named password, secret, token, webhook_url, url, urls
  (a webhook or Slack URL is a credential: whoever has it can post);
- header values whose name says credential (Authorization, Cookie,
  X-Api-Key, anything with token, secret, key, auth, password, session,
  signature or credential in it);
- anything read from a `*_file` key;
- the database URL's password.

Ordinary configured text (a header `X-Team: desk`, a channel name, an email
address) is not a secret: hiding it would mangle every log line it appears in.

>>> is_secret_header("Authorization"), is_secret_header("X-Api-Key"), is_secret_header("X-Team")
(True, True, False)
>>> is_secret_option("password"), is_secret_option("username")
(True, False)
"""

from __future__ import annotations

SECRET_OPTIONS = frozenset({"password", "secret", "token", "webhook_url", "url", "urls"})
_HEADER_WORDS = ("auth", "token", "secret", "key", "password", "passwd", "cookie", "session",
                 "signature", "credential")


def is_secret_option(key: str) -> bool:
    """A channel option whose value is a credential."""
    return key in SECRET_OPTIONS


def is_secret_header(name: str) -> bool:
    """An HTTP header whose value is a credential (Authorization-like)."""
    lowered = name.lower()
    return any(word in lowered for word in _HEADER_WORDS)
