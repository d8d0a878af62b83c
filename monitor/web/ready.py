"""/readyz: the checks, as data."""

from __future__ import annotations

import asyncio
from datetime import timedelta

STALE_AFTER = timedelta(minutes=5)


async def readiness(app, daemon) -> tuple[bool, dict[str, dict]]:
    checks: dict[str, dict] = {}
    try:
        await asyncio.to_thread(app.store.ping)
        checks["database"] = {"ok": True}
    except Exception as exc:  # any driver error means not ready
        checks["database"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    if daemon is not None:
        running = daemon.scheduler is not None and daemon.scheduler.running and not daemon.stop_event.is_set()
        checks["scheduler"] = {"ok": running}
        now = app.clock.now()
        last = daemon.last_cycle_at
        reference = last or daemon.started_at
        recent = reference is not None and now - reference <= STALE_AFTER
        checks["last_cycle"] = {"ok": recent, "at": last.isoformat() if last else None}
    problems = list(getattr(app, "config_problems", []))
    checks["config"] = {"ok": not problems, "problems": problems}
    return all(c["ok"] for c in checks.values()), checks
