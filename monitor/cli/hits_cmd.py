"""`hits`: what the rules matched, for people and for analysts' tools."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from monitor.cli.options import ConfigOption, load_or_exit, open_store
from monitor.cli.render import dumps, hit_record, jsonl, to_csv
from monitor.clock import SystemClock
from monitor.units import parse_duration

CSV_COLUMNS = ("id", "rule", "rule_name", "matched_at", "published", "source", "title", "url", "terms", "snippet",
               "outlets")


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def register(app: typer.Typer) -> None:
    @app.command()
    def hits(config: Path | None = ConfigOption,
             rule: str | None = typer.Option(None, "--rule", help="Only this rule id."),
             since: str | None = typer.Option(None, "--since", help="Only hits newer than this, e.g. 2h, 7d."),
             limit: int | None = typer.Option(None, "--limit", help="At most this many (newest first)."),
             as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
             fmt: Format = typer.Option(Format.table, "--format", help="table, json, jsonl or csv."),
             feed_url: bool = typer.Option(False, "--feed-url",
                                           help="Print the Atom and JSON Feed URLs of these hits (with --rule: "
                                                "that rule's), with their key, for a feed reader.")) -> None:
        """List recorded hits, newest first."""
        cfg = load_or_exit(config)
        if feed_url:
            typer.echo(feed_urls(cfg, rule))
            return
        try:
            cutoff = SystemClock().now() - parse_duration(since) if since else None
        except ValueError as exc:
            typer.echo(f"--since: {exc}", err=True)
            raise typer.Exit(2) from None
        store = open_store(cfg, existing=True)
        try:
            found = store.list_hits(rule=rule, since=cutoff, limit=limit)
        finally:
            store.close()
        if rule and not found and rule not in {r.id for r in cfg.rules}:
            known = ", ".join(r.id for r in cfg.rules) or "none"
            typer.echo(f"unknown rule {rule!r}: the config defines {known} (nothing is recorded under that id)",
                       err=True)
            raise typer.Exit(2)
        records = [hit_record(h) for h in found]
        fmt = Format.json if as_json else fmt
        if fmt is Format.json:
            typer.echo(dumps(records))
        elif fmt is Format.jsonl:
            typer.echo(jsonl(records), nl=False)
        elif fmt is Format.csv:
            typer.echo(to_csv(records, CSV_COLUMNS), nl=False)
        elif not records:
            typer.echo("no hits" + (f" for rule {rule}" if rule else "") + (f" in the last {since}" if since else ""))
        else:
            for h in found:
                typer.echo(f"#{h.id} {h.matched_at:%Y-%m-%d %H:%M} [{h.rule}] {h.title}\n"
                           f"    {h.source} | {h.url}\n    {h.snippet}\n")



def feed_urls(cfg, rule: str | None) -> str:  # type: ignore[no-untyped-def]
    """The hit feed URLs on this config's http.listen, each with its own key
    when http.token is set (docs/archive.md)."""
    from monitor.web.auth import feed_key

    host = cfg.http.listen
    if host.startswith("0.0.0.0:") or host.startswith("[::]:"):
        host = "HOST:" + host.rsplit(":", 1)[1]
    lines = []
    for ext in ("atom", "json"):
        path = f"/feeds/rules/{rule}.{ext}" if rule else f"/feeds/hits.{ext}"
        key = f"?key={feed_key(cfg.http.token, path)}" if cfg.http.token else ""
        lines.append(f"http://{host}{path}{key}")
    if not cfg.http.token:
        lines.append("(no http.token: these answer on loopback only; set http.token to read them from elsewhere)")
    return "\n".join(lines)
