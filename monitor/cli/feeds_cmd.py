"""`feeds`: every feed with its health; `feeds add`, `feeds import`, `feeds
export`: the feed list itself (feed files, OPML)."""

from __future__ import annotations

from pathlib import Path

import typer

from monitor.cli.options import ConfigOption, load_or_exit, open_store
from monitor.cli.render import ago, dumps, feed_record, interval_text, table
from monitor.clock import SystemClock
from monitor.logs import feed_secrets
from monitor.redact import Redactor
from monitor.views import shown_feed

from monitor.cli.feeds_edit import register_editing


def register(app: typer.Typer) -> None:
    group = typer.Typer(invoke_without_command=True, no_args_is_help=False)
    app.add_typer(group, name="feeds")
    register_editing(group)

    @group.callback()
    def feeds(ctx: typer.Context, config: Path | None = ConfigOption,
              as_json: bool = typer.Option(False, "--json", help="JSON array of feeds."),
              inactive: bool = typer.Option(False, "--inactive", help="Also feeds removed from the config.")) -> None:
        """List feeds and their health: status, last success, consecutive errors,
        next poll, items per day, full-text rate, backlog, last error with its kind.
        Subcommands add, import and export edit the feed list."""
        if ctx.invoked_subcommand is not None:
            return
        cfg = load_or_exit(config)
        store = open_store(cfg, existing=True)
        try:
            redact = Redactor(feed_secrets(cfg))
            found = [shown_feed(f, redact) for f in store.list_feeds() if f.active or inactive]
        finally:
            store.close()
        if as_json:
            typer.echo(dumps([feed_record(f) for f in found]))
            return
        now = SystemClock().now()
        rows = [(f.name[:28], f.status, f.error_count, ago(f.last_success_at, now), ago(f.next_poll_at, now),
                 interval_text(f), _number(f.items_per_day), _percent(f.full_text_rate), f.articles,
                 f.backlog, _last_error(f))
                for f in found]
        typer.echo(table(rows, ("feed", "status", "errors", "last success", "next poll", "interval", "items/day",
                                "full text", "articles", "backlog", "last error")))
        for f in found:
            if f.push:
                typer.echo(f"websub: {f.name}: {f.push}")
        moved = [f for f in found if f.configured_url and f.url != f.configured_url]
        for f in moved:
            typer.echo(f"note: {f.name} moved permanently: {f.configured_url} -> {f.url}")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _last_error(feed) -> str:  # type: ignore[no-untyped-def]
    if not feed.last_error:
        return ""
    return f"[{feed.last_error_kind or 'error'}] {feed.last_error}"[:90]
