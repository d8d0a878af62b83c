"""`feeds add URL`, `feeds import FILE.opml`, `feeds export`: the feed list,
in a `feed_files:` file the config loads (written as text, checked by
loading the config after, undone when it does not load)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import unquote
from typing import Any

import typer

from monitor.cli.options import ConfigOption, config_path, load_or_exit

DEFAULT_FILE = "feeds/added.yaml"
ToOption = typer.Option(None, "--to", help=f"The feeds file to append to (default: {DEFAULT_FILE} beside the "
                                           "config; a `feed_files:` glob must match it).")


def _target(cfg, to: Path | None) -> Path:  # type: ignore[no-untyped-def]
    path = to if to is not None else cfg.path.parent / DEFAULT_FILE
    import fnmatch
    import os

    absolute = os.path.abspath(path)
    if not any(fnmatch.fnmatch(absolute, pattern) for pattern in cfg.feed_patterns):
        rel = os.path.relpath(absolute, cfg.path.parent)
        typer.echo(f"{cfg.path}: no `feed_files:` glob loads {rel}; add `feed_files: [{rel}]` (or a glob such as "
                   f"{os.path.dirname(rel) or '.'}/*.yaml) to the config, or pass --to a file it loads", err=True)
        raise typer.Exit(1)
    return Path(absolute)


def _append(cfg, target: Path, entries: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    """Append, then load the config: if it no longer loads, undo and say why."""
    from monitor.config import load_config
    from monitor.config.feedfile import append_feeds, restore
    from monitor.errors import ConfigError

    before = append_feeds(target, entries)
    try:
        load_config(cfg.path)
    except ConfigError as exc:
        restore(target, before)
        for problem in exc.problems:
            typer.echo(problem, err=True)
        typer.echo(f"{target}: not changed (the config would not load)", err=True)
        raise typer.Exit(1) from None


def config_relative(url: str, base: Path) -> str:
    """A relative `file:` URL as the config reads it: from the config file's
    directory (`base`), not the working directory; any other URL as it is.

    >>> config_relative("file:feeds/a.xml", Path("/srv/monitor"))
    'file:///srv/monitor/feeds/a.xml'
    >>> config_relative("https://example.com/rss", Path("/srv/monitor"))
    'https://example.com/rss'
    """
    if url[:5].lower() != "file:" or url[5:7] == "//":
        return url
    return (base / Path(unquote(url[5:]))).resolve().as_uri()


def register_editing(group: typer.Typer) -> None:
    @group.command("add")
    def add(url: str = typer.Argument(..., help="A feed URL, or a site/page whose feed is discovered."),
            config: Path | None = ConfigOption, to: Path | None = ToOption,
            name: str | None = typer.Option(None, "--name", help="Its name (default: the feed's title)."),
            tags: list[str] = typer.Option([], "--tag", help="A tag (repeatable)."),
            dry_run: bool = typer.Option(False, "--dry-run", help="Only say which feed would be added.")) -> None:
        """Add a feed: URL itself when it is one, else the feed its page names
        (<link rel="alternate">) or one at a common path of its site."""
        from monitor.fetch.discover import discover
        from monitor.fetch.http import Fetcher
        from monitor.fetch.settings import FetchSettings

        cfg = load_or_exit(config)
        wanted = config_relative(url, cfg.path.parent)

        async def find():  # type: ignore[no-untyped-def]
            fetcher = Fetcher(FetchSettings.from_config(cfg.fetch, cfg.poll))
            try:
                return await discover(fetcher, wanted)
            finally:
                await fetcher.aclose()

        found = asyncio.run(find())
        if found.url is None:
            typer.echo(f"{url}: {found.error}; tried {', '.join(found.tried)}", err=True)
            raise typer.Exit(1)
        if any(f.url == found.url for f in cfg.feeds):
            typer.echo(f"{found.url} is already a feed of {cfg.path}; nothing added")
            return
        entry: dict[str, Any] = {"url": found.url, "name": name or found.title or found.url}
        if tags:
            entry["tags"] = list(tags)
        if dry_run:
            typer.echo(f"would add {entry['name']}: {found.url}")
            return
        target = _target(cfg, to)
        _append(cfg, target, [entry])
        typer.echo(f"added {entry['name']}: {found.url} to {target}")

    @group.command("import")
    def import_(file: Path = typer.Argument(..., help="An OPML file (a feed reader's export)."),
                config: Path | None = ConfigOption, to: Path | None = ToOption) -> None:
        """Add the feeds of an OPML file (folders and categories become tags); feeds already in the
        config are skipped."""
        from monitor.parse.opml import parse_opml

        cfg = load_or_exit(config)
        try:
            found = parse_opml(file.read_bytes())
        except (OSError, ValueError) as exc:
            typer.echo(f"{file}: {exc}", err=True)
            raise typer.Exit(1) from None
        known = {f.url for f in cfg.feeds}
        new = [f for f in found if f.url not in known]
        if not new:
            typer.echo(f"{file}: {len(found)} feeds, all already in the config; nothing added")
            return
        target = _target(cfg, to)
        _append(cfg, target, [{"url": f.url, "name": f.name, **({"tags": list(f.tags)} if f.tags else {})}
                              for f in new])
        typer.echo(f"added {len(new)} feeds to {target} ({len(found) - len(new)} already there)")

    @group.command("export")
    def export(config: Path | None = ConfigOption,
               output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout.")) -> None:
        """Every configured feed as OPML 2.0 (for a feed reader, or `feeds import` elsewhere); a URL
        with a `${VAR}` is written as the config writes it, never with its value."""
        from monitor.parse.opml import render_opml

        cfg = load_or_exit(config)
        text = render_opml(((f.name, f.written or f.url, f.tags) for f in cfg.feeds), title=f"news-monitor feeds ({config_path(config)})")
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
