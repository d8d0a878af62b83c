"""`load_config(path)`: a pure function of the files and the environment.

It reads monitor.yaml, every rule file its `rule_files:` globs match and every
`*_file` secret, checks everything, compiles the rules (running their
examples) and returns a new Config, or raises ConfigError listing every
problem found, each as "file:line: what is wrong; the fix".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from monitor.config.channels import read_channels
from monitor.config.feeds import feed_file_nodes, read_feeds
from monitor.config.fields import Ctx, section, sorted_problems
from monitor.config.model import Config, Defaults
from monitor.config.rules import (RuleSources, add_aliases, add_rule_files, add_rule_nodes,
                                  check_channels, read_rules)
from monitor.config.sections import (read_alerts, read_database, read_defaults, read_fetch,
                                     read_health, read_http, read_log, read_poll, read_replicas,
                                     read_retention, read_stories, read_websub)
from monitor.config.yamltree import Node, read_yaml
from monitor.errors import ConfigError

TOP_KEYS = ("database", "poll", "fetch", "http", "websub", "feeds", "feed_files", "aliases", "rules", "rule_files",
            "channels", "defaults", "health", "alerts", "stories", "replicas", "log", "retention")


def load_config(path: Path, *, environ: Mapping[str, str] | None = None) -> Config:
    """The validated Config; ConfigError(problems) listing every problem otherwise."""
    path = Path(path)
    env = dict(os.environ) if environ is None else environ
    ctx = Ctx(base_dir=path.parent, environ=env)
    ctx.files.append(path)
    tree = read_yaml(path, str(path), env, ctx.problems)
    if tree is None:
        raise ConfigError(ctx.problems)
    if tree.value in (None, {}, ""):
        raise ConfigError([f"{path}:1: the config file is empty (nothing but comments or blank lines); "
                           "refused, as an empty file is usually a truncated save: write at least one feed "
                           "and one rule (see config/monitor.yaml)"])
    top = section(ctx, tree, "", TOP_KEYS)

    poll = read_poll(ctx, top.get("poll"))
    alerts = read_alerts(ctx, top.get("alerts"))
    channels = read_channels(ctx, top.get("channels"), alerts)
    defaults = read_defaults(ctx, top.get("defaults"))
    sources = RuleSources()
    add_aliases(ctx, top.get("aliases"), sources)
    add_rule_nodes(ctx, top.get("rules"), sources)
    add_rule_files(ctx, top.get("rule_files"), sources)
    _check_defaults(ctx, top, tree, defaults, sources, set(channels))
    health = read_health(ctx, top.get("health"))
    if "health" in top and "notify" in (top["health"].value or {}):
        check_channels(ctx, top["health"].value["notify"], "health.notify", health.notify, set(channels))
    rules = read_rules(ctx, sources, defaults, set(channels))
    feed_patterns: list[str] = []
    feed_nodes = feed_file_nodes(ctx, top.get("feed_files"), feed_patterns)
    config = Config(
        path=path,
        files=(),
        database=read_database(ctx, top.get("database")),
        poll=poll,
        fetch=read_fetch(ctx, top.get("fetch")),
        http=read_http(ctx, top.get("http")),
        websub=read_websub(ctx, top.get("websub")),
        feeds=read_feeds(ctx, top.get("feeds"), poll.interval, feed_nodes),
        aliases=dict(sources.aliases),
        rules=rules,
        channels=channels,
        defaults=defaults,
        health=health,
        alerts=alerts,
        stories=read_stories(ctx, top.get("stories")),
        replicas=read_replicas(ctx, top.get("replicas")),
        log=read_log(ctx, top.get("log")),
        retention=read_retention(ctx, top.get("retention")),
        rule_patterns=tuple(sources.patterns) + tuple(feed_patterns),
        feed_patterns=tuple(feed_patterns),
    )
    ruleset = _compile(ctx, rules, config.aliases,
                       {name: node.where() for name, node in sources.alias_nodes.items()})
    if ctx.problems:
        raise ConfigError(sorted_problems(ctx.problems, ctx.files))
    files = tuple(dict.fromkeys(ctx.files))
    return Config(**{**config.__dict__, "files": files, "ruleset": ruleset})


def _check_defaults(ctx: Ctx, top: dict[str, Node], tree: Node, defaults: Defaults,
                    sources: RuleSources, channels: set[str]) -> None:
    """defaults.notify must name defined channels when it is written or used."""
    node = top.get("defaults")
    if node is not None and node.kind == "map" and "notify" in node.value:
        check_channels(ctx, node.value["notify"], "defaults.notify", defaults.notify, channels)
        return
    used = any(r.kind == "map" and "notify" not in r.value for r in sources.rules)
    missing = [name for name in defaults.notify if name not in channels]
    if used and missing:
        where = top.get("channels", tree)
        ctx.error(where, "defaults.notify", f"rules without notify: go to {list(defaults.notify)}, "
                                            f"but no channel '{missing[0]}' is defined; add "
                                            f"'{missing[0]}: {{type: console}}' under channels: "
                                            "or set defaults: {notify: [...]}")


def _compile(ctx: Ctx, rules: tuple, aliases: dict[str, tuple[str, ...]],  # type: ignore[no-untyped-def]
             alias_sources: dict[str, str]):
    """monitor.rules.compile_rules, its problems added to ours (None when it cannot run):
    every rule's syntax and example problems and every refused alias entry, at once."""
    try:
        from monitor.rules import compile_rules
    except ImportError as exc:  # the rules package is another engineer's, written concurrently
        if exc.name in ("monitor.rules",):
            return None
        raise
    try:
        return compile_rules(rules, aliases, alias_sources=alias_sources)
    except ConfigError as exc:
        ctx.problems.extend(exc.problems)
        return None
