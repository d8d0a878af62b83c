"""`backtest` and `backfill`: a rule (stored or draft) over the stored articles."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from monitor.cli.options import ConfigOption, load_or_exit, open_store
from monitor.cli.render import dumps
from monitor.clock import SystemClock
from monitor.errors import RuleError
from monitor.units import parse_duration


def since_option(value: str | None, now: datetime, default: str | None = None) -> datetime | None:
    text = value or default
    if not text:
        return None
    try:
        return now - parse_duration(text)
    except ValueError:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            typer.echo(f"--since: expected a duration like 30d or an ISO date, got {text!r}", err=True)
            raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    @app.command()
    def backtest(config: Path | None = ConfigOption,
                 rule: str | None = typer.Option(None, "--rule", help="A configured rule id."),
                 query: str | None = typer.Option(None, "--query",
                                                  help="A draft query (with --rule: compared with the stored one)."),
                 since: str | None = typer.Option("30d", "--since", help="Articles dated from, e.g. 7d or 2026-11-01."),
                 sample: int = typer.Option(10, "--sample", min=0, help="Matches shown."),
                 as_json: bool = typer.Option(False, "--json", help="The result as JSON (docs/archive.md).")) -> None:
        """What a rule (stored or draft) matches among the stored articles: stories per day, total,
        the newest matches with snippets; --rule with --query shows what the draft gains and loses."""
        from monitor.archive.runner import run_backtest
        from monitor.archive.views import backtest_record, backtest_text

        cfg = load_or_exit(config)
        now = SystemClock().now()
        cutoff = since_option(since, now)
        store = open_store(cfg, existing=True)
        try:
            result = run_backtest(store, cfg, rule=rule, query=query, since=cutoff, now=now,
                                  deadline=cfg.poll.match_deadline.total_seconds(), sample=sample)
        except (ValueError, RuleError) as exc:
            typer.echo(_problem(exc), err=True)
            raise typer.Exit(2) from None
        finally:
            store.close()
        typer.echo(dumps(backtest_record(result, sample=sample)) if as_json else backtest_text(result, sample=sample))

    @app.command()
    def backfill(rule: str = typer.Argument(..., help="A configured rule id."),
                 config: Path | None = ConfigOption,
                 since: str = typer.Option("7d", "--since", help="Articles dated from, e.g. 7d."),
                 alert: bool = typer.Option(False, "--alert",
                                            help="Deliver the new hits like any hit (once per story)."),
                 as_json: bool = typer.Option(False, "--json", help="The new hits as JSON.")) -> None:
        """Record the hits RULE would have had on the stored articles since --since: without
        --alert they are recorded, not sent; with it they go through the outbox like any hit."""
        from monitor.archive.runner import run_backfill

        cfg = load_or_exit(config)
        if not any(r.id == rule for r in cfg.rules):
            typer.echo(f"no rule {rule!r} in the config (rules: {', '.join(r.id for r in cfg.rules) or 'none'})",
                       err=True)
            raise typer.Exit(2)
        now = SystemClock().now()
        cutoff = since_option(since, now)
        store = open_store(cfg, existing=True)
        try:
            result, created = run_backfill(store, cfg, rule, since=cutoff, now=now, alert=alert,  # type: ignore[arg-type]
                                           deadline=cfg.poll.match_deadline.total_seconds())
            views = [store.get_hit(h.id) for h in created]
        except (ValueError, RuleError) as exc:
            typer.echo(_problem(exc), err=True)
            raise typer.Exit(2) from None
        finally:
            store.close()
        if as_json:
            from monitor.cli.render import hit_record

            typer.echo(dumps({"matched": result.total, "recorded": len(created),
                              "deliveries": sum(len(h.deliveries) for h in created),
                              "hits": [hit_record(v) for v in views if v is not None]}))
            return
        sent = sum(len(h.deliveries) for h in created)
        typer.echo(f"rule {rule}: {result.total} stories matched since {cutoff:%Y-%m-%d}; "  # type: ignore[union-attr]
                   f"{len(created)} new hits recorded ({result.total - len(created)} had one already); "
                   + (f"{sent} deliveries queued (sent by the daemon's dispatcher, or the next `once`)"
                      if alert else "nothing sent (add --alert to deliver them)"))


def _problem(exc: Exception) -> str:
    if isinstance(exc, RuleError):
        return "\n".join(exc.problems)
    return str(exc)
