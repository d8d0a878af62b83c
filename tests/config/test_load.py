"""Loading valid configs: defaults, resolution, the shipped example."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import Config, load_config
from monitor.config.model import FetchConfig, PollConfig

REPO = Path(__file__).resolve().parents[2]


def test_shipped_example_config_loads() -> None:
    config = load_config(REPO / "config" / "monitor.yaml", environ={})
    assert config.database == f"sqlite:///{REPO / 'data' / 'monitor.db'}"  # ../data from config/
    assert {r.id for r in config.rules} == {"china-envoy-nk", "nk-nuclear-test"}
    assert REPO / "config" / "rules" / "nuclear.yaml" in config.files
    seed = next(f for f in config.feeds if f.name == "Seed desk")
    assert seed.url == (REPO / "seeds" / "seed-feed.xml").as_uri()
    assert set(config.channels) == {"console"}


def test_an_empty_file_is_refused(cfg) -> None:
    for text in ("", "# only a comment\n\n"):
        [problem] = cfg.problems(text)
        assert problem.endswith("monitor.yaml:1: the config file is empty (nothing but comments or blank lines); "
                                "refused, as an empty file is usually a truncated save: write at least one feed "
                                "and one rule (see config/monitor.yaml)")


def test_unset_sections_take_every_default(cfg) -> None:
    config = cfg.load("log: {}")
    assert config.poll == PollConfig()
    assert config.fetch == FetchConfig()
    assert config.http.listen == "127.0.0.1:8080" and config.http.token is None
    assert config.database == f"sqlite:///{cfg.root / 'data' / 'monitor.db'}"  # beside the config
    assert config.defaults.notify == ("console",)
    assert set(config.channels) == {"console"}  # without channels: a console channel exists
    assert config.health.after_errors == 5 and config.health.silent_factor == 4.0
    assert config.log.format == "text" and config.log.level == "INFO"
    assert config.retention.article_text == timedelta(days=30) and config.retention.hits is None


def test_sections_are_read_with_units(cfg) -> None:
    config = cfg.load("""
        poll: {interval: 5m, concurrency: 8, jitter: 0.2, min_interval: 30s, max_interval: 12h}
        fetch: {timeout: 7s, max_bytes: 512KB, allow_private: [10.0.0.0/8, 192.168.1.5],
                max_redirects: 3, user_agent: bot/1, per_host: 4, max_entries: 50, extract_workers: 1,
                host_spacing: 0s}
        http: {listen: "0.0.0.0:0"}
        log: {format: json, level: debug}
        retention: {article_text: forever, hits: 365d}
        health: {after_errors: 3, silent_factor: 2.5}
    """)
    assert config.poll == PollConfig(timedelta(minutes=5), 8, 0.2, timedelta(seconds=30), timedelta(hours=12))
    assert config.fetch == FetchConfig(timedelta(seconds=7), 512_000, ("10.0.0.0/8", "192.168.1.5/32"),
                                       3, "bot/1", 4, 50, 1, timedelta(0))
    assert config.http.listen == "0.0.0.0:0"  # port 0: any free port (tests)
    assert (config.log.format, config.log.level) == ("json", "DEBUG")
    assert config.retention.article_text is None and config.retention.hits == timedelta(days=365)


def test_feeds_take_defaults_and_resolve_file_urls(cfg, tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    config = load_config(cfg.write("conf/monitor.yaml", """
        poll: {interval: 3m}
        feeds:
          - {url: "https://www.example.com/rss", tags: [a, no]}
          - {url: "file:../seeds/feed.xml", name: Seed, interval: 1m, headers: {X-Key: v}}
          - {url: "file:local.xml"}
    """), environ={})
    web, seed, local = config.feeds
    assert (web.name, web.interval, web.tags) == ("www.example.com", timedelta(minutes=3), ("a", "no"))
    assert seed.url == (tmp_path / "seeds" / "feed.xml").as_uri() and seed.url.startswith("file:///")
    assert (seed.name, seed.interval, seed.headers) == ("Seed", timedelta(minutes=1), (("X-Key", "v"),))
    assert local.url == (tmp_path / "conf" / "local.xml").as_uri()


def test_each_load_is_a_new_config_listing_its_files(cfg) -> None:
    cfg.write("rules/a.yaml", "rules: [{id: a, query: x}]")
    path = cfg.write("monitor.yaml", "rule_files: [rules/*.yaml]\n")
    first, second = load_config(path, environ={}), load_config(path, environ={})
    assert first is not second and isinstance(first, Config)
    assert first.files == (path, cfg.root / "rules" / "a.yaml")
    assert first.rule_patterns == (str(cfg.root / "rules" / "*.yaml"),)
    (cfg.root / "rules" / "b.yaml").write_text("rules: [{id: b, query: y}]")
    assert [r.id for r in load_config(path, environ={}).rules] == ["a", "b"]


def test_a_missing_config_file_is_one_clear_problem(tmp_path: Path) -> None:
    from monitor.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml", environ={})
    assert info.value.problems == [f"{tmp_path / 'nope.yaml'}: no such file; check the path "
                                   "(relative paths are resolved against the directory of monitor.yaml)"]
