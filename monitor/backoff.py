"""The one backoff and jitter policy (pure): feed polls (monitor.poll.schedule),
WebSub subscription retries (monitor.websub.subscriber) and delivery retries
(monitor.alerts.retry) all use it, each with its own base, cap and jitter.

    exponential(n)  base * 2**(n-1), never above cap (n = 1: the first failure)
    jittered(d)     d * (1 + jitter * u), u uniform in [-1, 1): +-jitter around d,
                    deterministic given `rand` (rand() in [0, 1); 0.5 is d itself)
    backoff(n)      jittered(exponential(n)), never above cap

>>> [str(exponential(n, base=timedelta(seconds=30), cap=timedelta(hours=6))) for n in (1, 2, 3, 20)]
['0:00:30', '0:01:00', '0:02:00', '6:00:00']
>>> [str(jittered(timedelta(minutes=10), jitter=0.1, rand=lambda r=r: r)) for r in (0.0, 0.5, 0.75)]
['0:09:00', '0:10:00', '0:10:30']
>>> str(backoff(20, base=timedelta(minutes=1), cap=timedelta(hours=6), jitter=0.5, rand=lambda: 0.99))
'6:00:00'
"""

from __future__ import annotations

from datetime import timedelta
from typing import Callable


def exponential(failures: int, *, base: timedelta, cap: timedelta) -> timedelta:
    """base * 2**(failures-1), never above cap (`failures` 1 = the first failure)."""
    exponent = min(max(failures, 1) - 1, 40)  # 2**40 times any base is past any cap
    return min(base * (2 ** exponent), cap)


def jittered(delay: timedelta, *, jitter: float, rand: Callable[[], float]) -> timedelta:
    """delay * (1 + jitter * u), u uniform in [-1, 1) from rand() in [0, 1)."""
    return delay * (1.0 + jitter * (2.0 * rand() - 1.0))


def backoff(failures: int, *, base: timedelta, cap: timedelta, jitter: float,
            rand: Callable[[], float]) -> timedelta:
    """Capped exponential backoff after `failures` consecutive failures, +-jitter, never above cap."""
    return min(jittered(exponential(failures, base=base, cap=cap), jitter=jitter, rand=rand), cap)
