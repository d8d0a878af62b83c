"""A sample alert: used by `news-monitor test-channel` and to check templates
when a channel is built."""

from __future__ import annotations

from datetime import datetime, timezone

from monitor.types import Delivery, HitView


def sample_hit(now: datetime | None = None) -> HitView:
    when = now or datetime(2026, 1, 1, 8, 0, tzinfo=timezone.utc)
    return HitView(
        id=0, rule="test-channel", rule_name="news-monitor test alert",
        url="https://example.com/news/china-envoy-pyongyang",
        title="China sends special envoy to Pyongyang",
        source="Example Wire", published=when, matched_at=when,
        snippet="Xi Jinping is sending a senior **diplomat** to **North Korea** as a special **envoy**",
        terms=("diplomat", "North Korea", "envoy"), outlets=("Example Daily",))


def sample_delivery(channel: str, now: datetime | None = None, key: str = "test-0") -> Delivery:
    return Delivery(id=0, channel=channel, key=key, attempts=0, hits=(sample_hit(now),))
