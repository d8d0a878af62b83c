"""What a poll may do about the hub it found, from the config snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Policy:
    """What a poll may do about a hub it found: `callback` is http.public_url
    (None: refuse to subscribe, and say so); `lease` the lease we ask for."""

    callback: str | None
    lease: timedelta
