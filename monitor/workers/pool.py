"""A bounded pool of worker processes: every task costs a bounded amount.

    pool = WorkerPool("parse", workers=2, deadline=25.0, limits=Limits(cpu=10.0, memory=1 << 30))
    report = await pool.run(parse_feed, body, url)     # a Report, never an exception of the task's limits
    pool.close()

Bounds, from the inside out:
- CPU: the worker stops a task past `limits.cpu` seconds of its own CPU
  time (Report failure TIMEOUT; the worker is kept).
- memory: a worker's address space may grow by `limits.memory` bytes
  (RLIMIT_AS); an allocation past it is Report failure MEMORY.
- wall clock: a task still running `deadline` seconds after it was handed to
  the pool (stuck in C code, where no signal handler runs) gets TIMEOUT and
  the pool is replaced, its workers killed; the tasks it held are retried once.
- a worker that dies under a task (the kernel's OOM killer, a crash in C) is
  retried once in a new pool, then CRASHED.
- at most `slots` tasks are handed to the pool at once; the rest wait
  outside, where no deadline runs, so a long queue cannot time tasks out.

Workers fork from multiprocessing's fork server (never from the threaded
daemon), which preloads FORKSERVER_PRELOAD once, so a worker that replaces
another starts in milliseconds.  The fork server dies with the daemon and
each worker with the fork server (monitor.workers.serverguard, .lifeline):
a daemon killed with SIGKILL leaves no worker behind.  The pool starts on first use (or `start()`).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import forkserver
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable

from monitor.workers.child import Failure, Report, call, initialise, ready

log = logging.getLogger(__name__)

__all__ = ["Failure", "Limits", "Report", "WorkerPool"]

STARTUP_DEADLINE = 60.0  # seconds for a new pool's workers to start and warm up
# One fork server per process serves every pool, so it preloads what all of
# them need (names only: nothing here imports them).  serverguard first: the
# fork server dies with the daemon from its first moment.
FORKSERVER_PRELOAD = ("monitor.workers.serverguard", "monitor.workers.child", "monitor.parse.feed",
                      "monitor.extract.preload", "monitor.extract.page")


@dataclass(frozen=True)
class Limits:
    cpu: float | None = None  # CPU seconds one task may use
    memory: int | None = None  # bytes a worker's address space may grow by


class WorkerPool:
    def __init__(self, name: str, workers: int, *, deadline: float, limits: Limits = Limits(),
                 max_tasks_per_child: int = 200, slots: int | None = None,
                 warm_up: Callable[[], Any] = ready) -> None:
        if workers < 1:
            raise ValueError(f"the {name} pool needs at least 1 worker, got workers={workers}")
        self.name = name
        self.workers = workers
        self.deadline = deadline
        self.limits = limits
        self.max_tasks_per_child = max_tasks_per_child
        self._warm_up = warm_up
        self._slots = asyncio.Semaphore(slots or workers)
        self._submitter = ThreadPoolExecutor(1, thread_name_prefix=f"{name} submit")
        self._pool: ProcessPoolExecutor | None = None
        self._warming: asyncio.Future[Any] | None = None
        self.recycled = 0  # pools replaced after a wall deadline or a dead worker
        self.tasks = 0
        self.failures: dict[Failure, int] = {f: 0 for f in Failure}
        self.peak_rss_kb = 0  # the largest peak RSS a worker reported for one task

    async def run(self, func: Callable[..., Any], *args: Any) -> Report:
        """`func(*args)` in a worker, within the limits."""
        report = await self._run(func, args)
        self.tasks += 1
        if report.failure is not None:
            self.failures[report.failure] += 1
        self.peak_rss_kb = max(self.peak_rss_kb, report.peak_rss_kb)
        return report

    async def _run(self, func: Callable[..., Any], args: tuple[Any, ...]) -> Report:
        loop = asyncio.get_running_loop()
        async with self._slots:
            for attempt in (1, 2):
                pool = await self._ready_pool()
                if pool is None:
                    return Report(failure=Failure.UNAVAILABLE)
                try:
                    # submitted from a thread: a submit may start a worker, which waits on the fork server
                    submitted = await loop.run_in_executor(self._submitter, pool.submit, call, func, args,
                                                           self.limits.cpu)
                    return await asyncio.wait_for(asyncio.wrap_future(submitted), self.deadline)
                except TimeoutError:
                    log.warning("%s task passed its %.1fs deadline; replacing the worker pool", self.name,
                                self.deadline)
                    self._recycle(pool)
                    return Report(failure=Failure.TIMEOUT)
                except BrokenProcessPool:
                    # a worker died (or another task's deadline recycled this pool): one more try
                    self._recycle(pool)
                except RuntimeError:
                    if pool is self._pool:
                        raise
                    # another task's deadline shut this pool down between our taking it and the
                    # submit ("cannot schedule new futures after shutdown"): one more try on the new one
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if task is not None and task.cancelling():
                        raise  # we are being cancelled ourselves
                    # the pool was replaced under this task (cancel_futures): one more try
                if attempt == 2:
                    break
        return Report(failure=Failure.CRASHED)

    async def start(self) -> bool:
        """Start and warm the workers now, so the first tasks do not wait for
        it; False when they cannot start."""
        return await self._ready_pool() is not None

    async def _ready_pool(self) -> ProcessPoolExecutor | None:
        """The pool, its workers started and warmed up outside any task's
        deadline; None if they cannot start."""
        if self._pool is not None and self._warming is None:
            return self._pool
        if self._pool is None:
            context = fork_server()
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, max_tasks_per_child=self.max_tasks_per_child,
                mp_context=context, initializer=initialise, initargs=(self.limits.memory, os.getpid()))
            loop = asyncio.get_running_loop()
            # from a thread: the first worker waits for the fork server's preload (seconds)
            warm_ups = [loop.run_in_executor(self._submitter, self._pool.submit, self._warm_up)
                        for _ in range(self.workers)]
            self._warming = asyncio.ensure_future(asyncio.wait_for(_started(warm_ups), STARTUP_DEADLINE))
        pool, warming = self._pool, self._warming
        assert warming is not None
        try:
            await asyncio.shield(warming)
        except (TimeoutError, BrokenProcessPool, OSError, EOFError, MemoryError) as exc:
            log.error("the %s worker pool did not start: %s: %s", self.name, type(exc).__name__, exc)
            self._recycle(pool)
            return None
        if self._pool is pool:
            self._warming = None  # warm: later calls (from any event loop) use it directly
        return pool

    def worker_pids(self) -> list[int]:
        """The live workers' process ids (for measurements and tests)."""
        processes = (getattr(self._pool, "_processes", None) or {}) if self._pool else {}
        return [p.pid for p in processes.values() if p.pid is not None and p.is_alive()]

    def _recycle(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:
            self._pool, self._warming = None, None
            self.recycled += 1
        _kill(pool)

    def close(self) -> None:
        pool, self._pool, self._warming = self._pool, None, None
        if pool is not None:
            _kill(pool)
        self._submitter.shutdown(wait=False, cancel_futures=True)


def fork_server() -> Any:
    """The forkserver context, its server running (started if needed, never
    waited for).  Called on the event loop's thread: the fork server dies
    with the thread that started it (monitor.workers.serverguard), so that
    must be the thread that lives as long as the daemon."""
    context = multiprocessing.get_context("forkserver")  # no fork of a threaded parent
    context.set_forkserver_preload(list(FORKSERVER_PRELOAD))
    forkserver.ensure_running()
    return context


async def _started(submitting: list[asyncio.Future[Future[Any]]]) -> list[Any]:
    """Each warm-up task submitted, then done."""
    submitted = await asyncio.gather(*submitting)
    return await asyncio.gather(*(asyncio.wrap_future(f) for f in submitted))


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, stuck workers included (Python 3.11 has no public
    terminate_workers(); `_processes` is the executor's own table)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)
