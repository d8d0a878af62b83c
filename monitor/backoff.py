"""The one exponential backoff (pure): feed polls after errors
(monitor.poll.schedule) and delivery retries (monitor.alerts.retry) both use
it, each with its own base, cap and jitter.

>>> [str(exponential(n, base=timedelta(seconds=30), cap=timedelta(hours=6))) for n in (1, 2, 3, 20)]
['0:00:30', '0:01:00', '0:02:00', '6:00:00']
"""

from __future__ import annotations

from datetime import timedelta


def exponential(failures: int, *, base: timedelta, cap: timedelta) -> timedelta:
    """base * 2**(failures-1), never above cap (`failures` 1 = the first failure)."""
    exponent = min(max(failures, 1) - 1, 40)  # 2**40 times any base is past any cap
    return min(base * (2 ** exponent), cap)
