"""What to do after a send: pure decisions, no I/O.

    decide(result, attempts, max_attempts, now, rand) -> Outcome
      ok                         -> sent
      permanent or attempts used -> dead (with the channel's answer)
      otherwise                  -> retry at now + delay, where delay is the
                                    Retry-After the channel gave (capped), or
                                    exponential backoff with jitter (monitor.backoff,
                                    the policy feed polls use too):
                                    base * 2**(attempts-1), +-50 %, capped

>>> backoff(1, rand=lambda: 0.5)
datetime.timedelta(seconds=30)
>>> backoff(3, rand=lambda: 0.0)
datetime.timedelta(seconds=60)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Literal

from monitor.backoff import backoff as backoff_policy
from monitor.fetch.politeness import MAX_RETRY_AFTER, parse_retry_after  # the one Retry-After parser (capped)
from monitor.types import SendResult

__all__ = ["Outcome", "backoff", "decide", "parse_retry_after"]

BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
JITTER = 0.5  # +-50 %: deliveries that failed together spread over a whole backoff step



@dataclass(frozen=True)
class Outcome:
    action: Literal["sent", "retry", "dead"]
    next_attempt_at: datetime | None = None
    error: str = ""


def backoff(attempts: int, *, rand: Callable[[], float],
            base: timedelta = BASE_DELAY, cap: timedelta = MAX_DELAY) -> timedelta:
    """Delay before the next try after `attempts` failed tries (1 = the first failed):
    exponential, +-JITTER, capped."""
    return backoff_policy(attempts, base=base, cap=cap, jitter=JITTER, rand=rand)


def decide(result: SendResult, *, attempts: int, max_attempts: int, now: datetime,
           rand: Callable[[], float]) -> Outcome:
    """`attempts` counts this try (1 after the first send)."""
    if result.ok:
        return Outcome("sent")
    error = result.detail or "failed"
    if result.permanent:
        return Outcome("dead", error=f"{error} (permanent: not retried)")
    if attempts >= max_attempts:
        return Outcome("dead", error=f"{error} (gave up after {attempts} attempts)")
    if result.retry_after is not None:
        delay = min(max(result.retry_after, timedelta(0)), MAX_RETRY_AFTER)  # a hand-made SendResult too
    else:
        delay = backoff(attempts, rand=rand)
    return Outcome("retry", next_attempt_at=now + delay, error=error)
