"""`news-monitor db upgrade`."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from monitor.cli import db_cmd
from monitor.errors import ConfigError
from monitor.store import Store
from monitor.store.migrate import head_revision


def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        pass

    db_cmd.register(root)
    return root


def test_db_upgrade_with_a_database_url(any_url: str) -> None:
    result = CliRunner().invoke(app(), ["db", "upgrade", "--database", any_url])
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()} (upgraded from an empty database)" in result.output
    again = CliRunner().invoke(app(), ["db", "upgrade", "--database", any_url])
    assert "already up to date" in again.output
    store = Store.open(any_url)
    assert store.revision() == head_revision()
    store.close()


def test_db_upgrade_reads_the_database_from_the_config(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text('database: "${TEST_DB:-sqlite:///%s/x/monitor.db}"\n' % tmp_path)
    monkeypatch.delenv("TEST_DB", raising=False)
    assert db_cmd.read_database_key(cfg) == f"sqlite:///{tmp_path}/x/monitor.db"
    assert db_cmd.read_database_key(cfg, {"TEST_DB": "sqlite:///y.db"}) == "sqlite:///y.db"
    result = CliRunner().invoke(app(), ["db", "upgrade", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / "monitor.db").exists()


def test_unset_variable_without_default_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "monitor.yaml"
    cfg.write_text('database: "${NOPE_DB}"\n')
    with pytest.raises(ConfigError, match=r"\$\{NOPE_DB\} is not set"):
        db_cmd.read_database_key(cfg, {})


def test_missing_config_and_bad_url_fail_with_a_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(app(), ["db", "upgrade", "--config", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1 and "no such config file" in result.output
    result = CliRunner().invoke(app(), ["db", "upgrade", "--database", "mysql://x@y/z"])
    assert result.exit_code == 1 and "only sqlite:/// and postgresql+psycopg://" in result.output
