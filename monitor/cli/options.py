"""Options shared by several commands."""

from __future__ import annotations

import os
from pathlib import Path

import typer

DEFAULT_CONFIG = "config/monitor.yaml"

ConfigOption = typer.Option(
    None, "--config", "-c",
    help=f"Config file (default: $NEWS_MONITOR_CONFIG or {DEFAULT_CONFIG}).",
)


def config_path(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get("NEWS_MONITOR_CONFIG") or DEFAULT_CONFIG)


def load_or_exit(value: Path | None):
    """Load the config, or print every problem and exit 1."""
    from monitor.config import load_config
    from monitor.errors import ConfigError

    path = config_path(value)
    if not path.exists():
        typer.echo(f"{path}: no such config file (use --config FILE or set NEWS_MONITOR_CONFIG)", err=True)
        raise typer.Exit(1)
    try:
        return load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        raise typer.Exit(1) from None


def open_store(config, *, existing: bool = False):
    """The config's store, schema upgraded.  existing=True (commands that
    only read what the daemon recorded): a SQLite file that does not exist is
    refused, naming it, instead of silently creating an empty database."""
    from monitor.store import Store
    from monitor.store.engine import sqlite_path

    path = sqlite_path(config.database)
    if existing and path is not None and not path.exists():
        typer.echo(f"no database at {path} (database: in {config.path}); nothing was recorded there: "
                   "check --config, or run `news-monitor once` / `run` first", err=True)
        raise typer.Exit(1)
    store = Store.open(config.database)
    store.upgrade()
    return store
