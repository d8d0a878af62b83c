"""`search`: the archive, with a query in the rule language."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.cli.backtest_cmd import since_option
from monitor.cli.options import ConfigOption, load_or_exit, open_store
from monitor.cli.render import dumps
from monitor.clock import SystemClock
from monitor.errors import RuleError


def register(app: typer.Typer) -> None:
    @app.command()
    def search(query: str = typer.Argument(..., help="A query in the rule language, e.g. '\"special envoy\" NEAR/5 Pyongyang'."),
               config: Path | None = ConfigOption,
               since: str | None = typer.Option(None, "--since", help="Articles dated from, e.g. 7d or 2026-11-01."),
               limit: int = typer.Option(20, "--limit", min=1, max=1000, help="Results (newest first)."),
               offset: int = typer.Option(0, "--offset", min=0, help="Skip this many results."),
               as_json: bool = typer.Option(False, "--json", help="The results as JSON (docs/archive.md).")) -> None:
        """Full-text search of the stored articles (SQLite FTS5 / PostgreSQL tsvector), every
        result verified by the rule matcher."""
        from monitor.archive.search import run_search
        from monitor.archive.views import search_record, search_text

        cfg = load_or_exit(config)
        cutoff = since_option(since, SystemClock().now())
        store = open_store(cfg, existing=True)
        try:
            result = run_search(store, cfg, query, since=cutoff, limit=limit, offset=offset,
                                deadline=cfg.poll.match_deadline.total_seconds())
        except RuleError as exc:
            typer.echo("\n".join(exc.problems), err=True)
            raise typer.Exit(2) from None
        finally:
            store.close()
        typer.echo(dumps(search_record(result)) if as_json else search_text(result))
