"""`run` (the daemon) and `once` (poll what is due, send what is due, exit)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from monitor.cli.options import ConfigOption, load_or_exit
from monitor.logs import LogControl, secret_values


def _logging(config, verbose: bool = False) -> LogControl:  # type: ignore[no-untyped-def]
    logs = LogControl(verbose=verbose)
    logs.apply(config.log.format, config.log.level, secret_values(config))
    return logs


async def _once(config, all_feeds: bool, strict: bool = False) -> int:  # type: ignore[no-untyped-def]
    from monitor.runtime.builder import open_runtime

    async with open_runtime(config, mode="once") as runtime:
        cycle = await runtime.daemon.run(burst=True, all_feeds=all_feeds)
    assert cycle is not None
    new = sum(o.new_articles for o in cycle.outcomes)
    typer.echo(f"polled {len(cycle.outcomes)} feeds ({len(cycle.failing)} failing): "
               f"{new} new articles, {len(cycle.hits)} new hits", err=True)
    if strict and cycle.failing:
        typer.echo(f"--strict: {len(cycle.failing)} of {len(cycle.outcomes)} feeds failed", err=True)
        return 1
    return 0


async def _run(config, logs: LogControl) -> None:  # type: ignore[no-untyped-def]
    from monitor.runtime.builder import open_runtime

    async with open_runtime(config, mode="run", logs=logs) as runtime:
        await runtime.serve()


def register(app: typer.Typer) -> None:
    @app.command()
    def run(config: Path | None = ConfigOption,
            verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging.")) -> None:
        """Run the daemon: poll feeds, match, record hits, send alerts, until SIGTERM/SIGINT."""
        cfg = load_or_exit(config)
        asyncio.run(_run(cfg, _logging(cfg, verbose)))

    @app.command()
    def once(config: Path | None = ConfigOption,
             all_feeds: bool = typer.Option(False, "--all", help="Poll every feed, due or not."),
             strict: bool = typer.Option(False, "--strict",
                                         help="Exit 1 when any feed failed (default: 0 whenever the cycle ran)."),
             verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging.")) -> None:
        """Poll every feed that is due, record hits, send due alerts, then exit."""
        cfg = load_or_exit(config)
        _logging(cfg, verbose)
        raise typer.Exit(asyncio.run(_once(cfg, all_feeds, strict)))

    @app.command()
    def healthcheck(config: Path | None = ConfigOption,
                    timeout: float = typer.Option(5.0, help="Seconds to wait for an answer.")) -> None:
        """Exit 0 when the daemon's /readyz says ready, 1 otherwise (for Docker HEALTHCHECK)."""
        import httpx

        from monitor.web.listen import split_listen

        cfg = load_or_exit(config)
        host, port = split_listen(cfg.http.listen)
        host = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/readyz"
        headers = {"Authorization": f"Bearer {cfg.http.token}"} if cfg.http.token else {}
        try:
            response = httpx.get(url, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            typer.echo(f"not ready: {url}: {type(exc).__name__}: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(response.text)
        raise typer.Exit(0 if response.status_code == 200 else 1)
