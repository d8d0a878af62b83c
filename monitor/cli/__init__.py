"""The `news-monitor` command.  Each command lives in its own module with a
`register(app)` function; this module only assembles them."""

from __future__ import annotations

import typer

from monitor import __version__
from monitor.errors import MonitorError
from monitor.cli import (
    backtest_cmd,
    check_cmd,
    daemon_cmd,
    db_cmd,
    deliveries_cmd,
    feeds_cmd,
    hits_cmd,
    match_cmd,
    search_cmd,
    stories_cmd,
)

_MODULES = (daemon_cmd, check_cmd, match_cmd, hits_cmd, feeds_cmd, stories_cmd, deliveries_cmd, backtest_cmd, search_cmd, db_cmd)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"news-monitor {__version__}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="news-monitor",
        help="Watch news feeds, match articles against watch rules, alert once per story.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                     help="Print the version and exit."),
    ) -> None:
        """news-monitor: a self-hosted news monitoring and alerting daemon."""

    for module in _MODULES:
        module.register(app)
    return app


def main() -> None:
    """The console command.  A MonitorError (the database, a channel, the
    config) is one line on stderr and exit status 1, never a traceback."""
    try:
        build_app()()
    except MonitorError as exc:
        typer.echo(f"news-monitor: {exc}", err=True)
        raise SystemExit(1) from None
