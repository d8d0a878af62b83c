"""Why not: which clauses held, which failed, and for a NEAR the closest
distance found; through RuleSet.why_not, `match --why` and `check`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from monitor.cli import build_app
from monitor.types import Document
from rules_helpers import ruleset

ECB = {"ecb": ["ECB", "European Central Bank"]}
FAR = ("The ECB said on Thursday that it would keep its policy steady for now, and officials "
       "in Frankfurt, Paris, Rome and Madrid took note of it; analysts in London and New York "
       "had expected a change of tone on interest rates.")


def test_near_reports_the_closest_distance_found():
    why = ruleset('@ecb NEAR/20 "interest rates"', aliases=ECB).why_not(
        Document(title="", text=FAR), "r0")
    assert not why.matched
    assert why.root.detail == '@ecb and "interest rates" found, 38 words apart; NEAR/20 needs ≤ 20'
    assert [(c.clause, c.held, c.found) for c in why.root.children] == [
        ("@ecb", True, ("ECB",)), ('"interest rates"', True, ("interest rates",))]
    json.dumps(why.to_dict())
    assert "38 words apart" in why.text()


def test_each_clause_says_what_held_and_what_failed():
    rules = ruleset("(china OR beijing) AND envoy AND NOT japan", "SENTENCE(china envoy)",
                    "ATLEAST/3(china)", "title:envoy", "china ONEAR/3 envoy")
    doc = Document(title="News", text="The envoy met Japan's minister. China spoke. China again.")
    root = rules.why_not(doc, "r0").root
    assert not root.held and root.detail == "fails: NOT japan"
    assert [(c.clause, c.held, c.detail) for c in root.children] == [
        ("china OR beijing", True, "one alternative found"),
        ("envoy", True, "found once"),
        ("NOT japan", False, "'Japan' found, which excludes the article")]
    assert rules.why_not(doc, "r1").root.detail == (
        "never holds within one sentence (it holds across the article as a whole)")
    assert rules.why_not(doc, "r2").root.detail == "found 2 times; ATLEAST/3 needs at least 3"
    assert rules.why_not(doc, "r3").root.detail == "not found in the title"
    assert rules.why_not(doc, "r4").root.detail == (
        "china and envoy found, but envoy never after china (proximity is measured inside the "
        "title or the text)")
    assert rules.why_not(Document(title="", text="China"), "r4").root.detail == "envoy not found"


def test_a_match_is_explained_too():
    why = ruleset("china NEAR/3 envoy").why_not(Document(title="", text="China sends an envoy"), "r0")
    assert why.matched and why.root.detail == "china and envoy found within 3 words"


CONFIG = """
aliases:
  ecb: [ECB, "European Central Bank"]
rules:
  - id: ecb-rates
    query: '@ecb NEAR/20 "interest rates"'
channels: {console: {type: console}}
"""


def test_match_why_prints_the_explanation(tmp_path: Path):
    config = tmp_path / "monitor.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    run = CliRunner().invoke
    result = run(build_app(), ["match", "--config", str(config), "--why", "ecb-rates", "-"],
                 input="ECB meeting\n" + FAR)
    assert result.exit_code == 0, result.output
    assert "rule ecb-rates did not match" in result.output
    assert '@ecb and "interest rates" found, 38 words apart; NEAR/20 needs ≤ 20' in result.output
    result = run(build_app(), ["match", "--config", str(config), "--json", "--why", "ecb-rates",
                               "-"], input="ECB meeting\n" + FAR)
    [item] = json.loads(result.output)
    assert item["why_not"]["matched"] is False
    assert item["why_not"]["explanation"]["children"][0]["clause"] == "@ecb"
    result = run(build_app(), ["match", "--config", str(config), "--why", "nope", "-"], input="x")
    assert result.exit_code == 2 and "unknown rule id nope" in result.output


BROKEN = """
aliases:
  ecb: [ECB, nu*, "Kim J*"]
rules:
  - id: a
    query: 'ecb NEAR/ x'
  - id: b
    query: envoy
    examples:
      match: ["China sends a diplomat"]
  - id: c
    query: '@ecb AND rates'
    examples:
      no_match: ["ECB rates"]
  - id: d
    query: '((((((((((((((((((((((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))))))))))))))))))))))'
channels: {console: {type: console}}
"""


def test_check_lists_every_problem_examples_included_in_one_run(tmp_path: Path):
    config = tmp_path / "monitor.yaml"
    config.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(build_app(), ["check", "--config", str(config)])
    assert result.exit_code == 1
    lines = [line.replace(str(config), "monitor.yaml") for line in result.output.splitlines()]
    assert lines == [
        "monitor.yaml:3: alias @ecb: entry 'nu*': a wildcard needs at least 3 letters before *, e.g. nucle*: 'nu*' would match too much",
        "monitor.yaml:3: alias @ecb: entry 'Kim J*': a wildcard needs at least 3 letters before *, e.g. nucle*: 'J*' would match too much",
        "monitor.yaml:5: rule 'a': NEAR/ needs a number, e.g. NEAR/10 (column 5)",
        "monitor.yaml:7: rule 'b': example should match but does not: 'China sends a diplomat'",
        "monitor.yaml:11: rule 'c': example should not match but does: 'ECB rates'",
        "monitor.yaml:15: rule 'd': the query nests more than 50 levels deep (groups, NOT, NEAR chains, scopes, fields): simplify it or split it into several rules (column 51)",
        "config has 6 problems",
    ]
