"""NEAR skips the occurrences out of reach of every partner (monitor.rules.
proximity._reachable) and finds exactly the spans it finds without skipping."""

from __future__ import annotations

import random

import pytest

from monitor.rules import proximity
from monitor.rules.docindex import Meter, Occ


def _occs(rng: random.Random, count: int, leaf: int, size: int) -> list[Occ]:
    out: list[Occ] = []
    for _ in range(count):
        lo = rng.randrange(size)
        hi = lo + rng.choice((0, 0, 0, 1, 4))
        out.append(("text", lo, hi, ((leaf, "text", lo, hi, lo * 5, hi * 5 + 4),)))
    return out


@pytest.mark.parametrize("ordered", [False, True])
@pytest.mark.parametrize("full", [False, True])
def test_skipping_the_unreachable_changes_no_span(monkeypatch, ordered, full):
    rng = random.Random(f"{ordered}{full}")
    for _ in range(30):
        many, few = _occs(rng, rng.randrange(64, 400), 1, 3000), _occs(rng, rng.randrange(1, 12), 2, 3000)
        n = rng.choice((1, 3, 10))
        for lefts, rights in ((many, few), (few, many)):
            quick = proximity.near(lefts, rights, n, ordered, Meter(), full)
            with monkeypatch.context() as m:
                m.setattr(proximity, "REACH_MIN", 10**9)
                slow = proximity.near(lefts, rights, n, ordered, Meter(), full)
            assert quick == slow


def test_a_near_walks_only_what_is_in_reach():
    """`/e/ NEAR/3 envoy`-like: thousands of lefts, two rights: the walks
    visit the few lefts near a right, not all of them."""
    lefts = [("text", i, i, ((1, "text", i, i, 0, 1),)) for i in range(0, 20_000, 2)]
    rights = [("text", i, i, ((2, "text", i, i, 0, 1),)) for i in (101, 15_001)]
    meter = Meter()
    found = proximity.near(lefts, rights, 3, False, meter, full=False)
    assert len(found) == 8
    assert meter.ops < len(lefts) + 200  # one look at each (sorting), then only the reachable
