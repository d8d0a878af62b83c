"""`news-monitor check [--config FILE]`: validate the whole config, rule
examples included.  Exit 0 with a one-line summary, or 1 with every problem
on stderr, one per line."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.cli.options import ConfigOption, config_path


def register(app: typer.Typer) -> None:
    @app.command()
    def check(config: Path | None = ConfigOption) -> None:
        """Validate the config (feeds, rules and their examples, channels); exit 1 listing every problem."""
        from monitor.config import load_config
        from monitor.errors import ConfigError

        path = config_path(config)
        if not path.is_file():
            typer.echo(f"{path}: no such config file; pass --config FILE or set NEWS_MONITOR_CONFIG",
                       err=True)
            raise typer.Exit(1)
        try:
            cfg = load_config(path)
        except ConfigError as exc:
            for problem in exc.problems:
                typer.echo(problem, err=True)
            count = len(exc.problems)
            typer.echo(f"config has {count} problem{'s' if count != 1 else ''}", err=True)
            raise typer.Exit(1) from None
        from monitor.store.engine import sqlite_path, sqlite_problem

        db = sqlite_path(cfg.database)
        db_problem = sqlite_problem(db) if db is not None else None
        if db_problem is not None:
            typer.echo(f"{path}: database: {db_problem}", err=True)
            typer.echo("config has 1 problem", err=True)
            raise typer.Exit(1)
        files = ", ".join(str(f) for f in cfg.files)
        typer.echo(f"config OK: {len(cfg.feeds)} feeds, {len(cfg.rules)} rules, "
                   f"{len(cfg.channels)} channels (files: {files})")
        if db is not None:
            typer.echo(f"database: {db}" + ("" if db.exists() else " (created at the first run)"))
