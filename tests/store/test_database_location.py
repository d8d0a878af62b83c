"""Which database a command uses (issue 14, defects 4 and 5): a relative SQLite
path is read from the config's directory, the daemon says where its data is,
read-only commands refuse a database that does not exist, and a folder that
cannot hold the file is one line that names it."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import build_app
from monitor.config import load_config
from tests.e2e.inprocess import news_monitor
from tests.procs import run_in_group

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """\
database: sqlite:///data/monitor.db
feeds: [{url: "file:feed.xml", name: Local}]
rules: [{id: r, query: envoy}]
"""
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>
<item><title>Nothing here</title><link>https://example.com/a</link><guid>a</guid></item>
</channel></rss>"""


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config in tmp/conf; the working directory is tmp/cwd."""
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "monitor.yaml").write_text(CONFIG)
    (conf / "feed.xml").write_text(FEED)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return conf


def run(*args: str) -> object:
    return CliRunner().invoke(build_app(), list(args))


def test_relative_sqlite_paths_are_read_from_the_config_directory(elsewhere: Path) -> None:
    config = load_config(elsewhere / "monitor.yaml", environ={})
    assert config.database == f"sqlite:///{elsewhere / 'data' / 'monitor.db'}"
    default = elsewhere / "bare.yaml"
    default.write_text("feeds: []\n")
    assert load_config(default, environ={}).database == f"sqlite:///{elsewhere / 'data' / 'monitor.db'}"


@pytest.mark.parametrize("command", [["hits"], ["feeds"], ["deliveries"], ["stories"],
                                     ["deliveries", "retry", "--dead"]])
def test_read_only_commands_refuse_a_database_that_does_not_exist(elsewhere: Path, command: list[str]) -> None:
    result = run(*command, "--config", str(elsewhere / "monitor.yaml"))
    assert result.exit_code != 0, result.output
    assert f"no database at {elsewhere / 'data' / 'monitor.db'}" in result.output
    assert "no hits" not in result.output
    assert not (elsewhere / "data").exists() and not (Path.cwd() / "data").exists()


def test_once_from_another_directory_writes_beside_the_config_and_logs_where(elsewhere: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = news_monitor(["once", "--config", str(elsewhere / "monitor.yaml")], env=env, cwd=Path.cwd(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    db = elsewhere / "data" / "monitor.db"
    assert f"database: {db} (SQLite)" in proc.stderr
    assert db.exists() and not (Path.cwd() / "data").exists()
    result = run("feeds", "--config", str(elsewhere / "monitor.yaml"))
    assert result.exit_code == 0 and "Local" in result.output


def test_a_folder_that_cannot_hold_the_database_is_one_line(elsewhere: Path) -> None:
    (elsewhere / "data").write_text("a file where the folder should be")
    config = elsewhere / "monitor.yaml"
    check = run("check", "--config", str(config))
    assert check.exit_code == 1
    assert f"database: cannot create {elsewhere / 'data' / 'monitor.db'}: {elsewhere / 'data'} is not a folder" \
        in check.output
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = news_monitor(["once", "--config", str(config)], env=env, timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines == [f"news-monitor: cannot create {elsewhere / 'data' / 'monitor.db'}: "
                     f"{elsewhere / 'data'} is not a folder; change `database:`"], proc.stderr


def _as_nobody() -> list[str] | None:
    setpriv = shutil.which("setpriv")
    if os.getuid() != 0 or setpriv is None:
        return None
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_an_unwritable_folder_is_permission_denied_in_one_line() -> None:
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("needs root and setpriv to run the CLI as an unprivileged user (uid 65534)")
    with tempfile.TemporaryDirectory(prefix="nm-locked-") as top:  # pytest's tmp_path is 0700
        _unwritable(prefix, Path(top))


def _unwritable(prefix: list[str], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    config = tmp_path / "monitor.yaml"
    config.write_text(f"database: sqlite:///{locked}/monitor.db\nfeeds: []\n")
    for path in (tmp_path, config):
        path.chmod(0o755 if path.is_dir() else 0o644)
    locked.chmod(0o755)  # owned by root: nobody may not create files in it
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    probe = run_in_group([*prefix, sys.executable, "-c", "import monitor.cli"], env=env, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"uid 65534 cannot run this venv: {probe.stderr.strip()[-200:]}")
    for command, code in ((["check"], 1), (["once"], 1)):
        proc = run_in_group([*prefix, sys.executable, "-m", "monitor", *command, "--config", str(config)],
                            env=env, timeout=120)
        assert proc.returncode == code, proc.stderr
        assert f"cannot create {locked / 'monitor.db'}: permission denied" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) <= 2, proc.stderr  # no traceback


def test_once_strict_exits_1_when_a_feed_fails(elsewhere: Path) -> None:
    """Issue 14: `once` exits 0 whatever the feeds did; `--strict` makes a failed feed exit 1."""
    (elsewhere / "monitor.yaml").write_text(CONFIG.replace('feeds: [{url: "file:feed.xml", name: Local}]',
                                                           'feeds: [{url: "file:feed.xml", name: Local}, '
                                                           '{url: "file:missing.xml", name: Gone}]'))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    codes = []
    for extra in ([], ["--strict"]):
        proc = news_monitor(["once", "--all", *extra, "--config", str(elsewhere / "monitor.yaml")], env=env,
                            timeout=120)
        codes.append(proc.returncode)
    assert codes == [0, 1], proc.stderr
    assert "--strict: 1 of 2 feeds failed" in proc.stderr
