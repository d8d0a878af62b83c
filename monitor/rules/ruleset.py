"""compile_rules(specs, aliases) -> RuleSet; RuleSet.match(doc) -> [Match]."""

from __future__ import annotations

import gc
from functools import partial
from typing import Collection, Iterator, Mapping, Sequence

from monitor.errors import RuleError
from monitor.rules.compiler import Compiled, Interner, alias_problems, compile_query
from monitor.rules.docindex import DocIndex, Meter
from monitor.rules.explain import Explainer
from monitor.rules.lexer import QueryError
from monitor.rules.parser import parse_query
from monitor.rules.presearch import Presearch
from monitor.rules.presence import holds, presence_form
from monitor.rules.whynot import WhyNot, why_not
from monitor.types import Document, Match, RuleSpec


def _where(spec: RuleSpec) -> str:
    return f"{spec.source}: rule '{spec.id}'" if spec.source else f"rule '{spec.id}'"


class RuleSet:
    """Compiled watch rules.  `match` is pure: same document, same matches."""

    def __init__(self, specs: Sequence[RuleSpec], compiled: Sequence[Compiled],
                 literals: Collection[str] | None = None,
                 aliases: Mapping[str, Sequence[str]] | None = None) -> None:
        """`literals`: every title/text word leaf's literal (compile_rules passes
        them); with them the verify step skips words the presearch did not see.
        `aliases`: what the rules were compiled with (why_not recompiles one)."""
        self._specs = tuple(specs)
        self._compiled = tuple(compiled)
        self._aliases = dict(aliases or {})
        self._index = {spec.id: i for i, spec in enumerate(self._specs)}
        self._presearch = Presearch([c.clauses for c in self._compiled], literals)
        # Rules the presearch's literals decide (monitor.rules.presence); only
        # when it reports them (with `literals`).
        shared: dict[object, object] = {}
        self._forms = tuple(presence_form(c.root, shared) if literals is not None else None
                            for c in self._compiled)

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

    def match(self, doc: Document, *, only: Collection[str] | None = None,
              deadline: float | None = None) -> list[Match]:
        """The rules `doc` matches, each explained (terms, evidence and snippet)
        when first read: matching keeps the occurrences (for a rule the
        presearch's literals decide, the document's index to find them in),
        reading a match's explanation builds it (outside `deadline`; its cost
        is linear in the occurrences).

        `only`: these rule ids only.  `deadline`: an absolute time.monotonic()
        value; matching checks it every few thousand operations and raises
        monitor.errors.MatchTimeout once it has passed."""
        return self._match(doc, only, Meter(deadline))

    def operations(self, doc: Document, *, only: Collection[str] | None = None) -> int:
        """How many basic steps matching `doc` takes (tokens read, occurrences
        visited, comparisons): deterministic, for tests and benchmarks."""
        meter = Meter()
        self._match(doc, only, meter)
        return meter.ops

    def _match(self, doc: Document, only: Collection[str] | None, meter: Meter) -> list[Match]:
        ix = DocIndex(doc, meter)
        wanted = None if only is None else [self._index[r] for r in only if r in self._index]
        explainer = Explainer(doc)
        explain, explain_present = explainer.explain, explainer.explain_present
        forms = self._forms
        out = []
        for i in self._presearch.candidates(ix, wanted):
            compiled, form = self._compiled[i], forms[i]
            spec = self._specs[i]
            if form is not None:
                if holds(form, ix.present):  # type: ignore[arg-type]
                    out.append(Match(spec.id, spec.name,
                                     explain=partial(explain_present, ix, compiled.root, compiled.labels)))
                continue
            occs = compiled.root.occ(ix, None)
            if occs:
                out.append(Match(spec.id, spec.name, explain=partial(explain, occs, compiled.labels)))
        ix.matching_done()
        return out

    def why_not(self, doc: Document, rule_id: str, *, deadline: float | None = None) -> WhyNot:
        """Which clauses of rule `rule_id` held on `doc` and which failed (for a
        NEAR, the closest distance found).  `.to_dict()` is JSON-able,
        `.text()` a readable report.  KeyError for an unknown rule id."""
        spec = self.get(rule_id)
        if spec is None:
            raise KeyError(rule_id)
        return why_not(spec, self._aliases, doc, Meter(deadline))


def _example_problems(ruleset: RuleSet, spec: RuleSpec) -> list[str]:
    problems = []
    for text, want in [(t, True) for t in spec.examples_match] + \
                      [(t, False) for t in spec.examples_no_match]:
        got = bool(ruleset.match(Document(title=text, text=""), only=[spec.id]))
        if got != want:
            verdict = "should match but does not" if want else "should not match but does"
            problems.append(f"{_where(spec)}: example {verdict}: {text!r}")
    return problems


def compile_rules(specs: Sequence[RuleSpec], aliases: Mapping[str, Sequence[str]], *,
                  check_examples: bool = True,
                  alias_sources: Mapping[str, str] | None = None) -> RuleSet:
    """Parse and compile every rule.  Raises RuleError listing every problem
    across all rules in one go: syntax, refused alias entries (at
    `alias_sources[name]`, e.g. "config/monitor.yaml:4", when given), unknown
    aliases, bad regexes, duplicate ids and, with check_examples, failing
    examples of every rule that compiles."""
    enabled = gc.isenabled()
    gc.disable()  # a 100,000-rule build makes millions of objects and no cycles
    try:
        return _compile_rules(specs, aliases, check_examples, alias_sources or {})
    finally:
        if enabled:
            gc.enable()


def _compile_rules(specs: Sequence[RuleSpec], aliases: Mapping[str, Sequence[str]],
                   check_examples: bool, alias_sources: Mapping[str, str]) -> RuleSet:
    problems: list[list[str]] = []  # in order: alias entries, then each rule's own
    for name, messages in alias_problems(aliases).items():
        where = alias_sources.get(name)
        problems.append([f"{where}: {m}" if where else m for m in messages])
    interner = Interner()
    compiled: list[Compiled] = []
    good: list[tuple[RuleSpec, list[str]]] = []
    seen: dict[str, RuleSpec] = {}
    for spec in specs:
        if spec.id in seen:
            first = seen[spec.id].source
            problems.append([f"{_where(spec)}: duplicate rule id (first defined "
                             f"{'at ' + first if first else 'earlier'}): give each rule its own id"])
            continue
        seen[spec.id] = spec
        found: list[str] = []
        problems.append(found)
        try:
            tree = parse_query(spec.query)
        except QueryError as exc:
            found.append(f"{_where(spec)}: {exc}")
            continue
        result, errors = compile_query(tree, aliases, interner)
        found += [f"{_where(spec)}: {err}" for err in errors]
        if result is not None:
            compiled.append(result)
            good.append((spec, found))
    ruleset = RuleSet([spec for spec, _ in good], compiled, interner.literals, aliases)
    if check_examples:
        for spec, found in good:
            found += _example_problems(ruleset, spec)
    listed = [message for group in problems for message in group]
    if listed:
        raise RuleError(listed)
    return ruleset
