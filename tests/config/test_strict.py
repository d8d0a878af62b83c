"""Strict validation: every mistake is a "file:line: ..." problem with a fix."""

from __future__ import annotations


def test_unknown_key_names_the_line_and_suggests_the_key(cfg, one_problem) -> None:
    problem = one_problem("""
        poll: {interval: 10m}
        feeds:
          - {url: "https://a.example/rss"}
          - {url: "https://b.example/rss"}
          - url: "https://c.example/rss"
            intervall: 5m
    """)
    assert problem == (f"{cfg.root / 'monitor.yaml'}:6: unknown key 'intervall' in feeds[2]; "
                       "did you mean 'interval'?")


def test_unknown_top_level_key_without_a_close_match_lists_the_keys(one_problem) -> None:
    problem = one_problem("zzz: 1\n")
    assert ":1: unknown key 'zzz'; expected one of: database, poll, fetch" in problem


def test_wrong_duration_says_what_was_expected(cfg, one_problem) -> None:
    problem = one_problem("""
        # a comment
        poll:
          interval: ten
    """)
    assert problem == (f"{cfg.root / 'monitor.yaml'}:3: poll.interval: expected a duration like "
                       "30s, 10m, 2h or 7d, got 'ten'")


def test_bad_sizes_numbers_and_choices(cfg) -> None:
    problems = cfg.problems("""
        fetch: {max_bytes: lots, per_host: 0, max_redirects: two}
        poll: {jitter: 2}
        log: {format: xml, level: loud}
        retention: {hits: never}
    """)
    text = "\n".join(problems)
    assert "fetch.max_bytes: expected a size like 512KB or 10MB, got 'lots'" in text
    assert "fetch.per_host: must be at least 1, got '0'" in text
    assert "fetch.max_redirects: expected a whole number, got 'two'" in text
    assert "poll.jitter: must be at most 1.0, got '2'" in text
    assert "log.format: expected one of text, json, got 'xml'" in text
    assert "log.level: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'loud'" in text
    assert "retention.hits: expected a duration" in text
    assert len(problems) == 7


def test_bad_cidr_suggests_the_network(one_problem) -> None:
    problem = one_problem("fetch: {allow_private: [10.1.2.3/8]}\n")
    assert ":1: fetch.allow_private[0]: expected a CIDR like 10.0.0.0/8" in problem
    assert "did you mean '10.0.0.0/8'?" in problem
    assert "'banana'" in one_problem("fetch: {allow_private: [banana]}\n")


def test_feed_urls_must_be_http_or_file_and_unique(cfg) -> None:
    problems = cfg.problems("""
        feeds:
          - {url: "https://a.example/rss"}
          - {url: "ftp://a.example/rss"}
          - {url: "https://a.example/rss"}
          - {name: no url}
          - {url: "file:x.xml"}
          - {url: "file:./x.xml"}
    """)
    path = cfg.root / "monitor.yaml"
    assert problems == [
        f"{path}:3: feeds[1].url: expected an http://, https:// or file: URL, got 'ftp://a.example/rss'",
        f"{path}:4: feeds[2].url: https://a.example/rss is already listed at {path}:2; remove one of them",
        f"{path}:5: feeds[3]: missing required key 'url'",
        f"{path}:7: feeds[5].url: {(cfg.root / 'x.xml').as_uri()} is already listed at {path}:6; "
        "remove one of them",
    ]


def test_yaml_syntax_error_gives_line_and_column(cfg, one_problem) -> None:
    problem = one_problem("""
        poll:
          interval: 10m
        rules:
          - id: x
            mode: digest: daily@08:00
    """)
    assert problem.startswith(f"{cfg.root / 'monitor.yaml'}:5:17: YAML syntax error: "
                              "mapping values are not allowed here")
    assert "mode: {digest: daily@08:00}" in problem  # the hint


def test_duplicate_keys_are_refused(cfg, one_problem) -> None:
    problem = one_problem("""
        poll: {interval: 10m}
        poll: {interval: 5m}
    """)
    assert problem == (f"{cfg.root / 'monitor.yaml'}:2: duplicate key 'poll' (first given at line 1); "
                       "remove one of them")


def test_every_problem_is_reported_together_in_file_order(cfg) -> None:
    problems = cfg.problems("""
        database: "mysql://x/y"
        poll: {interval: ten, concurrency: -1}
        fetch: {timeout: soon}
        http: {listen: nowhere}
        feeds: [{url: "gopher://x"}]
        channels:
          console: {type: consol}
    """)
    lines = [int(p.split(":")[1]) for p in problems]
    assert lines == [1, 2, 2, 3, 4, 5, 7]
    assert "unsupported database 'mysql'" in problems[0]
    assert "did you mean 'console'?" in problems[-1]


def test_anchors_and_merge_keys_work(cfg) -> None:
    config = cfg.load("""
        feeds:
          - &base {url: "https://a.example/rss", interval: 2m, tags: [a]}
          - {<<: *base, url: "https://b.example/rss"}
    """)
    assert [f.interval.total_seconds() for f in config.feeds] == [120, 120]
    assert config.feeds[1].tags == ("a",)


def test_plain_yaml_scalars_are_kept_as_written_for_text_fields(cfg) -> None:
    config = cfg.load("""
        feeds: [{url: "https://a.example/rss", name: 2024, tags: [no, on, 1.5]}]
    """)
    assert config.feeds[0].name == "2024"
    assert config.feeds[0].tags == ("no", "on", "1.5")


def test_sections_must_be_mappings(one_problem) -> None:
    assert "poll: expected a mapping of interval, concurrency" in one_problem("poll: 10m\n")
