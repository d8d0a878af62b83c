"""One poll of one feed: fetch -> parse -> unseen -> extract -> match -> record.

The pipeline calls its dependencies in order and decides nothing itself: its
decisions are monitor.poll.decide's (text, dates, planned hits, deadline
budget, outcomes) and monitor.poll.schedule's (next poll).  Everything it
reads from the config comes from the one Snapshot the poll was given.
Per-feed problems are results (a PollOutcome with an error), never
exceptions: polling 500 feeds yields 500 outcomes.  Writing the outcome (and
releasing the lease) is the poller's.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from monitor.clock import Clock
from monitor.errors import MatchTimeout, StaleConfig, StoreUnavailable
from monitor.extract.lang import backlog_languages, detect_language
from monitor.metrics import Metrics
from monitor.parse.urls import entry_url
from monitor.poll import decide
from monitor.poll.decide import Budget
from monitor.poll.schedule import observed_publish_interval
from monitor.runtime.heartbeat import freshness
from monitor.runtime.snapshot import Snapshot
from monitor.runtime.threads import Threads
from monitor.runtime.wakeup import Wakeup
from monitor.stories.key import StoryKey, story_key
from monitor.types import Article, Entry, FeedState, FetchResult, ParsedFeed, PollOutcome, RecordedHit, RecordItem
from monitor.websub.discover import discover

log = logging.getLogger("monitor.pipeline")

ARTICLE_CONCURRENCY = 8  # article pages fetched at once per feed
RECORD_BATCH = 50  # articles written per transaction
BACKLOG_BATCH = 1000  # backlog articles written per transaction (no pages, no matching: cheap rows)


@dataclass(frozen=True)
class PushResult:
    """What pushed content gave: new articles, their hits, or why nothing."""

    new_articles: int = 0
    hits: tuple[RecordedHit, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class PollResult:
    outcome: PollOutcome
    hits: tuple[RecordedHit, ...] = ()
    deferred: str | None = None  # the poll could not finish, not by the feed's fault: why


@dataclass
class _Progress:
    """What a poll got done before its deadline: recorded work stays recorded."""

    budget: Budget
    fresh: int = 0
    recorded: int = 0
    backlog: int = 0
    hits: list[RecordedHit] = field(default_factory=list)

    def started(self, fresh: int) -> None:
        self.fresh = fresh

    def took_backlog(self, entries: int) -> None:
        self.backlog += entries

    def done(self, articles: int, hits: Sequence[RecordedHit]) -> None:
        self.recorded += articles
        self.hits += hits


def match_within(ruleset, article: Article, budget: float) -> tuple[tuple, str | None]:  # type: ignore[no-untyped-def, type-arg]
    """The article's matches within `budget` seconds (a real-time deadline:
    matching runs on a CPU thread and checks it cooperatively); past it, no
    matches and the note the article is recorded with.  The feed goes on.
    Every match is recorded, so each is explained here, on the CPU thread."""
    try:
        found = ruleset.match(article.document(), deadline=time.monotonic() + budget)
        return tuple(m.explained() for m in found), None
    except MatchTimeout:
        log.warning("article %s: matching timed out after %gs; recorded without hits (poll.match_deadline)",
                    article.url, budget)
        return (), f"matching timed out after {budget:g}s"


def _retrieve(task: asyncio.Future) -> None:  # type: ignore[type-arg]
    """A shielded batch that failed after its poll gave up: say so (nobody awaits it)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("recording a batch failed: %r", task.exception())


class Pipeline:
    def __init__(self, *, store, clock: Clock, threads: Threads, metrics: Metrics,  # type: ignore[no-untyped-def]
                 owner: str = "", wakeup: Wakeup | None = None,
                 rand: Callable[[], float] = random.random,
                 record_batch: int = RECORD_BATCH, article_concurrency: int = ARTICLE_CONCURRENCY) -> None:
        self._store = store
        self._owner = owner
        self._wakeup = wakeup  # set when a hit with deliveries is recorded: the dispatcher sends at once
        self._clock = clock
        self._threads = threads
        self._metrics = metrics
        self._rand = rand
        self._record_batch = record_batch
        self._article_concurrency = article_concurrency

    async def poll_feed(self, feed: FeedState, snap: Snapshot) -> PollResult:
        """Poll one feed within the snapshot's deadline; always returns an outcome."""
        polled = snap.poll.target(feed)
        if polled is None:  # its entry (and its secrets) are not in this config: another process's
            why = "the feed's entry is not in this process's config (changed since the claim)"
            return PollResult(decide.failed(feed, FetchResult(url=feed.url, status=0), self._clock.now(),
                                            error=why, error_kind="deferred", settings=snap.poll.schedule,
                                            rand=self._rand), (), deferred=why)
        feed = polled
        limit = snap.poll.deadline.total_seconds()
        progress = _Progress(Budget(started=self._clock.monotonic(), limit=limit))
        try:
            async with asyncio.timeout(limit):
                outcome = await self._poll(feed, snap, progress)
        except TimeoutError:
            outcome = decide.overran(feed, self._clock.now(), recorded=progress.recorded, fresh=progress.fresh,
                                     deadline=snap.poll.deadline, settings=snap.poll.schedule, rand=self._rand,
                                     backlog=progress.backlog)
        except (StoreUnavailable, StaleConfig) as exc:  # not the feed's fault: polled again, its state kept
            return PollResult(decide.failed(feed, FetchResult(url=feed.url, status=0), self._clock.now(),
                                            error=str(exc), error_kind="deferred", settings=snap.poll.schedule,
                                            rand=self._rand), tuple(progress.hits), deferred=str(exc))
        except Exception as exc:  # a bug must cost one feed, not the daemon
            log.exception("feed %s: unexpected error", feed.url)
            outcome = decide.failed(feed, FetchResult(url=feed.url, status=0), self._clock.now(),
                                    error=f"internal error: {exc!r}", error_kind="internal",
                                    settings=snap.poll.schedule, rand=self._rand)
        return PollResult(outcome, tuple(progress.hits))

    async def _poll(self, feed: FeedState, snap: Snapshot, progress: _Progress) -> PollOutcome:
        schedule = snap.poll.schedule
        fetched = await snap.fetcher.fetch_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified,
                                                headers=feed.headers, configured=feed.configured_url or None)
        if fetched.error:
            return decide.failed(feed, fetched, self._clock.now(), error=fetched.error,
                                 error_kind=fetched.error_kind or "error", settings=schedule, rand=self._rand,
                                 gone=fetched.error_kind == "gone")
        if fetched.not_modified:
            return decide.succeeded(feed, fetched, self._clock.now(), settings=schedule, rand=self._rand,
                                    not_modified=True, safety_interval=snap.poll.safety_interval)
        parsed = await snap.parser.parse(fetched.body, url=fetched.url, content_type=fetched.content_type,
                                         max_entries=snap.poll.max_entries)
        if parsed.error:
            return decide.failed(feed, fetched, self._clock.now(), error=parsed.error,
                                 error_kind=parsed.error_kind or "parse", settings=schedule, rand=self._rand)
        fresh = await self._ingest(feed, fetched, parsed, snap, progress)
        now = self._clock.now()
        observed = observed_publish_interval([e.published for e in parsed.entries if e.published], now)
        # A keyed feed's topic would be stored with its key: it is polled, never pushed.
        found = None if snap.poll.secrets(feed) else discover(
            header_hub=fetched.hub, header_self=fetched.self_url, doc_hub=parsed.hub,
            doc_self=parsed.self_url, url=fetched.url)
        return decide.succeeded(feed, fetched, now, settings=schedule, rand=self._rand, ttl=parsed.ttl,
                                observed=observed, title=parsed.title, entries=len(parsed.entries),
                                new_articles=fresh, warning=parsed.warning,
                                safety_interval=snap.poll.safety_interval, websub=found, backlog=progress.backlog)

    async def _ingest(self, feed: FeedState, fetched: FetchResult, parsed: ParsedFeed, snap: Snapshot,
                      progress: _Progress) -> int:
        """Parsed entries -> the new ones -> articles, matches, the outbox; how many were new."""
        candidates = [(e, entry_url(e, fetched.url)) for e in parsed.entries]
        unseen = await self._threads.db(self._store.unseen, feed.id, candidates)
        backlog, fresh = decide.split_backlog(unseen, self._clock.now(), max_age=snap.poll.backlog_age(feed),
                                              first_poll=feed.first_poll)
        await self._record_backlog(feed, backlog, snap, progress)
        progress.started(len(fresh))
        await self._process(feed, fetched, fresh, snap, progress)
        return len(fresh)

    async def ingest_push(self, feed: FeedState, body: bytes, content_type: str, snap: Snapshot) -> PushResult:
        """Content a WebSub hub pushed for `feed`: the same parse, dedup,
        extraction, matching and outbox as a poll, under the same deadline; the
        feed's schedule is the poll's and stays as it is."""
        polled = snap.poll.target(feed)
        if polled is None:
            return PushResult(error="the feed's entry is not in this process's config")
        feed = polled
        limit = snap.poll.deadline.total_seconds()
        progress = _Progress(Budget(started=self._clock.monotonic(), limit=limit))
        pushed = FetchResult(url=feed.url, status=200, body=body, content_type=content_type)
        try:
            async with asyncio.timeout(limit):
                parsed = await snap.parser.parse(body, url=feed.url, content_type=content_type,
                                                 max_entries=snap.poll.max_entries)
                if parsed.error:
                    return PushResult(error=f"{parsed.error_kind or 'parse'}: {parsed.error}")
                fresh = await self._ingest(feed, pushed, parsed, snap, progress)
        except TimeoutError:
            return PushResult(progress.recorded, tuple(progress.hits),
                              error=f"stopped after {progress.recorded} of {progress.fresh} new entries at the "
                                    "poll deadline; the next poll brings the rest")
        return PushResult(fresh, tuple(progress.hits))

    async def _record_backlog(self, feed: FeedState, backlog: Sequence[tuple[Entry, str, str]], snap: Snapshot,
                              progress: _Progress) -> None:
        """Backlog entries (poll.max_age): stored with the feed's own text, its
        language (monitor.extract.lang.backlog_languages: from samples of the
        feed's text when the backlog is long) and the reason as their note, so
        backtest, backfill and search see them; no page is fetched, nothing is
        matched (no hit, no alert) and no story signature made, so 10,000 of
        them cost seconds."""
        chosen = [decide.choose_text(entry, None) for entry, _, _ in backlog]
        langs = await self._threads.cpu(backlog_languages, [f"{c.title}\n{c.text}" for c in chosen]) \
            if backlog else []
        for start in range(0, len(backlog), BACKLOG_BATCH):
            now = self._clock.now()
            items = [RecordItem(decide.make_article(feed, entry, canonical, text, lang, now), note=reason)
                     for (entry, canonical, reason), text, lang in zip(backlog[start:start + BACKLOG_BATCH],
                                                                       chosen[start:start + BACKLOG_BATCH],
                                                                       langs[start:start + BACKLOG_BATCH])]
            await self._threads.db(self._store.record_backlog, items, now)
            progress.took_backlog(len(items))

    async def _process(self, feed: FeedState, fetched: FetchResult, fresh: Sequence[tuple[Entry, str]],
                       snap: Snapshot, progress: _Progress) -> None:
        gate = asyncio.Semaphore(self._article_concurrency)
        feed_file = fetched.url if fetched.url.lower().startswith("file:") else None

        async def build(entry: Entry, canonical: str) -> Article:
            async with gate:
                return await self._article(feed, entry, canonical, feed_file, snap, progress.budget)

        for start in range(0, len(fresh), self._record_batch):
            articles = await asyncio.gather(*(build(e, c) for e, c in fresh[start:start + self._record_batch]))
            # shielded: a deadline must not leave a batch half-written and unknown to the poll
            recording = asyncio.ensure_future(self._record(articles, snap))
            recording.add_done_callback(_retrieve)
            progress.done(len(articles), await asyncio.shield(recording))

    async def _article(self, feed: FeedState, entry: Entry, canonical: str, feed_file: str | None,
                       snap: Snapshot, budget: Budget) -> Article:
        extracted = None
        if entry.link and not budget.late(self._clock.monotonic()):
            try:  # a page still in flight near the poll deadline gives way to the feed's text
                async with asyncio.timeout(budget.page_seconds(self._clock.monotonic())):
                    extracted = await self._full_text(entry.link, feed_file, snap)
            except TimeoutError:
                log.info("article %s: not done before the poll deadline; using the feed's text", entry.link)
        chosen = decide.choose_text(entry, extracted)
        lang = chosen.lang or await self._threads.cpu(detect_language, f"{chosen.title}\n{chosen.text}")
        self._metrics.articles.labels(chosen.source.value).inc()
        return decide.make_article(feed, entry, canonical, chosen, lang, self._clock.now())

    async def _full_text(self, link: str, feed_file: str | None, snap: Snapshot):  # type: ignore[no-untyped-def]
        page = await snap.fetcher.fetch_page(link, feed_file=feed_file)
        if page.error:
            log.info("%s", decide.page_problem(link, page.error, page.error_kind))
            return None
        if not page.body:
            return None
        started = self._clock.monotonic()
        extracted = await snap.extractor.extract(page.body, url=page.url, content_type=page.content_type)
        self._metrics.extract_seconds.observe(self._clock.monotonic() - started)
        return extracted

    async def _record(self, articles: Sequence[Article], snap: Snapshot) -> list[RecordedHit]:
        """Match and sign the batch (CPU, off the event loop), plan the hits'
        deliveries from the snapshot, and record it in one transaction (the
        store assigns stories from its index inside it)."""
        ruleset, stories, budget = snap.ruleset, snap.config.stories, snap.poll.match_deadline

        def prepare() -> list[tuple[tuple, str | None, StoryKey | None]]:  # type: ignore[type-arg]
            return [(*match_within(ruleset, a, budget), story_key(a.text, a.title, stories)) for a in articles]

        prepared = await self._threads.cpu(prepare)
        now = self._clock.now()
        items = [RecordItem(article, decide.plan_hits(matches, snap.plan, now), key, note=note)
                 for article, (matches, note, key) in zip(articles, prepared)]
        fresh = freshness(snap, self._owner) if self._owner else None
        recorded = await self._threads.db(self._store.record, items, now, stories=stories, fresh=fresh)
        if self._wakeup is not None and any(hit.deliveries for hit in recorded.hits):
            self._wakeup.set()
        for hit in recorded.hits:
            self._metrics.hits.labels(hit.rule_id).inc()
            log.info("hit %d: rule %s", hit.id, hit.rule_id,
                     extra={"event": "hit", "hit": hit.id, "rule": hit.rule_id, "article": hit.article_id})
        return list(recorded.hits)
