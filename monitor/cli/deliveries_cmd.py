"""`deliveries` (list, retry) and `test-channel`: the operator's view of the outbox.

    news-monitor deliveries [--status pending|sent|dead] [--json] [--limit N]
    news-monitor deliveries retry ID | --dead      dead deliveries become pending, due now
    news-monitor test-channel NAME                 send a sample alert, print the answer
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path

import typer

from monitor.cli.options import ConfigOption, load_or_exit, open_store
from monitor.cli.render import ago, dumps, table
from monitor.clock import SystemClock
from monitor.store.deliveries import ORPHAN_GRACE
from monitor.types import DeliveryStatus, DeliveryView, SendResult
from monitor.units import format_duration
from monitor.views import delivery_json, orphaned


class Status(str, Enum):
    pending = "pending"
    sent = "sent"
    dead = "dead"


def when(d: DeliveryView, now: datetime, channels: Sequence[str]) -> str:
    """The time that matters for its status: the next attempt of a pending
    one, when a sent one went, when a dead one was queued."""
    if orphaned(d, channels):
        left = (d.next_attempt_at or now) + ORPHAN_GRACE - now
        return ("orphaned: channel not in the config; dead " +
                (f"in {format_duration(left)}" if left.total_seconds() > 0 else "at the next dispatch"))
    if d.status == DeliveryStatus.PENDING:
        return f"next {ago(d.next_attempt_at, now)}" if d.next_attempt_at else "waits for its digest"
    if d.status == DeliveryStatus.SENT:
        return f"sent {ago(d.sent_at, now)}"
    return f"queued {ago(d.created_at, now)}"


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The delivery outbox: list deliveries, replay dead ones.",
                        no_args_is_help=False)
    app.add_typer(group, name="deliveries")

    @group.callback(invoke_without_command=True)
    def deliveries(ctx: typer.Context, config: Path | None = ConfigOption,
                   status: Status | None = typer.Option(None, "--status", help="pending, sent or dead."),
                   as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
                   limit: int = typer.Option(100, "--limit", help="At most this many, newest first.")) -> None:
        """List deliveries, newest first (subcommand: retry)."""
        if ctx.invoked_subcommand is not None:
            return
        cfg = load_or_exit(config)
        channels = list(cfg.channels)
        store = open_store(cfg, existing=True)
        try:
            found = store.list_deliveries(status=status.value if status else None, limit=limit)
        finally:
            store.close()
        if as_json:
            typer.echo(dumps([delivery_json(d, channels=channels) for d in found]))
        elif not found:
            typer.echo("no deliveries" + (f" with status {status.value}" if status else ""))
        else:
            now = SystemClock().now()
            typer.echo(table([(d.id, "orphaned" if orphaned(d, channels) else d.status, d.channel, d.kind, d.rule,
                               d.attempts, when(d, now, channels), (d.last_error or "")[:60]) for d in found],
                             ("id", "status", "channel", "kind", "rule", "tries", "when", "last error")))

    @group.command("retry")
    def retry(delivery_id: int | None = typer.Argument(None, metavar="ID", help="A dead delivery's id."),
              dead: bool = typer.Option(False, "--dead", help="Replay every dead delivery."),
              config: Path | None = ConfigOption) -> None:
        """Replay dead deliveries: they become pending and are sent on the next dispatch."""
        if (delivery_id is None) == (not dead):
            typer.echo("give a delivery ID or --dead (not both)", err=True)
            raise typer.Exit(2)
        store = open_store(load_or_exit(config), existing=True)
        try:
            n = store.replay(delivery_id=delivery_id, dead=dead, now=SystemClock().now())
            found = store.get_delivery(delivery_id) if n == 0 and delivery_id is not None else None
        finally:
            store.close()
        if n == 0 and delivery_id is not None:
            if found is None:
                typer.echo(f"no delivery {delivery_id} (see `news-monitor deliveries`)", err=True)
            else:
                typer.echo(f"delivery {delivery_id} is {found.status}, not dead: only dead deliveries are "
                           "replayed (see `news-monitor deliveries --status dead`)", err=True)
            raise typer.Exit(1)
        typer.echo(f"{n} {'delivery' if n == 1 else 'deliveries'} queued again")

    @app.command("test-channel")
    def test_channel(name: str = typer.Argument(..., help="A channel id from the config."),
                     config: Path | None = ConfigOption) -> None:
        """Send a sample alert through one channel and print the channel's answer."""
        cfg = load_or_exit(config)
        if name not in cfg.channels:
            known = ", ".join(sorted(cfg.channels)) or "none"
            typer.echo(f"no channel {name!r} in the config (known: {known})", err=True)
            raise typer.Exit(1)
        result = asyncio.run(_send_sample(cfg.channels[name]))
        typer.echo(f"{name}: {'ok' if result.ok else 'FAILED'}: {result.detail}")
        if not result.ok:
            raise typer.Exit(1)


async def _send_sample(spec) -> SendResult:  # type: ignore[no-untyped-def]
    from monitor.alerts import sample_delivery
    from monitor.alerts.channels import Deps, build_channels
    from monitor.errors import ChannelError

    clock = SystemClock()
    try:
        channel = build_channels({spec.id: spec}, Deps(clock=clock))[spec.id]
    except ChannelError as exc:
        return SendResult(ok=False, detail=str(exc))
    delivery = sample_delivery(spec.id, clock.now(), key=f"test-{uuid.uuid4().hex[:12]}")
    try:
        async with asyncio.timeout(spec.timeout.total_seconds()):
            return await channel.send(delivery)
    except TimeoutError:
        return SendResult(ok=False, detail=f"no answer within {spec.timeout.total_seconds():g}s")
    finally:
        await channel.aclose()
