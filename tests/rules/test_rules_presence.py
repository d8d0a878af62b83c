"""Rules of plain words and phrases with AND/OR/NOT are decided by the
presearch's literals (monitor.rules.presence): the same matches, explained
the same, as when every clause is verified, and no verification work."""

from __future__ import annotations

import random

from monitor.rules import RuleSet
from monitor.types import Document
from rules_helpers import SEED, SEED_TITLE, ruleset

WORDS = ["china", "envoy", "korea", "japan", '"north korea"', '"special envoy"', "kim", "said",
         "missile", "football", '"xi jinping"', "@china", "@north_korea"]


def _query(rng: random.Random, depth: int = 0) -> str:
    if depth > 2 or rng.random() < 0.4:
        return rng.choice(WORDS)
    parts = [_query(rng, depth + 1) for _ in range(rng.randint(2, 3))]
    op = rng.choice([" AND ", " OR ", " AND NOT "])
    if op == " AND NOT ":
        return f"({parts[0]} AND NOT {parts[1]})"
    return "(" + op.join(parts) + ")"


DOCS = [Document(title=SEED_TITLE, text=SEED.read_text(encoding="utf-8")),
        Document(title="Japan and Korea", text="The special envoy said nothing. Football."),
        Document(title="", text="north korea's envoy; North\nKorea envoy, Kim said"),
        Document(title="Xi Jinping", text="")]


def test_decided_by_the_literals_as_by_verifying_every_clause():
    rng = random.Random(12)
    built = ruleset(*(_query(rng) for _ in range(400)))
    verified = RuleSet(built.rules, built._compiled)  # no literals: every rule verified
    assert sum(f is not None for f in built._forms) > 200  # the others: a NOT over an AND
    matched = 0
    for doc in DOCS:
        fast, slow = built.match(doc), verified.match(doc)
        assert [m.rule_id for m in fast] == [m.rule_id for m in slow]
        assert fast == slow  # terms, evidence and snippets too
        matched += len(fast)
    assert matched > 200


def test_a_rule_the_literals_decide_costs_no_verification():
    doc = DOCS[0]
    decided = ruleset('"special envoy" AND (china OR japan) AND NOT football')
    assert decided.match(doc)
    absent = ruleset("zebra AND giraffe")  # the same tokenising and scan, no candidate
    assert decided.operations(doc) == absent.operations(doc)
    verified = ruleset('"special envoy" NEAR/50 (china OR japan)')
    assert verified.operations(doc) > decided.operations(doc)
