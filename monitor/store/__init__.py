"""The store: feeds (and their poll schedule), articles, stories, hits and the
delivery outbox, on SQLite (WAL, the default) or PostgreSQL.

    store = Store.open("sqlite:///data/monitor.db", clock=SystemClock())
    store.upgrade()                      # Alembic migrations to head
    feeds = store.claim_due_feeds(now, limit=50, owner="host:pid", lease=timedelta(minutes=5))

Every call opens its own session, so one Store is safe to share between
threads (the async pipeline calls it through asyncio.to_thread).  Callers get
the frozen records of monitor.types, never ORM rows.  Each concern lives in
its own module (feeds, articles, hits, deliveries, stories); this class only
composes them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from monitor.alerts.spike import Spike
from monitor.clock import Clock, SystemClock
from monitor.config.model import HealthConfig
from monitor.errors import StoreError
from monitor.health import FeedHealth
from monitor.store import (archive, articles, backlog, deliveries, desk, feeds, followups, hits, hosts,
                           leases, migrate, retention, scrub, search, signins, spikes, stats, stories, triage, websub, workers)
from monitor.store.engine import Database, create_store_engine, normalise_url, sqlite_path
from monitor.store.transient import retrying
from monitor.stories.settings import ClusterSettings
from monitor.store.hits import HitFilter
from monitor.stories.views import StoryDetail, StoryView
from monitor.types import (
    ArchivedArticle,
    Delivery,
    DeliveryView,
    Entry,
    FeedSpec,
    FeedState,
    FeedView,
    HitView,
    PlannedDelivery,
    PlannedHit,
    PollOutcome,
    RecordedHit,
    RecordItem,
    RecordResult,
    RuleSpec,
)

__all__ = ["HitFilter", "Store", "normalise_url"]


class Store:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self.clock = clock

    @classmethod
    def open(cls, url: str, *, clock: Clock | None = None) -> Store:
        """Connect (lazily); `sqlite:///relative/path.db` creates the parent
        directories.  Call upgrade() before first use of a fresh database."""
        return cls(Database(create_store_engine(url)), clock or SystemClock())

    @property
    def dialect(self) -> str:
        return self._db.dialect

    @property
    def engine_url(self) -> URL:
        """The database URL, password included (for a connection of one's own, e.g. LISTEN)."""
        return self._db.engine.url

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self._db.engine.url.render_as_string(hide_password=True)

    @property
    def location(self) -> str:
        """Where the data is, for people: the SQLite file's absolute path, or
        the URL (password hidden)."""
        path = sqlite_path(self._db.engine.url)
        return f"{path} (SQLite)" if path is not None else self.url

    def upgrade(self) -> None:
        """Alembic upgrade to head (idempotent).  StoreError names the
        database when it cannot be reached."""
        try:
            migrate.upgrade(self._db.engine)
        except OperationalError as exc:
            reason = str(exc.orig or exc).strip().splitlines()[0]
            if self.dialect == "sqlite":
                raise StoreError(f"cannot open {self._db.engine.url.database}: {reason} "
                                 "(check the folder's permissions and `database:`)") from None
            raise StoreError(f"database {self.url}: cannot upgrade the schema: {reason} "
                             "(check the `database:` URL and that the server is running)") from None

    def revision(self) -> str | None:
        return migrate.current_revision(self._db.engine)

    def close(self) -> None:
        self._db.dispose()

    # -- feeds -----------------------------------------------------------------

    @retrying
    def redact_stored(self, secrets: Sequence[str]) -> int:
        """Hide `secrets` (and their parts) in the errors and answers stored
        before they were hidden; how many texts changed (monitor.store.scrub)."""
        from monitor.redact import Redactor

        redact = Redactor(secrets)
        return scrub.redact_stored(self._db, redact.parts, redact)

    def sync_feeds(self, specs: Sequence[FeedSpec], now: datetime) -> None:
        feeds.sync_feeds(self._db, specs, now)

    @retrying
    def claim_due_feeds(self, now: datetime, *, limit: int, owner: str, lease: timedelta,
                        all_feeds: bool = False) -> list[FeedState]:
        return feeds.claim_due_feeds(self._db, now, limit=limit, owner=owner, lease=lease,
                                     all_feeds=all_feeds)

    @retrying
    def finish_poll(self, outcome: PollOutcome, *, owner: str, health: HealthConfig | None = None,
                    websub_policy: websub.Policy | None = None,
                    secrets: Sequence[tuple[str, str]] = ()) -> feeds.FinishResult:
        """Write the poll's outcome (only while `owner` holds the feed's lease)
        and, with `health.notify`, queue its feed-health alert, and with
        `websub_policy` bring its WebSub subscription in line, in one
        transaction; a new address is stored without the feed's `secrets`."""
        return feeds.finish_poll(self._db, outcome, owner=owner, health=health, websub_policy=websub_policy,
                                 secrets=secrets)

    @retrying
    def defer_poll(self, feed_id: int, *, owner: str, due_at: datetime) -> bool:
        return feeds.defer_poll(self._db, feed_id, owner=owner, due_at=due_at)

    @retrying
    def list_feeds(self) -> list[FeedView]:
        return feeds.list_feeds(self._db, self.clock.now())

    @retrying
    def feed_health(self, feed_id: int, now: datetime) -> FeedHealth | None:
        return feeds.feed_health(self._db, feed_id, now)

    @retrying
    def release_leases(self, owner: str, *, deliveries: bool = True) -> int:
        """Void one owner's feed (and delivery) leases: a poller shutting down gives its feeds back."""
        return leases.release(self._db, owner, deliveries=deliveries)

    # -- WebSub subscriptions (monitor.websub) ----------------------------------------

    @retrying
    def claim_subscriptions(self, now: datetime, *, limit: int, owner: str,
                            lease: timedelta) -> list[websub.SubscriptionTask]:
        return websub.claim_due(self._db, now, limit=limit, owner=owner, lease=lease)

    @retrying
    def subscription_requested(self, task: websub.SubscriptionTask, *, owner: str, now: datetime,
                               outcome: websub.Outcome) -> bool:
        return websub.requested(self._db, task, owner=owner, now=now, outcome=outcome)

    @retrying
    def verify_subscription(self, token: str, query: Mapping[str, str], now: datetime):  # type: ignore[no-untyped-def]
        """The answer to a hub's verification of intent (monitor.websub.intent.Verdict)."""
        return websub.verify(self._db, token, query, now)

    @retrying
    def push_target(self, token: str, now: datetime) -> websub.PushTarget | None:
        return websub.push_target(self._db, token, now)

    @retrying
    def note_push(self, token: str, now: datetime) -> None:
        websub.pushed(self._db, token, now)

    # -- per-host politeness shared by every process ------------------------------------

    @retrying
    def take_host_slot(self, host: str, *, owner: str, now: datetime, per_host: int, spacing: timedelta,
                       hold: timedelta) -> tuple[int, datetime] | None:
        return hosts.take_slot(self._db, host, owner=owner, now=now, per_host=per_host, spacing=spacing, hold=hold)

    @retrying
    def free_host_slot(self, host: str, slot: int, *, owner: str) -> None:
        hosts.free_slot(self._db, host, slot, owner=owner)

    @retrying
    def forget_idle_hosts(self, before: datetime) -> int:
        return hosts.forget_idle(self._db, before)

    # -- failed token checks per client address (monitor.web.signin) -----------------

    @retrying
    def sign_in_failures(self, client: str) -> tuple[int, datetime] | None:
        return signins.failures(self._db, client)

    @retrying
    def note_sign_in_failure(self, client: str, *, now: datetime, window: timedelta) -> None:
        signins.note_failure(self._db, client, now=now, window=window)

    @retrying
    def forget_sign_in_failures(self, before: datetime) -> int:
        return signins.forget_failures(self._db, before)

    # -- spike alerts (monitor.store.spikes) ------------------------------------------

    def spike_counts(self, rule_id: str, *, now: datetime, baseline: timedelta) -> tuple[int, int]:
        return spikes.hourly_counts(self._db, rule_id, now=now, baseline=baseline)

    @retrying
    def note_spike(self, rule: RuleSpec, spike: Spike | None, *, channels: tuple[str, ...],
                   now: datetime) -> list[int]:
        return spikes.note_spike(self._db, rule, spike, channels=channels, now=now)

    def list_spikes(self, *, since: datetime, rule_id: str | None = None) -> list[spikes.SpikeView]:
        return spikes.list_spikes(self._db, since=since, rule_id=rule_id)

    # -- workers: who holds leases, and proof they are alive ---------------------------

    @retrying
    def register_worker(self, info: workers.WorkerInfo, now: datetime) -> None:
        workers.register(self._db, info, now)

    @retrying
    def heartbeat(self, owner: str, now: datetime, lease: timedelta) -> int | None:
        return workers.heartbeat(self._db, owner, now, lease)

    @retrying
    def deregister_worker(self, owner: str) -> None:
        workers.deregister(self._db, owner)

    @retrying
    def running_workers(self, now: datetime, lease: timedelta, *, kind: str | None = None) -> list[workers.WorkerInfo]:
        return workers.running(self._db, now, lease, kind=kind)

    @retrying
    def release_dead_workers(self, now: datetime, lease: timedelta, *,
                             dead: Callable[[workers.WorkerInfo], bool],
                             alive: Callable[[workers.WorkerInfo], bool] = lambda worker: False) -> int:
        return workers.release_dead(self._db, now, lease, dead=dead, alive=alive)

    @retrying
    def newer_config(self, fresh: workers.Freshness, now: datetime) -> workers.WorkerInfo | None:
        return workers.newer_config(self._db, fresh, now)

    # -- articles, stories, hits -------------------------------------------------

    @retrying
    def unseen(self, feed_id: int, candidates: Sequence[tuple[Entry, str]]) -> list[tuple[Entry, str]]:
        return articles.unseen(self._db, feed_id, candidates, self.clock.now())

    @retrying
    def record(self, items: Sequence[RecordItem], now: datetime, *, stories: ClusterSettings,
               fresh: workers.Freshness | None = None) -> RecordResult:
        """The outbox transaction: articles, their stories, hits and planned
        deliveries; StaleConfig (nothing written) when `fresh` says another
        live process runs a newer config."""
        return articles.record(self._db, items, now, threshold=stories.threshold, window=stories.window,
                               fresh=fresh)

    # -- the archive -----------------------------------------------------------------

    def archived_articles(self, *, since: datetime | None = None,
                          until: datetime | None = None) -> Iterator[ArchivedArticle]:
        """Stored articles dated from `since` (published, else stored), a page per read."""
        return archive.articles(self._db, since=since, until=until)

    @retrying
    def articles_by_id(self, ids: Sequence[int]) -> list[ArchivedArticle]:
        return archive.articles_by_id(self._db, ids)

    @retrying
    def search_candidates(self, q, *, since: datetime | None, limit: int, offset: int = 0) -> list[int]:  # type: ignore[no-untyped-def]
        """Article ids the full-text index says may match `q` (monitor.archive.prefilter), newest first."""
        return search.candidates(self._db, q, since=since, limit=limit, offset=offset)

    @retrying
    def record_hits(self, found: Sequence[tuple[int, PlannedHit]], now: datetime) -> list[RecordedHit]:
        """Hits on stored articles (backfill), one per rule and story, with their planned deliveries."""
        return archive.record_hits(self._db, found, now)

    @retrying
    def record_backlog(self, items: Sequence[RecordItem], now: datetime) -> int:
        """Backlog articles (poll.max_age) in bulk: no hits, a story each, their sightings."""
        return backlog.record_backlog(self._db, items, now)

    @retrying
    def list_hits(self, *, rule: str | None = None, since: datetime | None = None,
                  limit: int | None = None, feed: str | None = None, offset: int = 0,
                  where: HitFilter | None = None) -> list[HitView]:
        return hits.list_hits(self._db, rule=rule, since=since, limit=limit, feed=feed, offset=offset, where=where)

    @retrying
    def get_hit(self, hit_id: int) -> HitView | None:
        return hits.get_hit(self._db, hit_id)

    # -- the desk: activity per rule, a story in full, triage ------------------------

    @retrying
    def rule_activity(self, since: datetime) -> list[tuple[str, datetime, bool | None]]:
        return desk.rule_activity(self._db, since)

    @retrying
    def last_hits(self) -> dict[str, datetime]:
        return desk.last_hits(self._db)

    @retrying
    def story_detail(self, story_id: int) -> StoryDetail | None:
        return desk.story_detail(self._db, story_id)

    @retrying
    def judge_hit(self, hit_id: int, *, relevant: bool | None, now: datetime) -> bool:
        return triage.judge(self._db, hit_id, relevant=relevant, now=now)

    @retrying
    def hit_verdicts(self, rule_id: str, story_ids: Collection[int]) -> dict[int, bool | None]:
        return triage.verdicts(self._db, rule_id, story_ids)

    @retrying
    def annotate_hit(self, hit_id: int, *, note: str, now: datetime) -> bool:
        return triage.annotate(self._db, hit_id, note=note, now=now)

    @retrying
    def mute_story(self, story_id: int, *, muted: bool, now: datetime) -> bool:
        return triage.mute(self._db, story_id, muted=muted, now=now)

    @retrying
    def expire_story_index(self, before: datetime) -> int:
        """Forget articles indexed before `before`: they can no longer be joined."""
        return stories.expire_index(self._db, before)

    @retrying
    def prune_article_text(self, before: datetime) -> int:
        return stories.prune_article_text(self._db, before)

    @retrying
    def list_stories(self, *, since: datetime | None = None, limit: int = 100, offset: int = 0) -> list[StoryView]:
        return stories.list_stories(self._db, since=since, limit=limit, offset=offset)

    # -- deliveries ----------------------------------------------------------------

    @retrying
    def claim_due_deliveries(self, now: datetime, *, limit: int, owner: str, lease: timedelta,
                             channels: Collection[str] | None = None) -> list[Delivery]:
        return deliveries.claim_due_deliveries(self._db, now, limit=limit, owner=owner, lease=lease,
                                               channels=channels)

    @retrying
    def mark_sent(self, delivery_id: int, now: datetime, detail: str = "", *, owner: str | None = None) -> bool:
        return deliveries.mark_sent(self._db, delivery_id, now, detail, owner=owner)

    @retrying
    def mark_retry(self, delivery_id: int, *, next_attempt_at: datetime, error: str,
                   owner: str | None = None) -> bool:
        return deliveries.mark_retry(self._db, delivery_id, next_attempt_at=next_attempt_at, error=error,
                                     owner=owner)

    @retrying
    def mark_dead(self, delivery_id: int, *, error: str, now: datetime, owner: str | None = None) -> bool:
        return deliveries.mark_dead(self._db, delivery_id, error=error, now=now, owner=owner)

    @retrying
    def list_deliveries(self, *, status: str | None = None, limit: int = 100, offset: int = 0) -> list[DeliveryView]:
        return deliveries.list_deliveries(self._db, status=status, limit=limit, offset=offset)

    @retrying
    def get_delivery(self, delivery_id: int) -> DeliveryView | None:
        return deliveries.get_delivery(self._db, delivery_id)

    @retrying
    def replay(self, *, delivery_id: int | None = None, dead: bool = False, now: datetime) -> int:
        return deliveries.replay(self._db, delivery_id=delivery_id, dead=dead, now=now)

    @retrying
    def digest_groups(self, digest: str) -> list[tuple[str, str]]:
        return deliveries.digest_groups(self._db, digest)

    @retrying
    def take_digest(self, digest: str, *, channel: str, rule_id: str, now: datetime,
                    due_by: datetime | None = None) -> Delivery | None:
        return deliveries.take_digest(self._db, digest, channel=channel, rule_id=rule_id, now=now, due_by=due_by)

    @retrying
    def overdue_digest_groups(self, before: datetime) -> list[tuple[str, str, str]]:
        return deliveries.overdue_digest_groups(self._db, before)

    @retrying
    def fail_unknown_channels(self, known: Collection[str], *, now: datetime) -> dict[str, int]:
        return deliveries.fail_unknown_channels(self._db, known, now=now)

    # -- used by monitor.alerts --------------------------------------------------------

    @retrying
    def count_sent(self, *, rule_id: str, channel: str, since: datetime) -> int:
        return deliveries.count_sent(self._db, rule_id=rule_id, channel=channel, since=since)

    @retrying
    def admit_alert(self, delivery_id: int, *, rule_id: str, channel: str, limit: int, now: datetime, owner: str,
                    digest: str, due_at: datetime) -> bool:
        """max_per_hour across processes: admit the alert, or move it into `digest`."""
        return deliveries.admit(self._db, delivery_id, rule_id=rule_id, channel=channel, limit=limit, now=now,
                                owner=owner, digest=digest, due_at=due_at)

    @retrying
    def defer_delivery(self, delivery_id: int, *, digest: str, due_at: datetime, owner: str | None = None) -> bool:
        return deliveries.defer_delivery(self._db, delivery_id, digest=digest, due_at=due_at, owner=owner)

    @retrying
    def set_delivery_kind(self, delivery_id: int, kind: str) -> None:
        deliveries.set_delivery_kind(self._db, delivery_id, kind)

    # -- health and metrics ----------------------------------------------------------

    @retrying
    def stats(self) -> dict[str, dict]:
        return stats.stats(self._db)

    @retrying
    def ping(self) -> None:
        stats.ping(self._db)

    def write_problem(self) -> str | None:
        """Why the database refused this process's last write (read-only, disk
        full), or None when it went through (monitor.store.writes)."""
        return self._db.writes.problem()

    def probe_writes(self) -> bool:
        """A write that changes nothing, to learn whether writes work again."""
        try:
            stats.probe_writes(self._db)
        except Exception:  # noqa: BLE001 - refused or away: the answer is no
            return False
        return True

    @retrying
    def queue_follow_ups(self, thresholds: Mapping[str, int], plans: Mapping[str, Sequence[PlannedDelivery]], *,
                         since: datetime, now: datetime) -> int:
        return followups.queue_follow_ups(self._db, thresholds, plans, since=since, now=now)

    @retrying
    def prune_hits(self, before: datetime) -> int:
        return retention.prune_hits(self._db, before)
