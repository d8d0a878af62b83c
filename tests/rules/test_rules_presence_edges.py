"""Edge cases of the rules the presearch's literals decide (monitor.rules.
presence), found by a differential search against verifying every clause: a
word that normalises to nothing (a tatweel `ـ`, or an isolated Arabic mark
such as `ﹰ`) has the literal "  ", which the scan also finds in an empty
title or text.  Such words are verified, so excluding one no longer drops
every article with an empty title or text."""

from __future__ import annotations

import pytest

from monitor.rules import RuleSet, compile_rules
from monitor.types import Document, RuleSpec
from rules_helpers import find, ruleset

TATWEEL, FATHATAN_ISOLATED = "\u0640", "\ufe70"

# (query, title, text, matches): by docs/rules.md, NOT only excludes what is
# there, and a word of tatweel or marks alone is in none of these articles.
CASES = [
    (f"x -{TATWEEL}", "x", "", True),
    (f"x -{TATWEEL}", "", "x", True),
    (f"x NOT {TATWEEL}", "x", "y", True),
    (f"x -{FATHATAN_ISOLATED}", "X", "", True),
    (f'x -"{TATWEEL}"', "", "x", True),
    (f"x -(y OR {TATWEEL})", "x", "", True),
    (f"x -(y OR {TATWEEL})", "x", "y", False),
    ("x -@tat", "x", "", True),
    (f"محمد -{TATWEEL}", "مُحَمَّد", "", True),
    (f'x -"{TATWEEL} x"', "x", "", True),
    (f"x -{TATWEEL}", "", "", False),
    (TATWEEL, "x", "", False),  # compiled (it raised IndexError in the presearch) and not found
    (TATWEEL, "", "", False),
    (f"x OR {TATWEEL}", "", "x", True),
    (f"x {TATWEEL}", "x", "", False),
]


@pytest.mark.parametrize(("query", "title", "text", "matches"), CASES)
def test_a_word_that_normalises_to_nothing(query: str, title: str, text: str, matches: bool) -> None:
    built = ruleset(query, aliases={"tat": [TATWEEL, "foo"]})
    doc = Document(title=title, text=text)
    assert bool(built.match(doc)) is matches
    verified = RuleSet(built.rules, built._compiled)  # no literals: every clause verified
    assert built.match(doc) == verified.match(doc)


def test_such_a_rule_keeps_its_title_only_examples() -> None:
    """Examples are matched as a title with an empty text."""
    spec = RuleSpec(id="r", name="r", query=f"envoy -{TATWEEL}", examples_match=("Envoy named",))
    assert compile_rules([spec], {}).match(Document(title="Envoy named", text=""))


def test_the_match_is_explained() -> None:
    found = find(f"envoy -{TATWEEL}", title="Special envoy named")
    assert found is not None
    assert found.terms == ("envoy",)
    assert [(e.field, e.start, e.end) for e in found.evidence] == [("title", 8, 13)]
