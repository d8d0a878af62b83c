"""Full text of an article page: trafilatura in a process pool.

trafilatura is CPU-bound (20-25 ms a page, some pages take minutes) and has no
timeout of its own, so pages are extracted in worker processes with a deadline
per page; a page past its deadline gets None and its pool is replaced, so a
stuck worker cannot hold up the next pages.  `None` always means "use the
feed's own content instead" (the caller records which text it used).

    extractor = Extractor(workers=2)
    extracted = await extractor.extract(body, url=url, content_type=ctype)
    extractor.close()
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from monitor.extract.lang import detect_language
from monitor.extract.page import Extracted, extract_page

log = logging.getLogger(__name__)

STARTUP_DEADLINE = 60.0  # seconds for a new pool's workers to import trafilatura and the language model
# New workers fork from a server that has these imported: a replaced pool is ready in milliseconds.
_FORKSERVER_PRELOAD = ["monitor.extract.preload", "monitor.extract.page"]


def _worker_init() -> None:
    """Workers leave Ctrl-C to the daemon, which shuts the pool down itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm_up() -> None:
    """Run once in each new worker: import trafilatura, load the language model."""
    import trafilatura  # noqa: F401

    detect_language("warming up the language model with a sentence of text")


class Extractor:
    """A pool of worker processes running `extract_page` with a deadline per page."""

    def __init__(self, workers: int = 2, *, deadline: float = 20.0, max_tasks_per_child: int = 200) -> None:
        if workers < 1:
            raise ValueError(f"Extractor needs at least 1 worker, got workers={workers}")
        self.workers = workers
        self.deadline = deadline
        self.max_tasks_per_child = max_tasks_per_child
        self._pool: ProcessPoolExecutor | None = None
        self._warming: asyncio.Future[Any] | None = None
        self.recycled = 0  # pools replaced after a deadline or a crashed worker
        # pages handed to the pool at once: the rest wait here, outside the
        # deadline, so a long queue cannot make pages "time out" unprocessed
        self._slots = asyncio.Semaphore(2 * workers)

    async def extract(self, body: bytes, *, url: str, content_type: str = "") -> Extracted | None:
        if not body.strip():
            return None
        result = await self._run(extract_page, body, url, content_type)
        return result if isinstance(result, Extracted) else None

    async def _run(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run `func(*args)` in the pool within the deadline; None past it.
        (Tests submit a slow function here to prove the pool recovers.)"""
        loop = asyncio.get_running_loop()
        async with self._slots:
            for attempt in (1, 2):
                pool = await self._ready_pool()
                if pool is None:
                    return None
                try:
                    return await asyncio.wait_for(loop.run_in_executor(pool, func, *args), self.deadline)
                except TimeoutError:
                    log.warning("extraction passed its %.1fs deadline; replacing the worker pool", self.deadline)
                    self._recycle(pool)
                    return None
                except BrokenProcessPool:
                    # a worker died (or another task's deadline recycled this pool): one more try
                    self._recycle(pool)
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if task is not None and task.cancelling():
                        raise  # we are being cancelled ourselves
                    # the pool was replaced under this page (cancel_futures): one more try
                if attempt == 2:
                    return None
        return None

    async def start(self) -> bool:
        """Start and warm the workers now (the daemon does at start), so the
        first pages do not wait for it; False when they cannot start."""
        return await self._ready_pool() is not None

    async def _ready_pool(self) -> ProcessPoolExecutor | None:
        """The pool, its workers started and warmed up (imports and language
        model loaded outside any page's deadline); None if they cannot start."""
        if self._pool is not None and self._warming is None:
            return self._pool
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")  # no fork of a threaded parent
            context.set_forkserver_preload(_FORKSERVER_PRELOAD)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, max_tasks_per_child=self.max_tasks_per_child,
                mp_context=context, initializer=_worker_init)
            loop = asyncio.get_running_loop()
            warm_ups = [loop.run_in_executor(self._pool, warm_up) for _ in range(self.workers)]
            self._warming = asyncio.ensure_future(
                asyncio.wait_for(asyncio.gather(*warm_ups), STARTUP_DEADLINE))
        pool, warming = self._pool, self._warming
        assert warming is not None
        try:
            await asyncio.shield(warming)
        except (TimeoutError, BrokenProcessPool, OSError) as exc:
            log.error("the extraction worker pool did not start: %s: %s", type(exc).__name__, exc)
            self._recycle(pool)
            return None
        if self._pool is pool:
            self._warming = None  # warm: later calls (from any event loop) use it directly
        return pool

    def _recycle(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:
            self._pool, self._warming = None, None
            self.recycled += 1
        _kill(pool)

    def close(self) -> None:
        pool, self._pool, self._warming = self._pool, None, None
        if pool is not None:
            _kill(pool)

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now, stuck workers included (Python 3.11 has no public
    terminate_workers(); `_processes` is the executor's own table)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
