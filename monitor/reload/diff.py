"""What a config edit changes, as data: pure, for the reload log line and
for deciding what must be rebuilt.

>>> from pathlib import Path
>>> from monitor.config.model import Config, FetchConfig
>>> from monitor.types import RuleSpec
>>> old = Config(path=Path("m.yaml"), files=(), rules=(RuleSpec("a", "A", "x"),))
>>> new = Config(path=Path("m.yaml"), files=(), rules=(RuleSpec("a", "A", "y"), RuleSpec("b", "B", "z")),
...              fetch=FetchConfig(max_redirects=2))
>>> config_diff(old, new).summary()
'rules +1 ~1, fetch changed'
>>> config_diff(old, old).summary()
'no changes'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from monitor.config.model import Config

SECTIONS = ("database", "poll", "fetch", "http", "websub", "defaults", "health", "alerts", "stories", "replicas", "log",
            "retention")


@dataclass(frozen=True)
class Change:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def text(self) -> str:
        parts = [f"{sign}{len(ids)}" for sign, ids in (("+", self.added), ("-", self.removed),
                                                        ("~", self.changed)) if ids]
        return " ".join(parts)


@dataclass(frozen=True)
class Diff:
    rules: Change
    feeds: Change
    channels: Change
    aliases: Change
    sections: tuple[str, ...]  # top-level sections whose values changed

    def __bool__(self) -> bool:
        return bool(self.rules or self.feeds or self.channels or self.aliases or self.sections)

    def summary(self) -> str:
        parts = [f"{name} {change.text()}" for name, change in (
            ("rules", self.rules), ("feeds", self.feeds), ("channels", self.channels), ("aliases", self.aliases))
            if change]
        parts += [f"{name} changed" for name in self.sections]
        return ", ".join(parts) or "no changes"


def config_diff(old: Config, new: Config) -> Diff:
    return Diff(
        rules=_change({r.id: replace(r, source="") for r in old.rules},
                      {r.id: replace(r, source="") for r in new.rules}),
        feeds=_change({f.url: f for f in old.feeds}, {f.url: f for f in new.feeds}),
        channels=_change({k: replace(v, source="") for k, v in old.channels.items()},
                         {k: replace(v, source="") for k, v in new.channels.items()}),
        aliases=_change(old.aliases, new.aliases),
        sections=tuple(name for name in SECTIONS if getattr(old, name) != getattr(new, name)),
    )


def _change(old: Mapping[str, Any], new: Mapping[str, Any]) -> Change:
    return Change(added=tuple(k for k in new if k not in old), removed=tuple(k for k in old if k not in new),
                  changed=tuple(k for k in new if k in old and old[k] != new[k]))
