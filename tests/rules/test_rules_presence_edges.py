"""A word that normalises to nothing (a tatweel `ـ`, an isolated Arabic mark
such as `ﹰ`, or both) is refused with the fix, wherever it stands: alone,
excluded, in a phrase, an OR or an alias.  Text ignores such characters, so
the word could only ever match nothing; before, its literal "  " was also
found in any empty title or text by the presearch's scan, so excluding it
dropped every article with an empty title or text (a differential search
against verifying every clause found it), and the word alone crashed the
presearch."""

from __future__ import annotations

import pytest

from monitor.rules import QueryError, RuleSet, compile_rules
from monitor.types import Document, RuleSpec

TATWEEL, FATHATAN_ISOLATED = "\u0640", "\ufe70"
ALIASES = {"tat": [TATWEEL, "foo"]}

REFUSED = [
    TATWEEL, f"{TATWEEL}\u064e", FATHATAN_ISOLATED, f"x -{TATWEEL}", f"x NOT {TATWEEL}", f'x -"{TATWEEL}"',
    f"x -(y OR {TATWEEL})", "x -@tat", f"محمد -{TATWEEL}", f'x -"{TATWEEL} x"', f"x OR {TATWEEL}",
    f"x {TATWEEL}", f'"x {TATWEEL} y"', f"title:{TATWEEL}",
]


def problems(query: str) -> list[str]:
    try:
        compile_rules([RuleSpec(id="r", name="r", query=query)], ALIASES)
    except QueryError as exc:
        return [str(exc)]
    except Exception as exc:  # noqa: BLE001  (a crash is a failure of this test, with what it was)
        return [f"crashed: {exc!r}"]
    return []


@pytest.mark.parametrize("query", REFUSED)
def test_a_word_that_is_only_tatweel_or_marks_is_refused_with_the_fix(query: str) -> None:
    found = problems(query)
    assert found and "only tatweel or marks" in found[0] and "remove it" in found[0], found


def test_the_same_words_with_their_letters_still_match_and_explain() -> None:
    """Tatweel inside a word is ignored as before (docs/rules.md), and a plain
    rule decided by the presearch matches a title-only article."""
    rules = compile_rules([RuleSpec(id="r", name="r", query="محمد -foo")], {})
    doc = Document(title="مُحَـــمَّد", text="")
    found = rules.match(doc)
    assert [m.rule_id for m in found] == ["r"]
    assert found[0].evidence and found[0].evidence[0].field == "title"
    assert found == RuleSet(rules.rules, rules._compiled).match(doc)  # no literals: every clause verified
