"""/readyz: the checks, as data."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from monitor.runtime.status import Status
from monitor.units import iso
from monitor.runtime.threads import Threads

STALE_AFTER = timedelta(minutes=5)


async def readiness(store: Any, status: Status, threads: Threads, now: datetime) -> tuple[bool, dict[str, dict]]:
    checks: dict[str, dict] = {}
    try:
        await threads.db(store.ping)
        checks["database"] = {"ok": True}
    except Exception as exc:  # any driver error means not ready
        checks["database"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    refused = store.write_problem()  # a read-only database answers the ping: its refusals tell
    checks["writes"] = {"ok": True} if refused is None else {"ok": False, "error": refused[:300]}
    daemon = status.daemon()
    if daemon is not None:
        checks["scheduler"] = {"ok": daemon.running}
        reference = daemon.last_cycle_at or daemon.started_at
        recent = reference is not None and now - reference <= STALE_AFTER
        last = daemon.last_cycle_at
        checks["last_cycle"] = {"ok": recent, "at": iso(last)}
    problems = list(status.snapshot().problems)
    checks["config"] = {"ok": not problems, "problems": problems}
    return all(c["ok"] for c in checks.values()), checks


def without_details(checks: dict[str, dict]) -> dict[str, dict]:
    """What an unauthenticated caller may see: each check's name and ok, nothing else."""
    return {name: {"ok": check["ok"]} for name, check in checks.items()}
