"""Prometheus metrics, in a registry owned by the App (no module-level state).

Counters and histograms are counted in-process by the pipeline and daemon;
totals that must survive a restart (hits by rule, deliveries by channel and
status, queue depths, feeds by status) are read from the database at scrape
time by a custom collector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.polls = Counter("news_monitor_polls", "Feed polls by result status.", ["status"], registry=r)
        self.poll_errors = Counter("news_monitor_poll_errors", "Failed feed polls by error kind.", ["kind"],
                                   registry=r)
        self.articles = Counter("news_monitor_articles", "New articles by text source (full text or feed fallback).",
                                ["text_source"], registry=r)
        self.hits = Counter("news_monitor_hits_recorded", "Hits recorded by this process, by rule.", ["rule"],
                            registry=r)
        self.cycle_seconds = Histogram("news_monitor_cycle_seconds", "Duration of one poll cycle: a burst under once, the polls one tick started under run.", registry=r,
                                       buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600))
        self.poll_seconds = Histogram("news_monitor_poll_seconds", "Duration of one feed's poll.", registry=r,
                                      buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300))
        self.database_errors = Counter("news_monitor_database_errors",
                                       "Database calls that failed after their retries (not counted as feed or "
                                       "channel errors).", registry=r)
        self.websub_pushes = Counter("news_monitor_websub_pushes",
                                     "Content pushed by WebSub hubs, by result (accepted, bad-signature: dropped, "
                                     "unknown subscription, busy).", ["result"], registry=r)
        self.websub_requests = Counter("news_monitor_websub_requests",
                                       "Subscription requests to WebSub hubs, by mode and outcome.",
                                       ["mode", "outcome"], registry=r)
        self.extract_seconds = Histogram("news_monitor_extraction_seconds", "Duration of one page extraction.",
                                         registry=r, buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 20))

    def watch_store(self, snapshot: Callable[[], dict]) -> None:
        """Expose database totals; `snapshot()` returns store.stats()."""
        self.registry.register(_StoreCollector(snapshot))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _StoreCollector(Collector):
    def __init__(self, snapshot: Callable[[], dict]) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[GaugeMetricFamily]:
        stats = self.snapshot()
        feeds = GaugeMetricFamily("news_monitor_feeds", "Active feeds by status.", labels=["status"])
        for status, n in stats.get("feeds", {}).items():
            feeds.add_metric([status], n)
        yield feeds
        hits = GaugeMetricFamily("news_monitor_hits", "Hits stored, by rule.", labels=["rule"])
        for rule, n in stats.get("hits", {}).items():
            hits.add_metric([rule], n)
        yield hits
        deliveries = GaugeMetricFamily("news_monitor_deliveries", "Deliveries by channel and status.",
                                       labels=["channel", "status"])
        for (channel, status), n in stats.get("deliveries", {}).items():
            deliveries.add_metric([channel, status], n)
        yield deliveries
        queue = GaugeMetricFamily("news_monitor_queue_depth", "Deliveries waiting to be sent (pending).",
                                  labels=["channel"])
        for (channel, status), n in stats.get("deliveries", {}).items():
            if status == "pending":
                queue.add_metric([channel], n)
        yield queue
        articles = GaugeMetricFamily("news_monitor_articles_stored", "Articles stored, by text source.",
                                     labels=["text_source"])
        for source, n in stats.get("articles", {}).items():
            articles.add_metric([source], n)
        yield articles
