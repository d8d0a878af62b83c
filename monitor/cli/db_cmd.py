"""`db upgrade`: bring the database schema to the newest migration.  The
daemon does the same at start; this command lets an operator do it first
(e.g. before rolling out replicas)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import typer

from monitor.cli.options import ConfigOption, config_path
from monitor.errors import ConfigError, MonitorError

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def register(app: typer.Typer) -> None:
    db = typer.Typer(name="db", help="Database maintenance.", no_args_is_help=True)

    @db.command("upgrade")
    def upgrade(config: Path | None = ConfigOption,
                database: str | None = typer.Option(
                    None, "--database", help="Database URL (instead of the config's `database:`), "
                                             "e.g. postgresql+psycopg://monitor@db/monitor.")) -> None:
        """Apply the schema migrations (idempotent; a fresh database gets every table)."""
        from monitor.store import Store

        try:
            url = database or database_url(config_path(config))
            store = Store.open(url)
        except MonitorError as exc:
            _fail(exc)
        try:
            before = store.revision()
            store.upgrade()
            after = store.revision()
        except Exception as exc:  # noqa: BLE001  (a driver error: say which database, and stop)
            _fail(f"{store.url}: upgrade failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        finally:
            store.close()
        change = "already up to date" if before == after else f"upgraded from {before or 'an empty database'}"
        typer.echo(f"{store.url}: schema at revision {after} ({change})")

    app.add_typer(db, name="db")


def _fail(problem: object) -> None:
    for line in (problem.problems if isinstance(problem, ConfigError) else [str(problem)]):
        typer.echo(line, err=True)
    raise typer.Exit(1)


def database_url(path: Path) -> str:
    """The config's `database:` URL: through monitor.config when it is there,
    else read from the YAML alone (with ${VAR} and ${VAR:-default} expanded)."""
    if not path.exists():
        raise ConfigError(f"{path}: no such config file (use --config FILE, NEWS_MONITOR_CONFIG "
                          "or --database URL)")
    try:
        from monitor.config import load_config
    except ImportError:
        return read_database_key(path)
    return str(load_config(path).database)


def read_database_key(path: Path, environ: dict[str, str] | None = None) -> str:
    import yaml

    from monitor.config.model import DEFAULT_DATABASE

    env = dict(os.environ) if environ is None else environ
    try:
        tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    value = tree.get("database", DEFAULT_DATABASE) if isinstance(tree, dict) else DEFAULT_DATABASE
    if not isinstance(value, str):
        raise ConfigError(f"{path}: database: expected a URL string, e.g. {DEFAULT_DATABASE}")

    def sub(m: re.Match[str]) -> str:
        if m.group(1) in env:
            return env[m.group(1)]
        if m.group(2) is not None:
            return m.group(2)
        raise ConfigError(f"{path}: database: ${{{m.group(1)}}} is not set (set it, or write "
                          f"${{{m.group(1)}:-default}})")

    return _VAR.sub(sub, value)
