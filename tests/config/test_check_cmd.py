"""`news-monitor check`: exit 0 with a summary, or 1 with every problem."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from typer.testing import CliRunner

from monitor.cli import build_app
from tests.procs import run_in_group

REPO = Path(__file__).resolve().parents[2]


def run_check(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(build_app(), ["check", *args], env=env)


def test_check_ok_prints_a_summary(cfg) -> None:
    cfg.write("rules/a.yaml", "rules: [{id: a, query: x}]")
    path = cfg.write("monitor.yaml", """
        feeds: [{url: "https://a.example/rss"}, {url: "file:b.xml"}]
        rules: [{id: r, query: y}]
        rule_files: [rules/*.yaml]
    """)
    result = run_check("--config", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [
        f"config OK: 2 feeds, 2 rules, 1 channels (files: {path}, {cfg.root / 'rules' / 'a.yaml'})",
        f"database: {cfg.root / 'data' / 'monitor.db'} (created at the first run)"]


def test_check_lists_every_problem_and_exits_1(cfg) -> None:
    path = cfg.write("monitor.yaml", """
        poll: {intervall: 10m}
        fetch: {timeout: ten}
        channels: {mail: {type: email, host: h, password: hunter2, from: x, to: [a@b.c]}}
    """)
    result = run_check("-c", str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{path}:1: unknown key 'intervall' in poll; did you mean 'interval'?",
        f"{path}:2: fetch.timeout: expected a duration like 30s, 10m, 2h or 7d, got 'ten'",
        f"{path}:3: channels.mail.from: expected an email address like desk@example.com, got 'x'",
        f"{path}:3: channels.mail: give both username and password (or neither)",
        "config has 4 problems",
    ]
    assert "hunter2" not in result.output
    assert result.stdout == ""


def test_check_reads_the_config_from_the_environment(cfg) -> None:
    path = cfg.write("elsewhere.yaml", "feeds: []\n")
    result = run_check(env={"NEWS_MONITOR_CONFIG": str(path)})
    assert result.exit_code == 0 and "config OK: 0 feeds" in result.stdout


def test_check_a_missing_file(tmp_path: Path) -> None:
    result = run_check("--config", str(tmp_path / "none.yaml"))
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"{tmp_path / 'none.yaml'}: no such config file; "
                                     "pass --config FILE or set NEWS_MONITOR_CONFIG")


def test_check_the_shipped_config_as_a_command() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWS_MONITOR_")}
    proc = run_in_group([sys.executable, "-m", "monitor", "check"], cwd=REPO, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("config OK: ")
