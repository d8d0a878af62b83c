"""The fast paths that make matching scale (issue 3) give the same answers
as looking at every rule on its own: shared nodes cached per document, the
presearch's "words not seen" shortcut, SENTENCE() looking only where its
terms are, the linear snippet window and the cached whitespace runs."""

from __future__ import annotations

import random
import re

from monitor.rules import RuleSet, compile_rules
from monitor.rules import explain, tokens
from monitor.types import Document, Evidence, RuleSpec
from rules_helpers import ALIASES, ENVOY_QUERY, find, ruleset

SHARING = [ENVOY_QUERY, "SENTENCE(@china AND envoy)", "@china AND envoy", "@china AND NOT envoy",
           "SENTENCE(@china NEAR/3 envoy)", "@china NEAR/3 envoy", "PARAGRAPH(@china envoy)",
           "SENTENCE(@china AND NOT japan)", "(envoy OR diplomat) AND @north_korea",
           "title:@china AND envoy", "=US AND envoy", "url:example AND @china", "nucle*"]
DOCS = [
    Document(title="China’s envoy",
             text="China spoke. The envoy left.\n\nJapan and China. "
                  "China alone. A diplomat went to Pyongyang with the US envoy.",
             url="https://example.com/a"),
    Document(title="News", text="He met China.  An envoy came.\nTell us about nuclear talks."),
    Document(title="Envoy named",
             text="Beijing’s special envoy flew to Pyongyang. Japan noted it."),
]


def _alone(query: str, doc: Document) -> list[object]:
    return [(m.terms, m.evidence, m.snippet) for m in ruleset(query).match(doc)]


def test_each_rule_matches_the_same_alone_and_among_rules_sharing_its_terms():
    together = compile_rules([RuleSpec(id=f"r{i}", name="r", query=q)
                              for i, q in enumerate(SHARING)], ALIASES)
    for doc in DOCS:
        got = {m.rule_id: (m.terms, m.evidence, m.snippet) for m in together.match(doc)}
        for i, query in enumerate(SHARING):
            alone = _alone(query, doc)
            assert got.get(f"r{i}") == (alone[0] if alone else None), (query, doc.title)


def test_a_sentence_scope_sharing_a_subquery_with_a_plain_rule_is_still_per_sentence():
    rules = ruleset("china AND envoy", "SENTENCE(china AND envoy)")
    doc = Document(title="", text="China spoke. The envoy left.")
    assert [m.rule_id for m in rules.match(doc)] == ["r0"]


def test_sentence_scope_with_a_near_across_a_sentence_break_does_not_match():
    assert find("china NEAR/3 envoy", "", "He met China. An envoy came.")
    assert not find("SENTENCE(china NEAR/3 envoy)", "", "He met China. An envoy came.")
    assert find("SENTENCE(china NEAR/3 envoy)", "", "He met China. China's envoy came.")


def test_sentence_scope_with_not_is_checked_in_every_sentence():
    assert find("SENTENCE(china AND NOT japan)", "", "China and Japan. China alone.")
    assert not find("SENTENCE(china AND NOT japan)", "", "China and Japan. Japan alone.")


def test_candidates_are_rules_with_every_required_word_present():
    rules: RuleSet = ruleset("envoy AND japan", "envoy NEAR/1 china", "/hwasong-?\\d+/",
                             "envoy AND NOT china")
    doc = Document(title="China", text="An envoy arrived.")
    assert rules.candidates(doc) == ("r1", "r2", "r3")  # r2: a regex is verified on every article
    assert [m.rule_id for m in rules.match(doc)] == []  # not 1 word apart; NOT china


def test_exact_and_metadata_terms_are_still_checked_when_the_words_are_present():
    assert not find("=US AND envoy", "", "tell us about the envoy")
    assert find("=US AND envoy", "", "the US envoy")
    assert find('envoy source:"Yonhap"', "", "envoy", source="Yonhap North Korea")
    assert find("envoy url:example", "", "envoy", url="https://example.com/x")


def _quadratic_window(evs: list[Evidence]) -> tuple[int, int, list[Evidence]]:
    """The snippet window as documented, computed the slow obvious way."""
    best: tuple[int, int] = (-1, -1)
    pick = (0, 0, evs[:1])
    for i, first in enumerate(evs):
        inside = [e for e in evs[i:] if e.end - first.start <= explain.SNIPPET_CHARS] or [first]
        score = (len({e.term for e in inside}), len({e.found.casefold() for e in inside}))
        if score > best:
            best, pick = score, (first.start, max(e.end for e in inside), inside)
    return pick


def test_the_linear_snippet_window_picks_what_the_quadratic_definition_picks():
    rng = random.Random(5)
    for _ in range(2000):
        starts = sorted(rng.randrange(0, 900) for _ in range(rng.randint(1, 25)))
        long_hits = rng.random() < 0.3  # regex hits can span other evidence
        evs = sorted((Evidence(term=rng.choice("abcd"), found=rng.choice(["x", "X", "y", "z"]),
                               field="text", start=s, word=0,
                               end=s + rng.choice([3, 8, 300] if long_hits else [3, 8, 20]))
                      for s in starts), key=lambda e: (e.start, e.end))
        start, end, inside, _score = explain._best_window([explain.piece(e) for e in evs])
        assert (start, end, [p[-1] for p in inside]) == _quadratic_window(evs)


def test_snippets_collapse_every_whitespace_run_and_marks_stay_on_the_words():
    rng = random.Random(9)
    words = ["China", "envoy", "Pyongyang", "said", "the", "talks", "diplomat", "on", "Friday"]
    gaps = [" ", " ", " ", "  ", "\n", "\n\n", " \n ", "\t", ". ", ".\n\n"]
    rules = ruleset(ENVOY_QUERY, "china OR envoy", "SENTENCE(diplomat talks)")
    for _ in range(200):
        text = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(5, 120)))
        for m in rules.match(Document(title="", text=text)):
            snip = m.snippet
            assert re.sub(r"\s+", " ", snip.text) == snip.text
            found = {" ".join(e.found.split()) for e in m.evidence}
            assert all(snip.text[a:b] in found for a, b in snip.marks)


def test_token_offsets_point_at_text_that_normalises_to_the_token():
    rng = random.Random(1)
    pieces = ["a", "s", "S", "Mr", "U", "1", "'", "`", "’", "’s", "'s", " ", " ", "  ", ".", "!",
              "?", ",", "\n", "\n\n", " \n \n", "\t", "-", "_", '"', ")", "...", "no", "é",
              "e\u0301", "ſ", "ｓ", "İ", "ß", "—", "“", "\u00a0", "ʼ", "…", "Élysée", "China",
              "\u00ad", "\u200d", "ﬁ", "①", "ｶﾞ", "北朝鮮", "북한이", "Łódź", "ـ", "مُ"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        toks = tokens.tokenize(text)
        assert list(toks.starts) == sorted(toks.starts), text
        for norm, start, end in zip(toks.norms, toks.starts, toks.ends):
            assert norm in "".join(tokens.tokenize(text[start:end]).norms), (text, norm)


def test_a_ruleset_built_without_the_literal_list_still_looks_for_every_word():
    built = ruleset("envoy AND NOT japan", "envoy NEAR/2 (china OR korea)")
    bare = RuleSet(built.rules, built._compiled)  # no literals: no skipping
    for doc in DOCS:
        assert bare.match(doc) == built.match(doc)


def test_a_sentence_scope_over_an_and_holds_where_one_sentence_holds_every_clause():
    rng = random.Random(8)
    rules = ruleset("SENTENCE(china (envoy OR delegation) AND NOT japan)", "PARAGRAPH(korea china)")
    for _ in range(200):
        paragraphs = [[" ".join(rng.choice(["china", "envoy", "delegation", "japan", "korea", "talks"])
                                for _ in range(rng.randint(1, 4))).capitalize() + "."
                       for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(1, 3))]
        text = "\n\n".join(" ".join(p) for p in paragraphs)
        sentences = [set(re.findall(r"\w+", s.lower())) for p in paragraphs for s in p]
        want = {"r0": any("china" in s and s & {"envoy", "delegation"} and "japan" not in s
                          for s in sentences),
                "r1": any({"korea", "china"} <= set(re.findall(r"\w+", " ".join(p).lower()))
                          for p in paragraphs)}
        got = {m.rule_id for m in rules.match(Document(title="", text=text))}
        assert got == {r for r, hit in want.items() if hit}, text
