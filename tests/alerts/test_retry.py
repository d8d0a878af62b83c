"""Backoff with jitter, Retry-After, dead after max attempts: pure decisions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from monitor.alerts import backoff, decide, parse_retry_after
from monitor.alerts.retry import MAX_DELAY
from monitor.types import SendResult

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_backoff_doubles_within_jitter_bounds_and_is_capped() -> None:
    mids = [backoff(n, rand=lambda: 0.5) for n in range(1, 6)]
    lows = [backoff(n, rand=lambda: 0.0) for n in range(1, 6)]
    highs = [backoff(n, rand=lambda: 0.999999) for n in range(1, 6)]
    assert [m.total_seconds() for m in mids] == [30, 60, 120, 240, 480]
    assert all(lo * 2 == mid and mid < hi < mid * 1.5 for lo, mid, hi in zip(lows, mids, highs))  # +-50 %
    assert backoff(40, rand=lambda: 0.999999) == MAX_DELAY


def test_jitter_spreads_retries() -> None:
    values = {backoff(3, rand=lambda r=r: r / 10) for r in range(11)}
    assert len(values) == 11


def test_decide_sent_retry_dead() -> None:
    fail = SendResult(ok=False, detail="HTTP 503")
    assert decide(SendResult(ok=True), attempts=1, max_attempts=3, now=NOW, rand=lambda: 0.5).action == "sent"
    retry = decide(fail, attempts=1, max_attempts=3, now=NOW, rand=lambda: 0.5)
    assert (retry.action, retry.next_attempt_at, retry.error) == ("retry", NOW + timedelta(seconds=30), "HTTP 503")
    dead = decide(fail, attempts=3, max_attempts=3, now=NOW, rand=lambda: 0.5)
    assert dead.action == "dead" and "HTTP 503" in dead.error and "3 attempts" in dead.error


def test_retry_after_is_honoured_instead_of_backoff() -> None:
    result = SendResult(ok=False, detail="HTTP 429", retry_after=timedelta(seconds=120))
    out = decide(result, attempts=1, max_attempts=5, now=NOW, rand=lambda: 0.0)
    assert out.next_attempt_at == NOW + timedelta(seconds=120)


def test_permanent_failure_is_dead_at_once() -> None:
    out = decide(SendResult(ok=False, detail="HTTP 404", permanent=True), attempts=1,
                 max_attempts=8, now=NOW, rand=lambda: 0.0)
    assert out.action == "dead" and "HTTP 404" in out.error


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("7", NOW) == timedelta(seconds=7)
    assert parse_retry_after("Thu, 01 Jan 2026 00:02:00 GMT", NOW) == timedelta(minutes=2)
    assert parse_retry_after("Wed, 31 Dec 2025 00:00:00 GMT", NOW) == timedelta(0)
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None
