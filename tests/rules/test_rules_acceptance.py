"""The issue's "done when": the seed article and its near miss."""

from __future__ import annotations

from monitor.rules import compile_rules
from monitor.types import Document, RuleSpec

from rules_helpers import ALIASES, ENVOY_QUERY, SEED_TITLE, ruleset

FILLER = ("Officials in the region discussed trade, fishing quotas, rail links, weather "
          "forecasts and school exchanges at length during a long afternoon session. ")


def test_seed_article_matches_with_a_snippet_naming_the_envoy_and_north_korea(seed_doc):
    [match] = ruleset(ENVOY_QUERY).match(seed_doc)
    assert match.rule_id == "r0"
    assert "North Korea" in match.terms and "envoy" in match.terms
    text = match.snippet.text
    assert "envoy" in text and "North Korea" in text
    assert 120 <= len(text) <= 260
    marked = {text[a:b] for a, b in match.snippet.marks}
    assert {"envoy", "North Korea"} <= marked
    assert match.snippet.marked().count("**envoy**") >= 1


def test_china_and_a_distant_japanese_envoy_do_not_match_however_often_north_korea_appears():
    text = ("China held a party congress this week.\n\n"
            + FILLER * 25  # about 300 words
            + "\n\nJapan's envoy arrived in Tokyo. North Korea was mentioned. "
            + "North Korea, North Korea, Pyongyang and the DPRK were mentioned again.")
    doc = Document(title="Regional news roundup", text=text)
    assert ruleset(ENVOY_QUERY).match(doc) == []


def test_the_same_words_close_together_do_match():
    doc = Document(title="Regional news roundup",
                   text="China sent an envoy on Friday. " + FILLER * 5 + "North Korea welcomed it.")
    assert len(ruleset(ENVOY_QUERY).match(doc)) == 1


def test_design_example_rule_with_its_examples_compiles():
    spec = RuleSpec(id="china-envoy-nk", name="Chinese envoy to North Korea", query=ENVOY_QUERY,
                    examples_match=("China sends special envoy to Pyongyang",),
                    examples_no_match=("Japan's envoy met officials; North Korea was not discussed",),
                    source="config/monitor.yaml:31")
    rules = compile_rules([spec], ALIASES)
    assert rules.get("china-envoy-nk") == spec
    assert rules.match(Document(title=SEED_TITLE, text=""))[0].rule_name == spec.name
    assert rules.match(Document(title=spec.examples_no_match[0], text="")) == []
