"""docs/config.md documents every key the loader accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.config import channels, feeds, loader, rules, sections

DOC = (Path(__file__).resolve().parents[2] / "docs" / "config.md").read_text(encoding="utf-8")


def doc_section(name: str) -> str:
    m = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## |\Z)", DOC, re.M | re.S)
    assert m, f"docs/config.md has no '## {name}' section"
    return m.group(1)


@pytest.mark.parametrize("name, keys", [
    ("poll", sections.POLL_KEYS),
    ("fetch", sections.FETCH_KEYS),
    ("http", sections.HTTP_KEYS),
    ("defaults", sections.DEFAULTS_KEYS),
    ("health", sections.HEALTH_KEYS),
    ("alerts", sections.ALERTS_KEYS),
    ("stories", sections.STORIES_KEYS),
    ("replicas", sections.REPLICAS_KEYS),
    ("log", sections.LOG_KEYS),
    ("retention", sections.RETENTION_KEYS),
    ("feeds", feeds.FEED_KEYS),
    ("rules", rules.RULE_KEYS),
    ("channels", channels.COMMON_KEYS + tuple(k for t in channels.CHANNEL_TYPES.values() for k in t.keys)
     + tuple(channels.CHANNEL_TYPES)),
])
def test_every_key_is_documented_in_its_section(name: str, keys: tuple[str, ...]) -> None:
    text = doc_section(name)
    missing = [key for key in keys if f"`{key}`" not in text]
    assert not missing, f"docs/config.md '## {name}' does not document {missing}"


def test_every_top_level_key_has_a_section() -> None:
    for key in loader.TOP_KEYS:
        doc_section(key)
