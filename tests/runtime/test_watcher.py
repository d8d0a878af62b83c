"""The config watcher: an edit, a new rule file and a Kubernetes ConfigMap
update (the kubelet's atomic `..data` symlink swap) reload; editor scratch
files and a save that changes nothing do not."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import yaml

from monitor.config import load_config
from monitor.reload.watcher import ConfigWatcher, ignored
from monitor.runtime.builder import open_runtime
from tests.runtime.conftest import Cfg


def counting(runtime, periodic: float = 1.0):  # type: ignore[no-untyped-def]
    """A watcher on the runtime's config that counts the reloads it starts."""
    seen: list[object] = []

    async def reload() -> None:
        seen.append(await runtime.reloader.reload())

    return ConfigWatcher(lambda: runtime.live.current().config, on_change=reload, periodic=periodic), seen


async def until(predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def test_an_edit_reloads_and_scratch_files_do_not(runtime, cfg: Cfg) -> None:
    watcher, seen = counting(runtime)
    folder = cfg.path.parent
    for scratch in (".monitor.yaml.swp", "monitor.yaml~", "4913", ".#monitor.yaml", "monitor.yaml.bak"):
        (folder / scratch).write_text("feeds: []\\n")
        assert ignored(folder / scratch)
    assert await watcher.check() is False  # nothing the config reads changed
    cfg.path.write_text(cfg.path.read_text())  # saved again, same content
    assert await watcher.check() is False
    async with watcher.running():
        cfg.edit(poll={"concurrency": 9})
        assert await until(lambda: len(seen) == 1)
    assert runtime.live.current().config.poll.concurrency == 9 and seen[0].applied


async def test_a_new_rule_file_is_noticed(runtime, cfg: Cfg) -> None:
    rules = cfg.path.parent / "rules"
    rules.mkdir()
    cfg.edit(rule_files=["rules/*.yaml"])
    assert (await runtime.reloader.reload()).applied
    watcher, seen = counting(runtime)
    async with watcher.running():
        (rules / "japan.yaml").write_text(yaml.safe_dump({"rules": [
            {"id": "japan-envoy", "query": "Japan AND envoy", "notify": ["console"]}]}))
        assert await until(lambda: runtime.live.current().rule("japan-envoy") is not None)
        (rules / ".japan.yaml.swp").write_text("junk")
        await asyncio.sleep(0.8)  # past the debounce: the scratch file started nothing
    assert len(seen) == 1


async def test_a_configmap_update_is_picked_up(tmp_path: Path, cfg: Cfg) -> None:
    """The kubelet writes a new timestamped folder, points `..data_tmp` at it
    and renames that over `..data`; the config file is a symlink through it."""
    mount = tmp_path / "configmap"
    mount.mkdir()
    first = mount / "..2026_12_02_00_00_00.1"
    first.mkdir()
    (first / "monitor.yaml").write_text(cfg.path.read_text())
    (mount / "..data").symlink_to(first.name)
    (mount / "monitor.yaml").symlink_to("..data/monitor.yaml")
    async with open_runtime(load_config(mount / "monitor.yaml")) as runtime:
        watcher, seen = counting(runtime, periodic=60)  # the change event must do it, not the periodic look
        async with watcher.running():
            await asyncio.sleep(0.5)  # the watch is being set up
            second = mount / "..2026_12_02_00_01_00.2"
            second.mkdir()
            data = yaml.safe_load(cfg.path.read_text())
            data["poll"] = {"concurrency": 11}
            (second / "monitor.yaml").write_text(yaml.safe_dump(data))
            (mount / "..data_tmp").symlink_to(second.name)
            os.rename(mount / "..data_tmp", mount / "..data")  # atomic, as the kubelet does
            assert await until(lambda: runtime.live.current().config.poll.concurrency == 11)
        assert len(seen) == 1 and seen[0].applied
