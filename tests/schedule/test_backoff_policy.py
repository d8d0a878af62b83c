"""One backoff and jitter policy (monitor.backoff) for feed polls, WebSub
retries and delivery retries: the same rand gives the same spread everywhere."""

from __future__ import annotations

from datetime import timedelta

from monitor.alerts import backoff as delivery_backoff
from monitor.alerts.retry import BASE_DELAY, JITTER, MAX_DELAY
from monitor.backoff import backoff, exponential, jittered
from monitor.poll.schedule import ScheduleSettings
from monitor.poll.schedule import backoff as poll_backoff
from monitor.websub.subscriber import RETRY as WEBSUB_RETRY

RANDS = (0.0, 0.1, 0.25, 0.5, 0.75, 0.999999)


def test_jitter_is_symmetric_around_the_delay() -> None:
    d = timedelta(minutes=10)
    assert jittered(d, jitter=0.2, rand=lambda: 0.5) == d
    assert jittered(d, jitter=0.2, rand=lambda: 0.0) == timedelta(minutes=8)
    assert jittered(d, jitter=0.2, rand=lambda: 0.75) == timedelta(minutes=11)
    assert jittered(d, jitter=0.0, rand=lambda: 0.9) == d


def test_backoff_is_exponential_jittered_and_capped() -> None:
    base, cap = timedelta(seconds=10), timedelta(minutes=5)
    assert [exponential(n, base=base, cap=cap).total_seconds() for n in (0, 1, 2, 3, 6)] == [10, 10, 20, 40, 300]
    assert backoff(2, base=base, cap=cap, jitter=0.5, rand=lambda: 0.0) == timedelta(seconds=10)
    assert backoff(5, base=base, cap=3 * base * 6, jitter=0.5, rand=lambda: 0.999999) == 3 * base * 6  # 160 s * 1.5 > 180 s


def test_delivery_retries_use_the_policy() -> None:
    for r in RANDS:
        for n in range(1, 12):
            expected = backoff(n, base=BASE_DELAY, cap=MAX_DELAY, jitter=JITTER, rand=lambda r=r: r)
            assert delivery_backoff(n, rand=lambda r=r: r) == expected


def test_poll_and_websub_retries_use_the_policy() -> None:
    for settings in (ScheduleSettings(), ScheduleSettings(jitter=0.5), WEBSUB_RETRY):
        for r in RANDS:
            for n in range(1, 12):
                expected = backoff(n, base=settings.backoff_base, cap=settings.backoff_max,
                                   jitter=settings.jitter, rand=lambda r=r: r)
                assert poll_backoff(n, settings, lambda r=r: r) == expected
