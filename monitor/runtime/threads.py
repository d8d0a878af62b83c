"""Where blocking work runs: the database on its own small pool of threads,
CPU work (parsing, matching, signing) on another, so a slow parse or match
never delays a database call that health, readiness or the API is waiting on;
and the heartbeat on a thread of its own, so a beat never waits behind
record transactions queued for the database (a missed beat makes the other
replicas take this one's claims over: a repeated send).

    threads = Threads.start()
    rows = await threads.db(store.list_feeds)
    matches = await threads.cpu(ruleset.match, doc)
    await threads.beat(store.heartbeat, owner, now, lease)
    threads.close()
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

DB_THREADS = 4
CPU_THREADS = 2


@dataclass(frozen=True)
class Threads:
    db_pool: ThreadPoolExecutor
    cpu_pool: ThreadPoolExecutor
    beat_pool: ThreadPoolExecutor

    @classmethod
    def start(cls, db: int = DB_THREADS, cpu: int = CPU_THREADS) -> Threads:
        return cls(ThreadPoolExecutor(db, thread_name_prefix="db"),
                   ThreadPoolExecutor(cpu, thread_name_prefix="cpu"),
                   ThreadPoolExecutor(1, thread_name_prefix="heartbeat"))

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await _run(self.db_pool, fn, args, kwargs)

    async def cpu(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await _run(self.cpu_pool, fn, args, kwargs)

    async def beat(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await _run(self.beat_pool, fn, args, kwargs)

    def close(self) -> None:
        self.db_pool.shutdown(wait=False, cancel_futures=True)
        self.cpu_pool.shutdown(wait=False, cancel_futures=True)
        self.beat_pool.shutdown(wait=False, cancel_futures=True)


async def _run(pool: ThreadPoolExecutor, fn: Callable[..., T], args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> T:
    return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(fn, *args, **kwargs))
