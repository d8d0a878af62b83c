"""compile_rules: every problem across all rules, with file:line and rule id."""

from __future__ import annotations

import pytest

from monitor.errors import RuleError
from monitor.rules import compile_rules
from monitor.types import Document, RuleSpec
from rules_helpers import ALIASES


def spec(rule_id: str, query: str, source: str = "config/monitor.yaml:31", **kw) -> RuleSpec:
    return RuleSpec(id=rule_id, name=rule_id, query=query, source=source, **kw)


def problems(*specs: RuleSpec, **kw) -> list[str]:
    with pytest.raises(RuleError) as err:
        compile_rules(list(specs), ALIASES, **kw)
    return err.value.problems


def test_every_problem_of_every_rule_is_listed_with_file_rule_and_column():
    found = problems(
        spec("china-envoy-nk", "@china NEAR/ (envoy OR diplomat)"),
        spec("ok", "envoy"),
        spec("alias", "@chna AND @nowhere", source="config/rules/x.yaml:4"),
        spec("regex", "/(unclosed/ envoy", source=""),
        spec("lookaround", "/(?=x)y/"),
    )
    assert found == [
        "config/monitor.yaml:31: rule 'china-envoy-nk': NEAR/ needs a number, e.g. NEAR/10 (column 8)",
        "config/rules/x.yaml:4: rule 'alias': unknown alias @chna: did you mean @china? (column 1)",
        "config/rules/x.yaml:4: rule 'alias': unknown alias @nowhere: define it under aliases: in the config (column 11)",
        "rule 'regex': invalid regex /(unclosed/: missing ): (unclosed: fix the pattern (RE2 syntax: no lookaround or backreferences) (column 1)",
        "config/monitor.yaml:31: rule 'lookaround': invalid regex /(?=x)y/: invalid perl operator: (?=: fix the pattern (RE2 syntax: no lookaround or backreferences) (column 1)",
    ]


def test_duplicate_rule_ids_are_refused():
    assert problems(spec("a", "envoy", source="f.yaml:1"), spec("a", "china", source="f.yaml:9")) == [
        "f.yaml:9: rule 'a': duplicate rule id (first defined at f.yaml:1): give each rule its own id"]


def test_failing_examples_are_problems():
    found = problems(spec("x", "envoy", examples_match=("China sends a diplomat",),
                          examples_no_match=("The envoy left",)))
    assert found == [
        "config/monitor.yaml:31: rule 'x': example should match but does not: 'China sends a diplomat'",
        "config/monitor.yaml:31: rule 'x': example should not match but does: 'The envoy left'",
    ]
    rules = compile_rules([spec("x", "envoy", examples_match=("no",))], ALIASES, check_examples=False)
    assert len(rules) == 1


def test_an_empty_alias_and_a_term_without_letters_are_refused():
    found = problems(spec("e", "@empty envoy"), spec("p", '"!!!" envoy'))
    assert [p.split(": ", 2)[2] for p in found] == [
        "alias @empty is an empty list: give it at least one term (column 1)",
        "'\"!!!\"' has no letters or digits to match: remove it or quote a real word (column 1)"]


@pytest.fixture(autouse=True)
def _empty_alias(monkeypatch):
    monkeypatch.setitem(ALIASES, "empty", [])


def test_ruleset_api_and_match_order_and_only():
    rules = compile_rules([spec("b", "envoy"), spec("a", "china"), spec("c", "/env.y/")], ALIASES)
    assert [r.id for r in rules.rules] == ["b", "a", "c"] and len(rules) == 3
    assert rules.get("a").query == "china" and rules.get("zzz") is None
    doc = Document(title="China's envoy", text="")
    assert [m.rule_id for m in rules.match(doc)] == ["b", "a", "c"]
    assert [m.rule_id for m in rules.match(doc, only=["c", "a"])] == ["a", "c"]
    assert rules.always_candidates == ("c",)  # regex-only: verified on every article


def test_presearch_agrees_with_rules_compiled_alone():
    queries = ["china NEAR/3 envoy", '"north korea" AND nucle*', "=US AND sanctions",
               "SENTENCE(kim envoy)", "envoy AND NOT japan", "@china OR @north_korea",
               "title:envoy", "(seoul OR tokyo) ONEAR/4 (talks OR summit)"]
    docs = [Document(title="US sanctions", text="China's envoy met Kim. Nuclear talks in North Korea."),
            Document(title="Tokyo summit", text="Seoul and Tokyo held talks; Japan's envoy spoke."),
            Document(title="Envoy named", text="nothing else")]
    together = compile_rules([spec(f"q{i}", q) for i, q in enumerate(queries)], ALIASES)
    for doc in docs:
        alone = [f"q{i}" for i, q in enumerate(queries)
                 if compile_rules([spec(f"q{i}", q)], ALIASES).match(doc)]
        assert [m.rule_id for m in together.match(doc)] == alone
