"""What a process matches with, as a short hash: two processes with the same
fingerprint make the same matches and plan the same deliveries."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace

from monitor.config.model import Config


def config_fingerprint(config: Config) -> str:
    """Rules (without where they are written), aliases and channel names.

    >>> from pathlib import Path
    >>> from monitor.types import RuleSpec
    >>> a = Config(path=Path("a.yaml"), files=(), rules=(RuleSpec("r", "R", "envoy", source="a.yaml:3"),))
    >>> b = Config(path=Path("b.yaml"), files=(), rules=(RuleSpec("r", "R", "envoy", source="b.yaml:9"),))
    >>> config_fingerprint(a) == config_fingerprint(b), len(config_fingerprint(a))
    (True, 16)
    """
    rules = [asdict(replace(rule, source="")) for rule in sorted(config.rules, key=lambda r: r.id)]
    data = {"rules": rules, "aliases": {k: list(v) for k, v in sorted(config.aliases.items())},
            "channels": sorted(config.channels)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
