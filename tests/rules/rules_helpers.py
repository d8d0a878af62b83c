"""Helpers shared by the rule tests (imported as a plain module)."""

from __future__ import annotations

from pathlib import Path

from monitor.rules import RuleSet, compile_rules
from monitor.types import Document, Match, RuleSpec

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_80eb8aaf9f9dd6d1.txt"
SEED_TITLE = "China’s Xi dispatches special envoy to North Korea"
ALIASES = {
    "china": ["China", "Chinese", "Beijing", "PRC", "Xi Jinping"],
    "north_korea": ["North Korea", "DPRK", "Pyongyang", "Kim Jong-un", "Kim Jong Un"],
}
ENVOY_QUERY = "@china NEAR/20 (envoy OR diplomat OR delegation) AND @north_korea"


def ruleset(*queries: str, aliases: dict[str, list[str]] | None = None) -> RuleSet:
    specs = [RuleSpec(id=f"r{i}", name=f"rule {i}", query=q) for i, q in enumerate(queries)]
    return compile_rules(specs, ALIASES if aliases is None else aliases)


def find(query: str, title: str = "", text: str = "", **doc: object) -> Match | None:
    """The match of one query on one document, or None."""
    found = ruleset(query).match(Document(title=title, text=text, **doc))  # type: ignore[arg-type]
    return found[0] if found else None
