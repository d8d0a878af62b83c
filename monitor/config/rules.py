"""`aliases:`, `rules:` and `rule_files:` -> aliases and RuleSpecs.

Rule files are found by globs relative to the config file's directory, read
in sorted order; each holds a `rules:` list and may add `aliases:` (defining
an alias differently in two places is an error).  Rule ids are unique across
all files.  `notify` names defined channels (did-you-mean otherwise)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from monitor.config.fields import Ctx, as_duration, as_float, as_int, as_list, as_str, as_str_list, did_you_mean, section
from monitor.config.globfiles import listed_files
from monitor.config.model import Defaults
from monitor.config.sections import read_mode
from monitor.config.yamltree import Node
from monitor.types import RuleSpec, SpikeSpec

RULE_KEYS = ("id", "name", "query", "notify", "mode", "max_per_hour", "examples", "template",
             "follow_up", "spike")
RULE_FILE_KEYS = ("rules", "aliases")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class RuleSources:
    """Aliases and rule nodes gathered from monitor.yaml and every rule file."""

    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    alias_nodes: dict[str, Node] = field(default_factory=dict)
    rules: list[Node] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)


def add_aliases(ctx: Ctx, node: Node | None, into: RuleSources) -> None:
    if node is None:
        return
    entries = section(ctx, node, "aliases", list(node.value) if node.kind == "map" else [])
    for name, value in entries.items():
        where = f"aliases.{name}"
        if not _ALIAS.match(name):
            ctx.error(value, where, "an alias name is letters, digits and _ (used as @name in queries)")
            continue
        terms = (value.value,) if value.kind == "scalar" and isinstance(value.value, str) else \
            as_str_list(ctx, value, where)
        if terms is None:
            continue
        if not terms:
            ctx.error(value, where, "an alias needs at least one term")
            continue
        if name in into.aliases and into.aliases[name] != terms:
            ctx.error(value, where, f"@{name} is already defined differently at "
                                    f"{into.alias_nodes[name].where()}; rename one of them")
            continue
        into.aliases[name] = terms
        into.alias_nodes[name] = value


def add_rule_nodes(ctx: Ctx, node: Node | None, into: RuleSources) -> None:
    if node is not None:
        into.rules.extend(as_list(ctx, node, "rules") or [])


def add_rule_files(ctx: Ctx, node: Node | None, into: RuleSources) -> None:
    """Read every file matched by the `rule_files:` globs."""
    for tree in listed_files(ctx, node, "rule_files", into.patterns):
        s = section(ctx, tree, "", RULE_FILE_KEYS)
        add_aliases(ctx, s.get("aliases"), into)
        add_rule_nodes(ctx, s.get("rules"), into)


def read_rules(ctx: Ctx, sources: RuleSources, defaults: Defaults,
               channels: set[str]) -> tuple[RuleSpec, ...]:
    rules: list[RuleSpec] = []
    seen: dict[str, Node] = {}
    for i, node in enumerate(sources.rules):
        ident = node.value.get("id") if node.kind == "map" else None
        label = f"rule '{ident.value}'" if ident is not None and ident.kind == "scalar" else f"rules[{i}]"
        s = section(ctx, node, label, RULE_KEYS, required=("id", "query"))
        rule_id = as_str(ctx, s["id"], f"{label}.id") if "id" in s else None
        if rule_id is not None and not _ID.match(rule_id):
            ctx.error(s["id"], f"{label}.id", "a rule id is letters, digits, '-', '_' and '.', "
                                              "e.g. china-envoy-nk")
            rule_id = None
        if rule_id is not None and rule_id in seen:
            ctx.error(s["id"], label, f"duplicate rule id, first defined at {seen[rule_id].where()}; "
                                      "rule ids must be unique across all rule files")
            rule_id = None
        elif rule_id is not None:
            seen[rule_id] = node
        query = as_str(ctx, s["query"], f"{label}.query") if "query" in s else None
        notify = _notify(ctx, s, label, defaults, channels)
        mode = read_mode(ctx, s["mode"], f"{label}.mode") if "mode" in s else defaults.mode
        rate = as_int(ctx, s["max_per_hour"], f"{label}.max_per_hour", minimum=1) \
            if "max_per_hour" in s else None
        match, no_match = _examples(ctx, s.get("examples"), label)
        template = as_str(ctx, s["template"], f"{label}.template") if "template" in s else None
        outlets = _follow_up(ctx, s.get("follow_up"), label)
        spike = _spike(ctx, s["spike"], label) if "spike" in s else None
        name = as_str(ctx, s["name"], f"{label}.name") if "name" in s else rule_id
        if rule_id is None or query is None:
            continue
        # a bad notify or mode is already a problem; the query is still compiled so
        # that its own problems are listed too (the config is refused either way)
        rules.append(RuleSpec(
            id=rule_id, name=name or rule_id, query=query, notify=notify or (), mode=mode or "immediate",
            max_per_hour=rate, examples_match=match, examples_no_match=no_match,
            template=template, follow_up_outlets=outlets, spike=spike, source=node.where()))
    return tuple(rules)


def _notify(ctx: Ctx, s: dict[str, Node], label: str, defaults: Defaults,
            channels: set[str]) -> tuple[str, ...] | None:
    """The rule's channels; defaults.notify when absent (checked once by the loader)."""
    if "notify" not in s:
        return defaults.notify if set(defaults.notify) <= channels else None
    names = as_str_list(ctx, s["notify"], f"{label}.notify")
    if names is None:
        return None
    return names if check_channels(ctx, s["notify"], f"{label}.notify", names, channels) else None


def check_channels(ctx: Ctx, node: Node, where: str, names: tuple[str, ...],
                   channels: set[str]) -> bool:
    """Every name a defined channel; one problem per unknown name otherwise."""
    ok = True
    for name in names:
        if name not in channels:
            ok = False
            known = ", ".join(sorted(channels)) or "none"
            ctx.error(node, where, f"unknown channel '{name}'{did_you_mean(name, channels)} "
                                   f"(defined channels: {known}); define it under channels: "
                                   "or fix the name")
    return ok


def _examples(ctx: Ctx, node: Node | None, label: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    s = section(ctx, node, f"{label}.examples", ("match", "no_match"))
    match = as_str_list(ctx, s["match"], f"{label}.examples.match") if "match" in s else ()
    no_match = as_str_list(ctx, s["no_match"], f"{label}.examples.no_match") if "no_match" in s else ()
    return match or (), no_match or ()


def _follow_up(ctx: Ctx, node: Node | None, label: str) -> int | None:
    s = section(ctx, node, f"{label}.follow_up", ("outlets",), required=("outlets",))
    return as_int(ctx, s["outlets"], f"{label}.follow_up.outlets", minimum=1) if "outlets" in s else None


def _spike(ctx: Ctx, node: Node, label: str) -> SpikeSpec | None:
    """`spike: {factor: 3, baseline: 7d, min_hits: 5}` (all optional; `spike: {}` takes the defaults)."""
    where = f"{label}.spike"
    s = section(ctx, node, where, ("factor", "baseline", "min_hits"))
    if node.kind != "map" and node.value is not None:
        return None
    default = SpikeSpec()
    factor = as_float(ctx, s["factor"], f"{where}.factor") if "factor" in s else default.factor
    if factor is not None and factor <= 1:
        ctx.error(s["factor"], f"{where}.factor", f"must be more than 1 (a spike is a multiple of the usual "
                                                 f"volume), got {s['factor'].describe()}; e.g. factor: 3")
        factor = None
    baseline = as_duration(ctx, s["baseline"], f"{where}.baseline") if "baseline" in s else default.baseline
    if baseline is not None and baseline < timedelta(hours=1):
        ctx.error(s["baseline"], f"{where}.baseline", f"must be at least 1h (an average of hourly volumes), "
                                                     f"got {s['baseline'].describe()}; e.g. baseline: 7d")
        baseline = None
    min_hits = as_int(ctx, s["min_hits"], f"{where}.min_hits", minimum=1) if "min_hits" in s else default.min_hits
    if factor is None or baseline is None or min_hits is None:
        return None
    return SpikeSpec(factor=factor, baseline=baseline, min_hits=min_hits)
