"""compile_rules(specs, aliases) -> RuleSet; RuleSet.match(doc) -> [Match]."""

from __future__ import annotations

import gc
from typing import Collection, Iterator, Mapping, Sequence

from monitor.errors import RuleError
from monitor.rules.compiler import Compiled, Interner, compile_query
from monitor.rules.docindex import DocIndex
from monitor.rules.explain import distinct_terms, evidence, snippet
from monitor.rules.lexer import QueryError
from monitor.rules.parser import parse_query
from monitor.rules.presearch import Presearch
from monitor.types import Document, Match, RuleSpec


def _where(spec: RuleSpec) -> str:
    return f"{spec.source}: rule '{spec.id}'" if spec.source else f"rule '{spec.id}'"


class RuleSet:
    """Compiled watch rules.  `match` is pure: same document, same matches."""

    def __init__(self, specs: Sequence[RuleSpec], compiled: Sequence[Compiled],
                 literals: Collection[str] | None = None) -> None:
        """`literals`: every title/text word leaf's literal (compile_rules passes
        them); with them the verify step skips words the presearch did not see."""
        self._specs = tuple(specs)
        self._compiled = tuple(compiled)
        self._index = {spec.id: i for i, spec in enumerate(self._specs)}
        self._presearch = Presearch([c.clauses for c in self._compiled], literals)

    @property
    def rules(self) -> tuple[RuleSpec, ...]:
        return self._specs

    def get(self, rule_id: str) -> RuleSpec | None:
        i = self._index.get(rule_id)
        return None if i is None else self._specs[i]

    def __len__(self) -> int:
        return len(self._specs)

    def __iter__(self) -> Iterator[RuleSpec]:
        return iter(self._specs)

    @property
    def always_candidates(self) -> tuple[str, ...]:
        """Ids of rules verified on every article (no literal to presearch on)."""
        return tuple(self._specs[i].id for i in self._presearch.always)

    def candidates(self, doc: Document) -> tuple[str, ...]:
        """Ids of the rules the presearch passes to the verify step for `doc`
        (a superset of the rules that match it)."""
        return tuple(self._specs[i].id for i in self._presearch.candidates(DocIndex(doc)))

    def match(self, doc: Document, *, only: Collection[str] | None = None) -> list[Match]:
        ix = DocIndex(doc)
        wanted = None if only is None else [self._index[r] for r in only if r in self._index]
        out = []
        for i in self._presearch.candidates(ix, wanted):
            compiled = self._compiled[i]
            occs = compiled.root.occ(ix, None)
            if not occs:
                continue
            spec = self._specs[i]
            evs = evidence(ix, occs, compiled.labels)
            out.append(Match(rule_id=spec.id, rule_name=spec.name, terms=distinct_terms(evs),
                             evidence=evs, snippet=snippet(ix, evs)))
        return out


def _example_problems(ruleset: RuleSet) -> list[str]:
    problems = []
    for spec in ruleset.rules:
        for text, want in [(t, True) for t in spec.examples_match] + \
                          [(t, False) for t in spec.examples_no_match]:
            got = bool(ruleset.match(Document(title=text, text=""), only=[spec.id]))
            if got != want:
                verdict = "should match but does not" if want else "should not match but does"
                problems.append(f"{_where(spec)}: example {verdict}: {text!r}")
    return problems


def compile_rules(specs: Sequence[RuleSpec], aliases: Mapping[str, Sequence[str]], *,
                  check_examples: bool = True) -> RuleSet:
    """Parse and compile every rule.  Raises RuleError listing every problem
    across all rules (syntax, unknown aliases, bad regexes, duplicate ids and,
    with check_examples, failing examples)."""
    enabled = gc.isenabled()
    gc.disable()  # a 100,000-rule build makes millions of objects and no cycles
    try:
        return _compile_rules(specs, aliases, check_examples)
    finally:
        if enabled:
            gc.enable()


def _compile_rules(specs: Sequence[RuleSpec], aliases: Mapping[str, Sequence[str]],
                   check_examples: bool) -> RuleSet:
    problems: list[str] = []
    interner = Interner()
    compiled: list[Compiled] = []
    seen: dict[str, RuleSpec] = {}
    for spec in specs:
        if spec.id in seen:
            first = seen[spec.id].source
            problems.append(f"{_where(spec)}: duplicate rule id (first defined "
                            f"{'at ' + first if first else 'earlier'}): give each rule its own id")
            continue
        seen[spec.id] = spec
        try:
            tree = parse_query(spec.query)
        except QueryError as exc:
            problems.append(f"{_where(spec)}: {exc}")
            continue
        result, errors = compile_query(tree, aliases, interner)
        problems += [f"{_where(spec)}: {err}" for err in errors]
        if result is not None:
            compiled.append(result)
    if problems:
        raise RuleError(problems)
    ruleset = RuleSet(list(seen.values()), compiled, interner.literals)
    if check_examples:
        failing = _example_problems(ruleset)
        if failing:
            raise RuleError(failing)
    return ruleset
