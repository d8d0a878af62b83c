"""`news-monitor stories`: the near-duplicate stories, with their outlets,
first-seen time and the rules that matched them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import typer
from sqlalchemy.exc import DBAPIError

from monitor.cli.options import ConfigOption, config_path
from monitor.clock import SystemClock
from monitor.errors import StoreError
from monitor.stories.views import StoryView
from monitor.units import parse_duration


def render_text(stories: Sequence[StoryView]) -> str:
    """One block per story, newest first (pure, for tests)."""
    if not stories:
        return "no stories in that period"
    blocks = []
    for story in stories:
        seen = story.first_seen_at.strftime("%Y-%m-%d %H:%M UTC") if story.first_seen_at else "unknown"
        outlets = ", ".join(story.outlets) or "-"
        rules = ", ".join(story.rules) or "none"
        blocks.append(
            f"#{story.id}  {story.title}\n"
            f"    first seen {seen} · {story.article_count} article(s) · "
            f"{len(story.outlets)} outlet(s): {outlets}\n"
            f"    rules matched: {rules}")
    return "\n".join(blocks)


def render_json(stories: Sequence[StoryView]) -> str:
    return json.dumps([s.to_json() for s in stories], ensure_ascii=False, indent=2)


def list_stories(config: Path, since: str, limit: int, now: datetime) -> list[StoryView]:
    from monitor.config import load_config
    from monitor.store import Store

    try:
        window = parse_duration(since)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from None
    from monitor.store.engine import sqlite_path

    settings = load_config(config)
    path = sqlite_path(settings.database)
    if path is not None and not path.exists():
        raise StoreError(f"no database at {path} (database: in {config}); nothing was recorded there: "
                         "check --config, or run `news-monitor once` / `run` first")
    store = Store.open(settings.database)
    try:
        return store.list_stories(since=now - window, limit=limit)
    except DBAPIError as exc:
        raise StoreError(f"cannot read stories from {store.url} ({exc.orig}); "
                         "if the database is new, run `news-monitor db upgrade` first") from None
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    @app.command("stories")
    def stories(
        since: str = typer.Option("24h", "--since", help="How far back, e.g. 30m, 24h, 7d."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
        limit: int = typer.Option(100, "--limit", min=1, help="At most this many stories."),
        config: Path | None = ConfigOption,
    ) -> None:
        """List stories (near-duplicate clusters) seen recently: outlets, first seen, rules matched."""
        from monitor.errors import MonitorError

        try:
            found = list_stories(config_path(config), since, limit, SystemClock().now())
        except MonitorError as exc:
            typer.echo(f"news-monitor stories: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(render_json(found) if as_json else render_text(found))
