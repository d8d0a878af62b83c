"""The fast regex loop (monitor.rules.regexspans) finds exactly what the re2
package's finditer finds (its non-empty matches), in every script, with
empty matches and anchors, and a regex rule matches the same after it."""

from __future__ import annotations

import random

import pytest
import re2

from monitor.errors import RuleError
from monitor.rules.regexspans import regex_spans
from monitor.types import Document
from rules_helpers import ruleset

TEXTS = ["", "envoy", "China's envoy met Kim Jong-un in Pyongyang.", "Née, ENVOYÉ: eee — “quoted” ’",
         "中国特使抵达平壤。北朝鮮の特使", "북한이 미사일을 발사했다", "emoji 🙂🙂 e🙂e", "مُحَمَّد envoy",
         "a\u0301e\u0301 combining", "line one\nline two\n\nparagraph"]
PATTERNS = ["e", "e+", "x*", r"\b", r"\w+", "^", "$", "^line", "two$", "envoy|特使", "[🙂]+", ".", r"\p{Han}+",
            "(?s).{3}", "é", "(e)(n)?"]


def options():  # type: ignore[no-untyped-def]
    o = re2.Options()
    o.case_sensitive = False
    o.log_errors = False
    return o


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_same_spans_as_finditer(pattern):
    regex = re2.compile(pattern, options())
    rng = random.Random(pattern)
    texts = TEXTS + ["".join(rng.choice(TEXTS) for _ in range(5)) for _ in range(20)]
    for text in texts:
        expected = [m.span() for m in regex.finditer(text) if m.end() > m.start()]
        starts, ends = regex_spans(regex, text)
        assert list(zip(starts, ends)) == expected, (pattern, text)


def test_without_the_package_internals_it_falls_back_to_finditer():
    class Wrapped:  # a regex object without re2's private _regexp
        def __init__(self, regex):  # type: ignore[no-untyped-def]
            self.finditer = regex.finditer

    regex = re2.compile("e+", options())
    text = "Née, ENVOYÉ: eee"
    assert regex_spans(Wrapped(regex), text) == regex_spans(regex, text) == ([2, 5, 13], [3, 6, 16])


def test_empty_matches_count_against_the_deadline():
    """A regex that matches the empty string everywhere still costs an
    operation a position, so the matching deadline stops it."""
    small, large = (ruleset("/x*/ AND envoy").operations(Document(title="t", text="envoy " + "a" * n))
                    for n in (10_000, 100_000))
    assert large > 90_000 and large > 5 * small


def test_a_one_byte_regex_is_refused_with_the_fix():
    with pytest.raises(RuleError) as refused:
        ruleset(r"/caf\C/ AND envoy")
    assert r"\C matches one byte" in str(refused.value) and "use ." in str(refused.value)
    assert ruleset(r"/caf\\C/").match(Document(title="café", text="x")) == []  # an escaped backslash is fine
