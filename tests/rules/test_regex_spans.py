"""The fast regex loop (monitor.rules.regexspans) finds exactly what the re2
package's finditer finds (its non-empty matches), in every script, with
empty matches and anchors, and a regex rule matches the same after it."""

from __future__ import annotations

import random

import pytest
import re2

from monitor.rules.regexspans import regex_spans

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
        assert list(regex_spans(regex, text)) == expected, (pattern, text)


def test_without_the_package_internals_it_falls_back_to_finditer():
    class Wrapped:  # a regex object without re2's private _regexp
        def __init__(self, regex):  # type: ignore[no-untyped-def]
            self.finditer = regex.finditer

    regex = re2.compile("e+", options())
    text = "Née, ENVOYÉ: eee"
    assert list(regex_spans(Wrapped(regex), text)) == list(regex_spans(regex, text)) == [(2, 3), (5, 6), (13, 16)]
