"""A reload applies every section of an edit, or refuses it (or the part that
cannot change live) with the reason: never a silent no-op."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import httpx

from monitor.types import TextSource
from tests.runtime.conftest import Cfg, free_port, publish


def sources(runtime) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Article title -> the text it was stored with (full page or the feed's)."""
    import sqlite3

    db = runtime.config.database.removeprefix("sqlite:///")
    return dict(sqlite3.connect(db).execute("select title, text_source from article").fetchall())


async def test_narrowed_allow_private_is_obeyed_by_the_next_poll(runtime, cfg: Cfg, server) -> None:
    await runtime.poller.run_cycle()
    assert sources(runtime)["China sends envoy 1 to North Korea"] == TextSource.FULL  # 127.0.0.1 allowed
    cfg.edit(fetch={**cfg.data["fetch"], "allow_private": []})
    result = await runtime.reloader.reload()
    assert result.applied and "fetch changed" in result.summary
    publish(server, 1, 2)
    await runtime.poller.run_cycle(all_feeds=True)
    assert sources(runtime)["China sends envoy 2 to North Korea"] == TextSource.FEED  # the page is refused now


async def test_widened_allow_private_is_refused_with_the_reason(runtime, cfg: Cfg) -> None:
    cfg.edit(fetch={**cfg.data["fetch"], "allow_private": ["127.0.0.0/8", "10.0.0.0/8"]})
    result = await runtime.reloader.reload()
    assert not result.applied
    assert "10.0.0.0/8" in result.problems[0] and "restart" in result.problems[0]
    snap = runtime.live.current()
    assert snap.config.fetch.allow_private == ("127.0.0.0/8",) and snap.problems == result.problems


async def test_a_changed_listen_answers_on_the_new_port(runtime, cfg: Cfg) -> None:
    assert await runtime.http.start(runtime.live.current().config.http.listen)
    old = runtime.http.port
    new = free_port()
    cfg.edit(http={"listen": f"127.0.0.1:{new}"})
    result = await runtime.reloader.reload()
    assert result.applied and "http changed" in result.summary
    async with httpx.AsyncClient(timeout=5) as client:
        assert (await client.get(f"http://127.0.0.1:{new}/healthz")).status_code == 200
        try:
            await client.get(f"http://127.0.0.1:{old}/healthz")
            raise AssertionError("the old port still answers")
        except httpx.ConnectError:
            pass


async def test_a_listen_that_cannot_bind_keeps_the_old_one_and_says_so(runtime, cfg: Cfg) -> None:
    assert await runtime.http.start("127.0.0.1:0")
    old = runtime.http.port
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        cfg.edit(http={"listen": f"127.0.0.1:{port}"}, poll={"concurrency": 7})
        result = await runtime.reloader.reload()
    assert result.applied and runtime.live.current().config.poll.concurrency == 7  # the rest applies
    assert any(f"cannot listen on 127.0.0.1:{port}" in p for p in result.problems)
    assert runtime.live.current().problems == result.problems  # shown on /readyz and the page
    async with httpx.AsyncClient(timeout=5) as client:
        assert (await client.get(f"http://127.0.0.1:{old}/healthz")).status_code == 200


async def test_a_new_token_is_required_at_once(runtime, cfg: Cfg) -> None:
    assert await runtime.http.start("127.0.0.1:0")
    cfg.edit(http={"listen": f"127.0.0.1:{runtime.http.port}", "token": "s3cret-token"})
    assert (await runtime.reloader.reload()).applied
    url = f"http://127.0.0.1:{runtime.http.port}/api/feeds"
    async with httpx.AsyncClient(timeout=5) as client:
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, headers={"Authorization": "Bearer s3cret-token"})).status_code == 200


async def test_removing_the_token_off_loopback_is_refused(cfg: Cfg) -> None:
    from monitor.config import load_config
    from monitor.runtime.builder import open_runtime

    cfg.edit(http={"listen": "0.0.0.0:0", "token": "s3cret-token"})
    async with open_runtime(load_config(cfg.path)) as runtime:
        cfg.edit(http={"listen": "0.0.0.0:0"})
        result = await runtime.reloader.reload()
        assert not result.applied and "removes the API token" in result.problems[0]
        assert runtime.live.current().config.http.token == "s3cret-token"


async def test_every_section_applies_and_the_log_says_what_changed(runtime, cfg: Cfg, caplog) -> None:
    caplog.set_level(logging.INFO, logger="monitor.reload")
    cfg.edit(poll={"concurrency": 3, "deadline": "2m", "interval": "7m"},
             stories={"threshold": 0.5, "window": "3d"},
             health={"notify": ["console"], "after_errors": 2},
             alerts={"concurrency": 2, "max_attempts": 3},
             log={"level": "WARNING"},
             retention={"article_text": "10d"},
             aliases={**cfg.data["aliases"], "japan": ["Japan", "Tokyo"]},
             rules=[cfg.data["rules"][0], {"id": "japan", "query": "@japan AND envoy", "notify": ["console"]}],
             channels={"console": {"type": "console"}, "desk": {"type": "console", "stream": "stderr"}})
    result = await runtime.reloader.reload()
    assert result.applied, result.problems
    snap = runtime.live.current()
    c = snap.config
    assert (snap.poll.concurrency, snap.poll.deadline) == (3, timedelta(minutes=2))
    assert c.feeds[0].interval == timedelta(minutes=1)  # the feed sets its own
    assert (c.stories.threshold, c.stories.window) == (0.5, timedelta(days=3))
    assert (c.health.notify, c.health.after_errors) == (("console",), 2)
    assert (c.channels["desk"].concurrency, c.channels["desk"].max_attempts) == (2, 3)  # alerts: defaults
    assert c.retention.article_text == timedelta(days=10)
    assert snap.rule("japan") is not None and set(snap.channels) == {"console", "desk"}
    for part in ("rules +1", "channels +1 ~1", "aliases +1", "poll changed", "stories changed",
                 "health changed", "alerts changed", "log changed", "retention changed"):
        assert part in result.summary, (part, result.summary)
    assert f"config reloaded: {result.summary}" in caplog.text


async def test_database_cannot_change_live_the_rest_applies(runtime, cfg: Cfg, tmp_path) -> None:
    cfg.edit(database=f"sqlite:///{tmp_path / 'other.db'}", poll={"concurrency": 5})
    result = await runtime.reloader.reload()
    assert result.applied and runtime.live.current().config.poll.concurrency == 5
    assert runtime.live.current().config.database == runtime.config.database
    assert "database" in result.problems[0] and "restart" in result.problems[0]


async def test_a_reload_that_fails_to_apply_keeps_the_running_config(runtime, cfg: Cfg, server) -> None:
    before = runtime.live.current()
    cfg.edit(feeds=[*cfg.data["feeds"], {"url": server.url("/more.xml"), "name": "More"}],
             # passes validation, but the channel cannot be built: apprise does not know the scheme
             channels={**cfg.data["channels"], "bad": {"type": "apprise", "urls": ["nosuchscheme://x"]}})
    result = await runtime.reloader.reload()
    assert not result.applied and "could not be applied" in result.problems[0]
    now = runtime.live.current()
    assert now.config is before.config and now.channels == before.channels
    assert [f.name for f in runtime.store.list_feeds() if f.active] == ["Wire RSS"]
    del cfg.data["channels"]["bad"]
    cfg.write()
    assert (await runtime.reloader.reload()).applied
    assert runtime.live.current().problems == ()
    assert "More" in [f.name for f in runtime.store.list_feeds() if f.active]


async def test_an_emptied_config_is_refused(runtime, cfg: Cfg) -> None:
    cfg.path.write_text("# truncated by an editor that crashed\n")
    result = await runtime.reloader.reload()
    assert not result.applied and "empty" in result.problems[0]
    cfg.path.write_text("channels: {console: {type: console}}\n")
    result = await runtime.reloader.reload()
    assert not result.applied and "no feeds and no rules" in result.problems[0]
    assert [f.name for f in runtime.store.list_feeds() if f.active] == ["Wire RSS"]


async def test_a_poll_in_flight_finishes_on_its_snapshot(runtime, cfg: Cfg, server) -> None:
    """Reload while a poll runs: that poll plans with the channels it started
    with; the next poll uses the new config; nothing fails mid-transaction."""
    cfg.edit(channels={"console": {"type": "console"}, "desk": {"type": "console"}},
             rules=[{**cfg.data["rules"][0], "notify": ["desk"]}])
    assert (await runtime.reloader.reload()).applied
    server.delays["/news/1.html"] = 1.5
    poll = asyncio.create_task(runtime.poller.run_cycle())
    await asyncio.to_thread(server.wait_for, lambda reqs: any(r.path == "/news/1.html" for r in reqs), 10)
    cfg.edit(channels={"console": {"type": "console"}}, rules=[{**cfg.data["rules"][0], "notify": ["console"]}])
    assert (await runtime.reloader.reload()).applied  # "desk" is gone while the poll still runs
    first = await poll
    assert first.outcomes[0].error is None, first.outcomes[0]
    publish(server, 1, 2)
    await runtime.poller.run_cycle(all_feeds=True)
    planned = {d.hit_ids[0]: d.channel for d in runtime.store.list_deliveries()}
    hits = {h.id: h.title for h in runtime.store.list_hits()}
    assert {hits[i]: c for i, c in planned.items()} == {"China sends envoy 1 to North Korea": "desk",
                                                       "China sends envoy 2 to North Korea": "console"}


async def test_log_format_and_level_follow_the_config(cfg: Cfg, caplog) -> None:
    import io
    import json

    from monitor.config import load_config
    from monitor.logs import LogControl, secret_values
    from monitor.runtime.builder import open_runtime

    out = io.StringIO()
    logs = LogControl(out)
    config = load_config(cfg.path)
    logs.apply(config.log.format, config.log.level, secret_values(config))
    try:
        async with open_runtime(config, logs=logs) as runtime:
            logging.getLogger("monitor.test").info("before")
            cfg.edit(log={"format": "json", "level": "WARNING"})
            assert (await runtime.reloader.reload()).applied
            logging.getLogger("monitor.test").info("hidden at WARNING")
            logging.getLogger("monitor.test").warning("after")
    finally:
        logs.close()  # leave the test's logging as it was
    lines = out.getvalue().splitlines()
    assert any(line.endswith("before") for line in lines) and "hidden at WARNING" not in out.getvalue()
    assert json.loads(lines[-1])["msg"] == "after"


def _late_feed_and_rule(cfg: Cfg, server) -> None:  # type: ignore[no-untyped-def]
    cfg.edit(feeds=[*cfg.data["feeds"], {"url": server.url("/late.xml"), "name": "Late"}],
             rules=[*cfg.data["rules"], {"id": "late", "query": "envoy", "notify": ["console"]}])


async def test_a_reload_records_its_newer_config_before_its_new_feeds_can_be_claimed(
        runtime, cfg: Cfg, server, monkeypatch) -> None:
    """Another process still on the old config must find itself behind from
    the moment the new config's feeds are in the database.  Before, the
    config was recorded at the next heartbeat, after them: a replica that
    had not reloaded yet could claim a new feed and store its articles
    unmatched by the rule that came with it (three replicas reloading a
    150-feed edit at once lost hits that way on a loaded machine)."""
    from monitor.runtime.heartbeat import freshness

    store = runtime.store
    behind = freshness(runtime.live.current(), "another-replica")  # the config before the edit
    seen = []
    sync = store.sync_feeds

    def sync_feeds(feeds, now):  # type: ignore[no-untyped-def]
        seen.append(store.newer_config(behind, now))
        return sync(feeds, now)

    monkeypatch.setattr(store, "sync_feeds", sync_feeds)
    await asyncio.sleep(0.01)  # the new config's load time is after the old one's
    _late_feed_and_rule(cfg, server)
    result = await runtime.reloader.reload()
    assert result.applied, result.problems
    assert len(seen) == 1 and seen[0] is not None and seen[0].owner == runtime.owner


async def test_a_starting_process_is_registered_before_its_feeds_reach_the_database(cfg: Cfg, monkeypatch) -> None:
    """The same at start: a replica starting with a newer config (a rolling
    update) is a live worker with that config before its feeds are synced."""
    from monitor.config import load_config
    from monitor.runtime.builder import open_runtime
    from monitor.store import Store

    seen: list[list[tuple[str, str]]] = []
    sync = Store.sync_feeds

    def sync_feeds(self, feeds, now):  # type: ignore[no-untyped-def]
        seen.append([(w.owner, w.config) for w in self.running_workers(now, timedelta(minutes=5))])
        return sync(self, feeds, now)

    monkeypatch.setattr(Store, "sync_feeds", sync_feeds)
    async with open_runtime(load_config(cfg.path), mode="run") as runtime:
        assert seen and (runtime.owner, runtime.live.current().fingerprint) in seen[0]


async def test_a_heartbeat_during_the_reload_does_not_undo_its_announcement(runtime, cfg: Cfg, server,
                                                                            monkeypatch) -> None:
    """A beat between the announcement and the new snapshot's publication
    (while the feeds sync) must not record the running, older config again."""
    import threading
    from datetime import datetime, timezone

    from monitor.runtime.heartbeat import freshness

    store = runtime.store
    behind = freshness(runtime.live.current(), "another-replica")
    syncing, release = threading.Event(), threading.Event()
    sync = store.sync_feeds

    def sync_feeds(feeds, now):  # type: ignore[no-untyped-def]
        syncing.set()
        assert release.wait(10)
        return sync(feeds, now)

    monkeypatch.setattr(store, "sync_feeds", sync_feeds)
    await asyncio.sleep(0.01)
    _late_feed_and_rule(cfg, server)
    reload = asyncio.ensure_future(runtime.reloader.reload())
    assert await asyncio.to_thread(syncing.wait, 10)
    await runtime.heartbeat.beat()
    still = store.newer_config(behind, datetime.now(timezone.utc))
    store.deregister_worker(runtime.owner)  # taken for dead meanwhile: the beat registers it again
    await runtime.heartbeat.beat()
    again = store.newer_config(behind, datetime.now(timezone.utc))
    release.set()
    assert (await reload).applied
    assert still is not None and still.owner == runtime.owner
    assert again is not None and again.owner == runtime.owner


async def test_a_reload_refused_after_its_announcement_is_not_left_announced(runtime, cfg: Cfg, server,
                                                                           monkeypatch) -> None:
    """The sync fails after the announcement, and so does recording the
    running config again: the next beat records it, or the other replicas
    would wait for a config nobody runs."""
    from datetime import datetime, timezone

    from monitor.runtime.heartbeat import freshness

    store = runtime.store
    behind = freshness(runtime.live.current(), "another-replica")
    announce, calls = runtime.heartbeat.announce, []

    async def flaky(snap):  # type: ignore[no-untyped-def]
        calls.append(snap.generation)
        if len(calls) > 1:
            raise OSError("the database went away")
        await announce(snap)

    def broken(feeds, now):  # type: ignore[no-untyped-def]
        raise RuntimeError("sync failed")

    monkeypatch.setattr(runtime.reloader, "_announce", flaky)
    monkeypatch.setattr(store, "sync_feeds", broken)
    await asyncio.sleep(0.01)
    _late_feed_and_rule(cfg, server)
    result = await runtime.reloader.reload()
    assert not result.applied and len(calls) == 2
    assert store.newer_config(behind, datetime.now(timezone.utc)) is not None  # announced, not taken back
    await runtime.heartbeat.beat()
    assert store.newer_config(behind, datetime.now(timezone.utc)) is None


async def test_a_config_the_database_cannot_record_is_retried_at_the_beat_not_in_a_loop(runtime,
                                                                                       monkeypatch) -> None:
    from dataclasses import replace

    calls = []

    def refuse(info, now):  # type: ignore[no-untyped-def]
        calls.append(now)
        raise RuntimeError("the database refuses it")

    monkeypatch.setattr(runtime.store, "register_worker", refuse)
    current = runtime.live.current()
    runtime.live.publish(replace(current, generation=current.generation + 1))  # a reload's new snapshot
    async with runtime.heartbeat.beating():
        await asyncio.sleep(0.5)
    assert len(calls) == 1  # then the next beat, seconds later; it was retried at once, thousands of times
