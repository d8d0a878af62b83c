"""`news-monitor stories [--since 24h] [--json]` against a real SQLite store."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import typer
from typer.testing import CliRunner

from monitor.cli import stories_cmd
from monitor.store import Store
from tests.stories import story_corpus
from tests.stories.test_stories_store import OUTLETS, _feeds, _ingest


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test root"""

    stories_cmd.register(app)
    return app


def _setup(tmp_path) -> str:  # type: ignore[no-untyped-def]
    db = tmp_path / "monitor.db"
    config = tmp_path / "monitor.yaml"
    config.write_text(f"database: sqlite:///{db}\nfeeds: []\nchannels: {{console: {{type: console}}}}\n")
    now = datetime.now(timezone.utc)
    store = Store.open(f"sqlite:///{db}")
    store.upgrade()
    feeds = _feeds(store)
    samples = {(s.story, s.variant): s for s in story_corpus.samples()}
    for i, (outlet, variant) in enumerate([("Wire Service", "original"), ("Daily Herald", "headline"),
                                           ("Asia Daily", "cut")]):
        _ingest(store, feeds[outlet], samples[("nk-missile-east-sea", variant)],
                when=now - timedelta(hours=2) + timedelta(minutes=i))
    _ingest(store, feeds["Wire Service"], samples[("nk-defectors", "original")],
            rules=(), when=now - timedelta(days=3))
    store.close()
    return str(config)


def test_stories_json_lists_recent_stories_with_outlets_and_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = _setup(tmp_path)
    result = CliRunner().invoke(_app(), ["stories", "--json", "--config", config])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert len(listed) == 1  # the 3-day-old story is outside the default 24h
    assert listed[0]["outlets"] == list(OUTLETS)
    assert listed[0]["rules"] == ["china-envoy-nk"]
    assert listed[0]["article_count"] == 3

    week = json.loads(CliRunner().invoke(_app(), ["stories", "--json", "--since", "7d", "-c", config]).output)
    assert len(week) == 2


def test_stories_text_output(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(_app(), ["stories", "--config", _setup(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "North Korea fires ballistic missile" in result.output
    assert "3 outlet(s): Wire Service, Daily Herald, Asia Daily" in result.output
    assert "rules matched: china-envoy-nk" in result.output


def test_bad_since_names_the_option(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(_app(), ["stories", "--since", "yesterday", "--config", _setup(tmp_path)])
    assert result.exit_code == 2
    assert "--since" in result.output and "'yesterday'" in result.output and "10m" in result.output


def test_database_without_tables_says_to_upgrade(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "monitor.yaml"
    config.write_text(f"database: sqlite:///{tmp_path}/empty.db\nfeeds: []\n")
    (tmp_path / "empty.db").touch()  # a database without tables (a missing one is refused sooner)
    result = CliRunner().invoke(_app(), ["stories", "--config", str(config)])
    assert result.exit_code == 2
    assert "news-monitor db upgrade" in result.output
