"""Fixtures for the alert tests: sample hits, an in-memory outbox with the
store's delivery API, and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator

import pytest

from monitor.alerts.channels import channel_spec
from monitor.clock import FrozenClock
from monitor.types import ChannelSpec, Delivery, DeliveryView, HitView

T0 = datetime(2026, 3, 2, 6, 30, tzinfo=timezone.utc)


def make_hit(i: int = 1, rule: str = "china-envoy-nk", **kw: Any) -> HitView:
    base = dict(
        id=i, rule=rule, rule_name="Chinese envoy to North Korea",
        url=f"https://news.example/{i}", title=f"China sends special envoy to Pyongyang #{i}",
        source="Example Wire", published=T0 - timedelta(minutes=5), matched_at=T0,
        snippet="Xi Jinping is sending a senior **diplomat** to **North Korea** as a special **envoy**",
        terms=("diplomat", "North Korea", "envoy"), story_id=i, outlets=("Daily Planet",))
    base.update(kw)
    return HitView(**base)  # type: ignore[arg-type]


def make_delivery(i: int = 1, channel: str = "hook", kind: str = "alert",
                  hits: tuple[HitView, ...] | None = None, attempts: int = 0) -> Delivery:
    return Delivery(id=i, channel=channel, key=f"alert-{i}", attempts=attempts,
                    hits=hits if hits is not None else (make_hit(i),), kind=kind)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@dataclass
class Row:
    id: int
    key: str
    channel: str
    kind: str
    hits: tuple[HitView, ...]
    rule_id: str
    status: str = "pending"
    digest: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    detail: str = ""
    lease_until: datetime | None = None
    lease_owner: str | None = None
    created_at: datetime = T0
    sent_at: datetime | None = None
    admitted_at: datetime | None = None


@dataclass
class FakeStore:
    """The store's delivery methods over a list (same semantics, no SQL)."""

    rows: list[Row] = field(default_factory=list)

    def add(self, channel: str, hits: tuple[HitView, ...], *, due: datetime, kind: str = "alert",
            digest: str | None = None) -> Row:
        row = Row(id=len(self.rows) + 1, key=f"{kind}-{len(self.rows) + 1}", channel=channel,
                  kind=kind, hits=hits, rule_id=hits[0].rule, digest=digest, next_attempt_at=due)
        self.rows.append(row)
        return row

    def get(self, id: int) -> Row:
        return next(r for r in self.rows if r.id == id)

    def write_problem(self) -> str | None:
        return None  # a list always takes writes

    def probe_writes(self) -> bool:
        return True

    def claim_due_deliveries(self, now: datetime, *, limit: int, owner: str, lease: timedelta,
                             channels: Any = None) -> list[Delivery]:
        due = [r for r in self.rows if r.status == "pending" and r.digest is None
               and r.next_attempt_at is not None and r.next_attempt_at <= now
               and (r.lease_until is None or r.lease_until < now)
               and (channels is None or r.channel in channels)][:limit]
        for r in due:
            r.lease_until, r.lease_owner = now + lease, owner
        return [Delivery(id=r.id, channel=r.channel, key=r.key, attempts=r.attempts,
                         hits=r.hits, kind=r.kind, created_at=r.created_at) for r in due]

    def _held(self, id: int, owner: str | None) -> Row | None:
        """The row when a mark may apply: still pending (and leased by `owner`)."""
        r = self.get(id)
        if r.status != "pending" or (owner is not None and r.lease_owner != owner):
            return None
        r.lease_until = r.lease_owner = None
        return r

    def mark_sent(self, id: int, now: datetime, detail: str = "", *, owner: str | None = None) -> bool:
        if (r := self._held(id, owner)) is None:
            return False
        r.status, r.sent_at, r.detail = "sent", now, detail
        r.attempts, r.last_error = r.attempts + 1, None
        return True

    def mark_retry(self, id: int, *, next_attempt_at: datetime, error: str,
                   owner: str | None = None) -> bool:
        if (r := self._held(id, owner)) is None:
            return False
        r.attempts += 1
        r.next_attempt_at, r.last_error, r.admitted_at = next_attempt_at, error, None
        return True

    def mark_dead(self, id: int, *, error: str, now: datetime, owner: str | None = None) -> bool:
        if (r := self._held(id, owner)) is None:
            return False
        r.attempts += 1
        r.status, r.last_error, r.next_attempt_at = "dead", error, None
        return True

    def replay(self, *, delivery_id: int | None = None, dead: bool = False, now: datetime) -> int:
        n = 0
        for r in self.rows:
            if r.status == "dead" and (dead or r.id == delivery_id):
                r.status, r.attempts, r.next_attempt_at = "pending", 0, now
                n += 1
        return n

    def count_sent(self, *, rule_id: str, channel: str, since: datetime) -> int:
        return sum(1 for r in self.rows if r.status == "sent" and r.digest is None and r.kind == "alert"
                   and r.rule_id == rule_id and r.channel == channel
                   and r.sent_at is not None and r.sent_at >= since)

    def admit_alert(self, id: int, *, rule_id: str, channel: str, limit: int, now: datetime, owner: str,
                    digest: str, due_at: datetime) -> bool:
        sent = self.count_sent(rule_id=rule_id, channel=channel, since=now - timedelta(hours=1))
        flying = sum(1 for r in self.rows if r.id != id and r.status == "pending" and r.digest is None
                     and r.kind == "alert" and r.rule_id == rule_id and r.channel == channel
                     and r.admitted_at is not None and r.lease_until is not None and r.lease_until > now)
        r = self.get(id)
        if r.status != "pending" or r.lease_owner != owner:
            return False
        if sent + flying < limit:
            r.admitted_at = now
            return True
        r.digest, r.next_attempt_at, r.lease_owner, r.lease_until = digest, due_at, None, None
        return False

    def defer_delivery(self, id: int, *, digest: str, due_at: datetime, owner: str | None = None) -> bool:
        if (r := self._held(id, owner)) is None:
            return False
        r.digest, r.next_attempt_at = digest, due_at
        return True

    def overdue_digest_groups(self, before: datetime) -> list[tuple[str, str, str]]:
        return sorted({(r.digest, r.channel, r.rule_id) for r in self.rows
                       if r.digest is not None and r.status == "pending"
                       and r.next_attempt_at is not None and r.next_attempt_at <= before})

    def fail_unknown_channels(self, known: Any, *, now: datetime) -> dict[str, int]:
        failed: dict[str, int] = {}
        for r in self.rows:
            if (r.status == "pending" and r.digest is None and r.channel not in known
                    and r.next_attempt_at is not None and r.next_attempt_at <= now
                    and (r.lease_until is None or r.lease_until < now)):
                r.status, r.next_attempt_at = "dead", None
                r.last_error = (f"channel {r.channel!r} is not in the config (removed?); add it "
                                "back and run `news-monitor deliveries retry --dead`")
                failed[r.channel] = failed.get(r.channel, 0) + 1
        return failed

    def set_delivery_kind(self, id: int, kind: str) -> None:
        self.get(id).kind = kind

    def digest_groups(self, digest: str) -> list[tuple[str, str]]:
        return sorted({(r.channel, r.rule_id) for r in self.rows
                       if r.digest == digest and r.status == "pending"})

    def take_digest(self, digest: str, *, channel: str, rule_id: str,
                    now: datetime, due_by: datetime | None = None) -> Delivery | None:
        gathered = [r for r in self.rows if r.digest == digest and r.status == "pending"
                    and r.channel == channel and r.rule_id == rule_id
                    and (due_by is None or (r.next_attempt_at is not None and r.next_attempt_at <= due_by))]
        if not gathered:
            return None
        hits = tuple(h for r in gathered for h in r.hits)
        row = self.add(channel, hits, due=now, kind="digest")
        for r in gathered:
            r.status, r.sent_at, r.detail = "sent", now, f"in digest {row.key}"
        return Delivery(id=row.id, channel=channel, key=row.key, attempts=0, hits=hits,
                        kind="digest")

    def list_deliveries(self, *, status: str | None = None, limit: int = 100, offset: int = 0) -> list[DeliveryView]:
        return [DeliveryView(id=r.id, key=r.key, channel=r.channel, kind=r.kind,
                             status=r.status, attempts=r.attempts,  # type: ignore[arg-type]
                             next_attempt_at=r.next_attempt_at, last_error=r.last_error,
                             created_at=r.created_at, sent_at=r.sent_at,
                             hit_ids=tuple(h.id for h in r.hits), rule=r.rule_id)
                for r in self.rows if status is None or r.status == status][:limit]


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


# --- a real HTTP receiver ----------------------------------------------------

@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers POSTs from a script of (status, headers, body); the last answer repeats."""

    url: str
    script: list[tuple[int, dict[str, str], bytes]]
    requests: list[Received] = field(default_factory=list)
    gate: threading.Event | None = None  # when set, each request waits for it


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(*answers: tuple[int, dict[str, str], bytes] | int) -> Receiver:
        script = [(a, {}, b"") if isinstance(a, int) else a for a in answers] or [(200, {}, b"ok")]
        holder: dict[str, Receiver] = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                rec = holder["r"]
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                rec.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                if rec.gate is not None:
                    rec.gate.wait(10)
                status, headers, reply = rec.script[min(len(rec.requests), len(rec.script)) - 1]
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        rec = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook", script)
        holder["r"] = rec
        return rec

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def webhook_spec(url: str, name: str = "hook", **options: Any) -> ChannelSpec:
    max_attempts = options.pop("max_attempts", 8)
    timeout = options.pop("timeout", timedelta(seconds=5))
    return channel_spec(id=name, type="webhook", options={"url": url, **options},
                       max_attempts=max_attempts, timeout=timeout)


def later(row: Row, clock: FrozenClock) -> None:
    """Move the clock to the row's next attempt."""
    assert row.next_attempt_at is not None
    clock.set(max(clock.now(), row.next_attempt_at))


__all__ = ["FakeStore", "Receiver", "make_delivery", "make_hit", "webhook_spec", "later", "replace"]


# --- the real store (SQLite in a temp dir) ----------------------------------------

@pytest.fixture
def real_store(tmp_path, clock: FrozenClock):  # type: ignore[no-untyped-def]
    from monitor.store import Store
    from monitor.types import FeedSpec
    s = Store.open(f"sqlite:///{tmp_path}/monitor.db", clock=clock)
    s.upgrade()
    s.sync_feeds([FeedSpec(url="https://wire.example/rss", name="Example Wire",
                           interval=timedelta(minutes=5))], clock.now())
    yield s
    s.close()


def record_article(store: Any, n: int, rules: list[Any], plan: Callable[..., Any], now: datetime) -> Any:
    """Record one article matching `rules` through the real store's outbox."""
    from monitor.stories.settings import ClusterSettings
    from monitor.types import Article, Evidence, Match, PlannedHit, RecordItem, Snippet
    feed_id = store.list_feeds()[0].id
    url = f"https://wire.example/story-{n}"
    art = Article(feed_id=feed_id, entry_key=f"e{n}", canonical_url=url, url=url,
                  title=f"China sends envoy to Pyongyang ({n})",
                  text="Xi Jinping is sending a senior diplomat to North Korea.",
                  text_source="full", lang="en", source="Example Wire", tags=(),
                  published=now - timedelta(minutes=3), content_hash=f"h{n}")
    text = "Xi Jinping is sending a senior diplomat to North Korea."
    matches = tuple(Match(rule_id=r.id, rule_name=r.name, terms=("Xi Jinping", "diplomat"),
                          evidence=(Evidence("@china", "Xi Jinping", "text", 0, 10, 0),),
                          snippet=Snippet(text, ((0, 10), (31, 39)))) for r in rules)
    by_id = {r.id: r for r in rules}
    hits = tuple(PlannedHit(m, tuple(plan(by_id[m.rule_id]))) for m in matches)
    return store.record([RecordItem(article=art, hits=hits)], now, stories=ClusterSettings())
