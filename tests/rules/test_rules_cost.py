"""Issue 12, class 4: matching costs work linear in the article (counted in
operations, not timed), a deadline interrupts it, and nothing crashes."""

from __future__ import annotations

import time

import pytest

from monitor.errors import MatchTimeout
from monitor.types import Document
from rules_helpers import SEED, ruleset

HOSTILE = "china envoy japan pyongyang "
PROSE = SEED.read_text(encoding="utf-8") + "\n\n"
QUERIES = ["china NEAR/1000 envoy", "china NEAR/5 envoy NEAR/3 pyongyang",
           "china ONEAR/50 envoy ONEAR/50 japan", "SENTENCE(china AND NOT japan)",
           "PARAGRAPH(SENTENCE(china envoy) AND NOT korea)", "/e/ NEAR/3 envoy",
           "ATLEAST/5(china) LEAD(envoy)", "the NEAR/10 said"]


def _ops(query: str, unit: str, size: int) -> int:
    doc = Document(title="t", text=unit * (size // len(unit) + 1))
    return ruleset(query).operations(doc)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("unit", [HOSTILE, PROSE], ids=["hostile", "prose"])
def test_work_grows_linearly_with_the_article(query, unit):
    small, large = _ops(query, unit, 20_000), _ops(query, unit, 200_000)
    assert large <= 12 * small, (small, large)  # 10x the text, ~10x the work, never 100x


def test_an_article_is_a_few_operations_per_word():
    words = 200_000 // len(HOSTILE) * 4
    for query in QUERIES:
        assert _ops(query, HOSTILE, 200_000) < 40 * words, query


def test_a_passed_deadline_stops_matching():
    rules = ruleset("china NEAR/5 envoy NEAR/3 pyongyang")
    doc = Document(title="t", text=HOSTILE * 8_000)
    with pytest.raises(MatchTimeout):
        rules.match(doc, deadline=time.monotonic() - 1)
    assert rules.match(Document(title="China envoy Pyongyang", text=""),
                       deadline=time.monotonic() + 60)


def test_regex_hits_are_never_capped():
    text = "x " * 300 + "target"
    assert ruleset("/x/ NEAR/2 target").match(Document(title="", text=text))
