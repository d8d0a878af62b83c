"""One SQLite file: a second `run` is refused naming the first; `once` from
cron beside the daemon never takes over what the daemon is doing."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time

from tests.replicas.conftest import ROOT, Replica, replica_config, until
from tests.procs import run_in_group


def once(config) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def,type-arg]
    return run_in_group([sys.executable, "-m", "monitor", "once", "--all", "--config", str(config)],
                        cwd=config.parent, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def test_a_second_run_on_one_sqlite_file_is_refused_naming_the_first(tmp_path, farm, hook) -> None:
    farm.publish(0, 1)
    db = f"sqlite:///{tmp_path / 'monitor.db'}"
    config = replica_config(tmp_path, "m", db, farm, hook.url("/hook"), [0])
    first = Replica(config, "first")
    try:
        assert first.wait_for_log("news-monitor running"), first.log
        second = run_in_group([sys.executable, "-m", "monitor", "run", "--config", str(config)], cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
        assert second.returncode != 0
        assert f"pid {first.proc.pid}" in second.stderr and "another `news-monitor run`" in second.stderr, \
            second.stderr
        assert "Traceback" not in second.stderr
        assert first.proc.poll() is None  # the first one is untouched
    finally:
        first.kill()


def test_once_beside_a_run_with_a_slow_receiver_repeats_nothing(tmp_path, farm, hook) -> None:
    for n in range(4):
        farm.publish(n, 2)
    hook.delays["/hook"] = 1.5  # every send takes 1.5 s (the channel allows 10 s)
    db = f"sqlite:///{tmp_path / 'monitor.db'}"
    config = replica_config(tmp_path, "m", db, farm, hook.url("/hook"), list(range(4)),
                            channels={"hook": {"type": "webhook", "url": hook.url("/hook"), "timeout": "10s",
                                               "concurrency": 2}})
    daemon = Replica(config, "run")
    try:
        assert until(lambda: len(hook.posts()) >= 1, 90), daemon.log  # sends are in flight
        ran = [once(config)]  # cron starts `once` while the daemon sends (8 sends, 2 at a time: 6 s)
        assert all(r.returncode == 0 for r in ran), [r.stderr[-2000:] for r in ran]
        assert until(lambda: len(hook.posts()) >= 8, 90), daemon.log
        time.sleep(2.0)  # a repeat would arrive within a send or two
    finally:
        daemon.kill()
    ids = collections.Counter(p.headers["webhook-id"] for p in hook.posts())
    assert len(ids) == 8 and max(ids.values()) == 1, ids
    assert "not recorded" not in daemon.log, daemon.log[-3000:]
