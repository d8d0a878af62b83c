"""rules:, rule_files:, aliases:, notify channels, modes and digest schedules."""

from __future__ import annotations

import importlib.util

import pytest

from monitor.config import load_config

HAS_COMPILER = importlib.util.find_spec("monitor.rules") is not None


def test_rule_files_globs_are_read_in_sorted_order_with_their_aliases(cfg) -> None:
    cfg.write("rules/b.yaml", """
        aliases: {korea: [Korea]}
        rules:
          - {id: b1, query: "@korea"}
    """)
    cfg.write("rules/a.yaml", """
        rules:
          - id: a1
            query: "@china"
            notify: [desk]
    """)
    cfg.write("rules/notes.txt", "not yaml: [")
    config = cfg.load("""
        aliases: {china: [China, Beijing]}
        rules: [{id: main, query: x, name: Main rule}]
        rule_files: [rules/*.yaml]
        channels: {console: {type: console}, desk: {type: console, stream: stderr}}
    """)
    assert [r.id for r in config.rules] == ["main", "a1", "b1"]
    assert config.aliases == {"china": ("China", "Beijing"), "korea": ("Korea",)}
    main, a1, b1 = config.rules
    assert (main.name, main.notify, main.source) == ("Main rule", ("console",), f"{cfg.root / 'monitor.yaml'}:2")
    assert (a1.name, a1.notify, a1.source) == ("a1", ("desk",), f"{cfg.root / 'rules' / 'a.yaml'}:2")
    assert b1.source == f"{cfg.root / 'rules' / 'b.yaml'}:3"


def test_a_glob_that_matches_the_config_file_skips_it(cfg) -> None:
    cfg.write("more.yaml", "rules: [{id: m, query: x}]")
    assert [r.id for r in cfg.load("rule_files: ['*.yaml']\n").rules] == ["m"]


def test_a_missing_literal_rule_file_is_an_error_but_an_empty_glob_is_not(cfg) -> None:
    assert cfg.load("rule_files: [rules.d/*.yaml]\n").rules == ()
    problems = cfg.problems("rule_files: [rules.yaml]\n")
    assert problems == [f"{cfg.root / 'monitor.yaml'}:1: rule_files[0]: no such file "
                        f"'{cfg.root / 'rules.yaml'}'; fix the path (relative to the config file's directory)"]


def test_problems_in_rule_files_name_that_file_and_line(cfg) -> None:
    cfg.write("rules/x.yaml", """
        rules:
          - id: ok
            query: x
          - id: bad
            qurey: x
        extra: 1
    """)
    problems = cfg.problems("rule_files: [rules/x.yaml]\n")
    path = cfg.root / "rules" / "x.yaml"
    assert problems == [
        f"{path}:5: unknown key 'qurey' in rule 'bad'; did you mean 'query'?",
        f"{path}:6: unknown key 'extra'; expected one of: rules, aliases",
    ]


def test_duplicate_rule_ids_across_files_and_alias_conflicts(cfg) -> None:
    cfg.write("rules/a.yaml", """
        aliases: {china: [PRC]}
        rules: [{id: same, query: y}]
    """)
    problems = cfg.problems("""
        aliases: {china: [China]}
        rules: [{id: same, query: x}]
        rule_files: [rules/*.yaml]
    """)
    main, other = cfg.root / "monitor.yaml", cfg.root / "rules" / "a.yaml"
    assert problems == [
        f"{other}:1: aliases.china: @china is already defined differently at {main}:1; rename one of them",
        f"{other}:2: rule 'same': duplicate rule id, first defined at {main}:2; "
        "rule ids must be unique across all rule files",
    ]


def test_notify_must_name_a_defined_channel(cfg) -> None:
    problems = cfg.problems("""
        channels:
          desk-slack: {type: slack, webhook_url: "https://hooks.slack.example/x"}
          console: {type: console}
        rules:
          - {id: r, query: x, notify: [desk-slak, console]}
        health: {notify: [nobody]}
    """)
    path = cfg.root / "monitor.yaml"
    assert problems == [
        f"{path}:5: rule 'r'.notify: unknown channel 'desk-slak'; did you mean 'desk-slack'? "
        "(defined channels: console, desk-slack); define it under channels: or fix the name",
        f"{path}:6: health.notify: unknown channel 'nobody' (defined channels: console, desk-slack); "
        "define it under channels: or fix the name",
    ]


def test_default_notify_needs_its_channel(cfg) -> None:
    problems = cfg.problems("""
        channels:
          hook: {type: webhook, url: "https://h.example/"}
        rules: [{id: r, query: x}]
    """)
    assert len(problems) == 1
    assert "defaults.notify: rules without notify: go to ['console'], but no channel 'console'" in problems[0]
    config = cfg.load("""
        channels: {hook: {type: webhook, url: "https://h.example/"}}
        defaults: {notify: [hook], mode: "digest: hourly"}
        rules: [{id: r, query: x}]
    """)
    assert (config.rules[0].notify, config.rules[0].mode) == (("hook",), "digest:hourly")


@pytest.mark.parametrize("written, mode", [
    ("immediate", "immediate"),
    ("{digest: hourly}", "digest:hourly"),
    ("'digest: daily@8:00 Europe/Berlin'", "digest:daily@08:00 Europe/Berlin"),
    ("{digest: weekly@Monday 07:30 Asia/Seoul}", "digest:weekly@mon 07:30 Asia/Seoul"),
    ("{digest: 'cron: \"0 8 * * 1-5\" Europe/Paris'}", "digest:cron:0 8 * * mon-fri Europe/Paris"),
    ("{digest: 'cron:*/30 * * * 0,6'}", "digest:cron:*/30 * * * sat,sun"),
])
def test_modes_are_normalised(cfg, written: str, mode: str) -> None:
    config = cfg.load(f"rules: [{{id: r, query: x, mode: {written}}}]\n")
    assert config.rules[0].mode == mode


def test_normalised_digest_modes_are_understood_by_the_digest_scheduler() -> None:
    from datetime import datetime, timezone

    schedule = pytest.importorskip("monitor.alerts.schedule")
    trigger = schedule.trigger_for("digest:cron:0 8 * * mon-fri UTC")
    sunday = datetime(2026, 1, 4, 9, tzinfo=timezone.utc)
    assert trigger.get_next_fire_time(None, sunday).strftime("%a %H:%M") == "Mon 08:00"


@pytest.mark.parametrize("written, expected", [
    ("sometimes", "expected 'immediate' or a digest like {digest: daily@08:00 Europe/Berlin}"),
    ("{digest: daily@25:00}", "'25:00' is not a time of day"),
    ("{digest: daily@08:00 Europe/Berln}", "unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?"),
    ("{digest: weekly@someday 08:00}", "unknown weekday 'someday'"),
    ("{digest: 'cron: 0 8 * *'}", "expected hourly, daily@HH:MM [Zone]"),
    ("{digest: 'cron: 0 25 * * *'}", "bad cron expression '0 25 * * *'"),
    ("{digest: 'cron: \"0 8 * * 5-1\"'}", "weekday range '5-1' runs backwards"),
    ("{dijest: hourly}", "unknown key 'dijest' in rule 'r'.mode; did you mean 'digest'?"),
])
def test_bad_modes_say_what_is_expected(one_problem, written: str, expected: str) -> None:
    problem = one_problem(f"rules: [{{id: r, query: x, mode: {written}}}]\n")
    assert ":1: " in problem and expected in problem


def test_rule_fields(cfg) -> None:
    config = cfg.load("""
        rules:
          - id: r
            query: x
            max_per_hour: 3
            template: "{{ hit.title }}"
            follow_up: {outlets: 5}
            examples: {match: [a x], no_match: [b]}
    """)
    rule = config.rules[0]
    assert (rule.max_per_hour, rule.template, rule.follow_up_outlets) == (3, "{{ hit.title }}", 5)
    assert (rule.examples_match, rule.examples_no_match) == (("a x",), ("b",))
    problems = cfg.problems("""
        rules:
          - {id: "bad id", query: x}
          - {id: r2, query: x, max_per_hour: 0, follow_up: {outlet: 2}, examples: {matches: [a]}}
    """)
    text = "\n".join(problems)
    assert "rule 'bad id'.id: a rule id is letters, digits" in text
    assert "rule 'r2'.max_per_hour: must be at least 1" in text
    assert "unknown key 'outlet' in rule 'r2'.follow_up; did you mean 'outlets'?" in text
    assert "unknown key 'matches' in rule 'r2'.examples; did you mean 'match'?" in text


@pytest.mark.skipif(not HAS_COMPILER, reason="monitor.rules is not written yet")
def test_rules_are_compiled_and_their_problems_listed_with_ours(cfg) -> None:
    config = cfg.load("""
        aliases: {china: [China, Beijing]}
        rules:
          - id: ok
            query: '@china AND envoy'
            examples: {match: ["Beijing sends envoy"], no_match: ["Tokyo sends envoy"]}
    """)
    assert config.ruleset is not None
    problems = cfg.problems("""
        poll: {interval: never}
        rules:
          - {id: broken, query: 'envoy NEAR/ China'}
          - {id: alias, query: '@nowhere'}
          - id: example
            query: envoy
            examples: {match: ["no such word"]}
    """)
    path = cfg.root / "monitor.yaml"
    assert problems[0].startswith(f"{path}:1: poll.interval")
    assert problems[1].startswith(f"{path}:3: rule 'broken'")
    assert problems[2].startswith(f"{path}:4: rule 'alias'") and "nowhere" in problems[2]
    assert len(problems) >= 3


def test_a_rule_with_a_bad_notify_still_has_its_query_checked(cfg) -> None:
    problems = cfg.problems("""
        rules:
          - id: x
            query: 'envoy NEAR/ korea'
            notify: [slak]
        channels: {slack: {type: console}}
    """)
    assert any("NEAR/ needs a number" in p for p in problems), problems
    assert any("did you mean 'slack'" in p for p in problems), problems


def test_loading_twice_gives_equal_rules(cfg) -> None:
    path = cfg.write("monitor.yaml", "rules: [{id: r, query: x}]\n")
    assert load_config(path, environ={}).rules == load_config(path, environ={}).rules


def test_a_rule_spike_option_is_read_with_defaults_and_its_mistakes_named(cfg) -> None:
    from datetime import timedelta

    from monitor.types import SpikeSpec
    config = cfg.load("""
        rules:
          - {id: a, query: x, spike: {factor: 2.5, baseline: 2d, min_hits: 3}}
          - {id: b, query: x, spike: {}}
          - {id: c, query: x}
    """)
    a, b, c = config.rules
    assert a.spike == SpikeSpec(factor=2.5, baseline=timedelta(days=2), min_hits=3)
    assert b.spike == SpikeSpec(factor=3.0, baseline=timedelta(days=7), min_hits=5)
    assert c.spike is None
    problems = cfg.problems("""
        rules:
          - {id: r1, query: x, spike: {factor: 1, baseline: 30m}}
          - {id: r2, query: x, spike: {factr: 3}}
          - {id: r3, query: x, spike: 3}
    """)
    text = "\n".join(problems)
    root = cfg.root / "monitor.yaml"
    assert f"{root}:2: rule 'r1'.spike.factor: must be more than 1" in text and "e.g. factor: 3" in text
    assert f"{root}:2: rule 'r1'.spike.baseline: must be at least 1h" in text and "e.g. baseline: 7d" in text
    assert "unknown key 'factr' in rule 'r2'.spike; did you mean 'factor'?" in text
    assert "rule 'r3'.spike: expected a mapping of factor, baseline, min_hits" in text
