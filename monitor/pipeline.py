"""One poll of one feed, and one cycle over every due feed.

The pipeline calls its dependencies in order and decides nothing itself:
next-poll times come from `monitor.schedule`, matches from the rule set,
delivery plans from `monitor.alerts.plan_deliveries`.  Per-feed problems are
results (a PollOutcome with an error), never exceptions: a cycle over 500
feeds yields 500 outcomes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from monitor.clock import Clock
from monitor.config.model import HealthConfig
from monitor.fetch.lang import detect_language
from monitor.fetch.parse import parse_feed
from monitor.fetch.urls import entry_url
from monitor.health import check_feed
from monitor.metrics import Metrics
from monitor.schedule import ScheduleSettings, next_poll, observed_publish_interval
from monitor.stories import group_batch
from monitor.units import format_duration
from monitor.types import (
    Article,
    Entry,
    FeedState,
    FetchResult,
    Match,
    PlannedDelivery,
    PollOutcome,
    RecordedHit,
    RecordItem,
    RecordResult,
)

log = logging.getLogger("monitor.pipeline")

FUTURE_SLACK = timedelta(hours=1)
SOFT_DEADLINE = 0.8  # share of feed_deadline after which article pages are no longer fetched
PAGE_CUTOFF = 0.9  # share after which pages still in flight give way to the feed's text


def _retrieve(task: asyncio.Future) -> None:
    """A shielded batch that failed after its poll gave up: say so (nobody awaits it)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("recording a batch failed: %r", task.exception())


@dataclass(frozen=True)
class PipelineSettings:
    concurrency: int = 32  # feeds polled at once
    article_concurrency: int = 8  # article pages fetched at once per feed
    max_entries: int = 1000
    record_batch: int = 50
    feed_deadline: timedelta = timedelta(minutes=5)  # one feed's whole poll (fetch, pages, extraction)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    health: HealthConfig = field(default_factory=HealthConfig)  # feed-health alerts (monitor.health)


@dataclass
class _Progress:
    """What a poll got done before its deadline: recorded work stays recorded."""

    recorded: int = 0
    fresh: int = 0
    soft_deadline: float = float("inf")  # time.monotonic(): past it, no more article pages are fetched
    page_cutoff: float = float("inf")  # past it, pages in flight are abandoned for the feed's text

    def late(self) -> bool:
        return time.monotonic() > self.soft_deadline


class Pipeline:
    """Wires fetch -> parse -> unseen -> extract -> match -> record for one feed."""

    def __init__(self, *, store, fetcher, extractor, rules, plan: Callable[[Match], Sequence[PlannedDelivery]],
                 clock: Clock, settings: PipelineSettings, clusterer=None, metrics: Metrics | None = None,
                 rand: Callable[[], float] = random.random) -> None:
        self.store = store
        self.fetcher = fetcher
        self.extractor = extractor
        self.rules = rules  # a callable returning the current RuleSet (hot reload swaps it)
        self.plan = plan
        self.clock = clock
        self.settings = settings
        self.clusterer = clusterer
        self.metrics = metrics or Metrics()
        self.story_lock = asyncio.Lock()  # held by whoever reads or changes the story index
        self.rand = rand

    # -- one feed ---------------------------------------------------------

    async def poll_feed(self, feed: FeedState) -> tuple[PollOutcome, list[RecordedHit]]:
        """Poll one feed within `feed_deadline`; always returns an outcome (and writes it)."""
        started = time.monotonic()
        # past 80 % of the deadline the remaining articles use the feed's own text,
        # so a feed of slow pages still records every batch instead of timing out
        limit = self.settings.feed_deadline.total_seconds()
        progress = _Progress(soft_deadline=started + SOFT_DEADLINE * limit, page_cutoff=started + PAGE_CUTOFF * limit)
        try:
            async with asyncio.timeout(self.settings.feed_deadline.total_seconds()):
                outcome, hits = await self._poll(feed, progress)
        except TimeoutError:
            outcome, hits = self._overran(feed, progress), []
        except Exception as exc:  # a bug must cost one feed, not the daemon
            log.exception("feed %s: unexpected error", feed.url)
            outcome, hits = self._failed(feed, FetchResult(url=feed.url, status=0), f"internal error: {exc!r}",
                                         "internal"), []
        self.metrics.poll_seconds.observe(time.monotonic() - started)
        try:
            await asyncio.to_thread(self.store.finish_poll, outcome)
        except Exception:  # the database is down: what was recorded stays; the lease runs out and it is retried
            log.exception("feed %s: could not record this poll; the feed is polled again when its lease expires",
                          feed.url)
        self.metrics.polls.labels(outcome.status).inc()
        if outcome.status in ("failing", "gone"):
            self.metrics.poll_errors.labels(outcome.error_kind or "error").inc()
        _log_outcome(feed, outcome)
        await self._health(outcome)
        return outcome, hits

    async def _health(self, outcome: PollOutcome) -> None:
        """Feed-health alerts (issue 5): the decision is monitor.health's."""
        if not self.settings.health.notify:
            return
        try:
            await asyncio.to_thread(check_feed, self.store, outcome.feed_id, self.settings.health,
                                    self.clock.now())
        except Exception:  # a health alert must never cost the poll
            log.exception("feed id %s: health check failed", outcome.feed_id)

    async def _poll(self, feed: FeedState, progress: _Progress) -> tuple[PollOutcome, list[RecordedHit]]:
        fetched = await self.fetcher.fetch_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified,
                                                headers=feed.headers, configured=feed.configured_url or None)
        if fetched.error:
            kind = "gone" if fetched.error_kind == "gone" else "error"
            return self._failed(feed, fetched, fetched.error, fetched.error_kind or "error", kind=kind), []
        if fetched.not_modified:
            return self._succeeded(feed, fetched, status="not-modified"), []
        parsed = await asyncio.to_thread(parse_feed, fetched.body, url=fetched.url,
                                         content_type=fetched.content_type, max_entries=self.settings.max_entries)
        if parsed.error:
            return self._failed(feed, fetched, parsed.error, parsed.error_kind or "parse"), []
        entries = parsed.entries
        candidates = [(e, entry_url(e, fetched.url)) for e in entries]
        fresh = await asyncio.to_thread(self.store.unseen, feed.id, candidates)
        progress.fresh = len(fresh)
        hits = await self._process(feed, fetched, fresh, progress)
        observed = observed_publish_interval([e.published for e in entries if e.published], self.clock.now())
        outcome = self._succeeded(feed, fetched, status="ok", ttl=parsed.ttl, observed=observed,
                                  title=parsed.title, entries=len(entries), new_articles=len(fresh))
        if parsed.warning:
            outcome = replace(outcome, error=f"warning: {parsed.warning}", error_kind="parse-warning")
        return outcome, hits

    async def _process(self, feed: FeedState, fetched: FetchResult, fresh: Sequence[tuple[Entry, str]],
                       progress: _Progress) -> list[RecordedHit]:
        gate = asyncio.Semaphore(self.settings.article_concurrency)
        base_is_file = fetched.url.startswith("file:")

        async def build(entry: Entry, canonical: str) -> Article:
            async with gate:
                return await self._article(feed, entry, canonical, base_is_file, progress)

        hits: list[RecordedHit] = []
        batch = self.settings.record_batch
        for start in range(0, len(fresh), batch):
            articles = await asyncio.gather(*(build(e, c) for e, c in fresh[start:start + batch]))
            # shielded: a deadline must not cut a batch between its commit and the
            # story index update (the next copy of the story would alert again)
            recording = asyncio.ensure_future(self._record(articles))
            recording.add_done_callback(_retrieve)
            hits += await asyncio.shield(recording)
            progress.recorded += len(articles)
        return hits

    async def _article(self, feed: FeedState, entry: Entry, canonical: str, base_is_file: bool,
                       progress: _Progress) -> Article:
        text, title, source, lang = entry.summary, entry.title, "feed", ""
        if entry.link and not progress.late():
            try:  # a page still in flight near the poll deadline gives way to the feed's text
                async with asyncio.timeout_at(progress.page_cutoff):
                    extracted = await self._full_text(entry.link, base_is_file)
            except TimeoutError:
                log.info("article %s: not done before the poll deadline; using the feed's text", entry.link)
                extracted = None
            if extracted is not None and len(extracted.text) >= len(entry.summary) // 2:
                text, source, lang = extracted.text, "full", extracted.lang
                title = title or extracted.title
        if not lang:
            lang = await asyncio.to_thread(detect_language, f"{title}\n{text}")
        self.metrics.articles.labels(source).inc()
        now = self.clock.now()
        published = entry.published
        if published is not None and published > now + FUTURE_SLACK:
            published = now  # a date in the future is a feed's mistake: the article is new now
        return Article(
            feed_id=feed.id, entry_key=entry.key, canonical_url=canonical, url=entry.link or canonical,
            title=title, text=text, text_source=source, lang=lang, source=feed.name, tags=feed.tags,
            published=published, content_hash=hashlib.sha256(f"{title}\n{text}".encode()).hexdigest())

    async def _full_text(self, link: str, base_is_file: bool):  # -> Extracted | None
        page = await self.fetcher.fetch_page(link, base_is_file=base_is_file)
        if page.error:
            log.info("article %s: %s; using the feed's text", link, page.error)
            return None
        if not page.body:
            return None
        started = time.monotonic()
        extracted = await self.extractor.extract(page.body, url=page.url, content_type=page.content_type)
        self.metrics.extract_seconds.observe(time.monotonic() - started)
        return extracted

    async def _record(self, articles: Sequence[Article]) -> list[RecordedHit]:
        """Match, cluster and record a batch.  Story assignment (find -> record
        -> add to the index) holds a lock, so the same story arriving through
        two feeds at once cannot become two stories; copies inside one batch
        are recorded after the first copy and join its story."""
        ruleset = self.rules()
        # CPU work (matching, MinHash) runs in a thread so the event loop keeps serving
        matched = await asyncio.to_thread(lambda: [tuple(ruleset.match(a.document())) for a in articles])
        async with self.story_lock:
            if self.clusterer is None:
                recorded = await self._store_items([RecordItem(a, m) for a, m in zip(articles, matched)])
                return list(recorded.hits)
            leader = await asyncio.to_thread(group_batch, [(a.text, a.title) for a in articles],
                                             self.clusterer.settings)
            firsts = [i for i, lead in enumerate(leader) if lead == i]
            copies = [i for i, lead in enumerate(leader) if lead != i]
            story: dict[int, int] = {}
            hits: list[RecordedHit] = []
            for group in (firsts, copies):
                if not group:
                    continue
                found = await asyncio.to_thread(
                    lambda: [story.get(leader[i]) or self.clusterer.find(articles[i].text, articles[i].title)
                             for i in group])
                items = [RecordItem(articles[i], matched[i], story_id) for i, story_id in zip(group, found)]
                recorded = await self._store_items(items)
                now = self.clock.now()
                await asyncio.to_thread(lambda: [
                    self.clusterer.add(story_id, articles[i].canonical_url, articles[i].text, articles[i].title, now)
                    for i, story_id in zip(group, recorded.stories)])
                story.update(zip(group, recorded.stories))
                hits += recorded.hits
            return hits

    async def _store_items(self, items: Sequence[RecordItem]) -> RecordResult:
        recorded = await asyncio.to_thread(self.store.record, items, self.plan, self.clock.now())
        for hit in recorded.hits:
            self.metrics.hits.labels(hit.rule_id).inc()
            log.info("hit %d: rule %s", hit.id, hit.rule_id,
                     extra={"event": "hit", "hit": hit.id, "rule": hit.rule_id, "article": hit.article_id})
        return recorded

    # -- outcomes (the decisions are monitor.schedule's) ----------------------

    def _succeeded(self, feed: FeedState, fetched: FetchResult, *, status, ttl=None, observed=None,
                   title=None, entries=0, new_articles=0) -> PollOutcome:
        now = self.clock.now()
        kind = "not-modified" if status == "not-modified" else "ok"
        when = next_poll(now=now, interval=feed.interval, result_kind=kind, error_count=0,
                         retry_after=fetched.retry_after, max_age=fetched.max_age, ttl=ttl,
                         observed_interval=observed, settings=self.settings.schedule, rand=self.rand)
        return PollOutcome(
            feed_id=feed.id, polled_at=now, next_poll_at=when, status=status, error_count=0,
            etag=fetched.etag or feed.etag, last_modified=fetched.last_modified or feed.last_modified,
            new_url=fetched.permanent_url, title=title, entries=entries, new_articles=new_articles)

    def _overran(self, feed: FeedState, progress: _Progress) -> PollOutcome:
        """The poll passed feed_deadline.  Articles recorded so far stay recorded;
        with progress the rest follows soon, without progress it is an error."""
        limit = format_duration(self.settings.feed_deadline)
        if progress.recorded:
            now = self.clock.now()
            return PollOutcome(
                feed_id=feed.id, polled_at=now, next_poll_at=now + self.settings.schedule.min_interval,
                # no validators: the next poll must fetch the feed in full to see the rest
                status="ok", error_count=0, etag=None, last_modified=None, new_articles=progress.recorded,
                error=f"warning: stopped after {progress.recorded} of {progress.fresh} new entries at the "
                      f"{limit} poll deadline; the rest follow in the next polls", error_kind="partial")
        return self._failed(feed, FetchResult(url=feed.url, status=0),
                            f"polling took longer than {limit} (fetch, article pages, extraction); "
                            "retried with backoff", "poll-timeout")

    def _failed(self, feed: FeedState, fetched: FetchResult, error: str, error_kind: str,
                kind: str = "error") -> PollOutcome:
        now = self.clock.now()
        count = feed.error_count + 1
        when = next_poll(now=now, interval=feed.interval, result_kind=kind, error_count=count,
                         retry_after=fetched.retry_after, settings=self.settings.schedule, rand=self.rand)
        return PollOutcome(
            feed_id=feed.id, polled_at=now, next_poll_at=when, status="gone" if kind == "gone" else "failing",
            error_count=count, etag=feed.etag, last_modified=feed.last_modified, error=error,
            error_kind=error_kind, new_url=fetched.permanent_url)


def _log_outcome(feed: FeedState, outcome: PollOutcome) -> None:
    if outcome.status in ("failing", "gone"):
        log.warning("feed %s (%s): %s [%s]; next try %s", feed.name, feed.url, outcome.error,
                    outcome.error_kind, outcome.next_poll_at.strftime("%H:%M:%S"),
                    extra={"event": "poll", "feed": feed.url, "status": outcome.status})
    else:
        log.info("feed %s: %s, %d entries, %d new", feed.name, outcome.status, outcome.entries,
                 outcome.new_articles, extra={"event": "poll", "feed": feed.url, "status": outcome.status})

