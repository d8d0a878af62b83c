"""Full text of an article page: trafilatura in worker processes.

trafilatura is CPU-bound (20-25 ms a page, some pages take minutes) and has no
timeout of its own, so pages are extracted in a monitor.workers.WorkerPool
with a deadline per page and a memory cap per worker; a page past its
deadline gets None and its pool is replaced, so a stuck worker cannot hold
up the next pages.  `None` always means "use the feed's own content instead"
(the caller records which text it used).

    extractor = Extractor(workers=2)
    extracted = await extractor.extract(body, url=url, content_type=ctype)
    extractor.close()
"""

from __future__ import annotations

from typing import Any, Callable

from monitor.extract.lang import detect_language
from monitor.extract.page import Extracted, extract_page
from monitor.workers.pool import Limits, WorkerPool

MEMORY = 1 << 30  # bytes an extraction worker may grow by (pages are at most fetch.max_bytes)


def warm_up() -> None:
    """Run once in each new worker: import trafilatura, load the language model."""
    import trafilatura  # noqa: F401

    detect_language("warming up the language model with a sentence of text")


class Extractor:
    """`extract_page` in worker processes with a deadline per page."""

    def __init__(self, workers: int = 2, *, deadline: float = 20.0, max_tasks_per_child: int = 200) -> None:
        self.workers = workers
        self.deadline = deadline
        # pages handed to the pool at once: 2 per worker keeps them busy; the
        # rest wait outside the deadline, so a long queue cannot time pages out
        self._pool = WorkerPool("extraction", workers, deadline=deadline, limits=Limits(memory=MEMORY),
                                max_tasks_per_child=max_tasks_per_child, slots=2 * workers, warm_up=warm_up)

    @property
    def recycled(self) -> int:
        return self._pool.recycled

    @property
    def pool(self) -> WorkerPool:
        return self._pool

    async def extract(self, body: bytes, *, url: str, content_type: str = "") -> Extracted | None:
        if not body.strip():
            return None
        result = await self._run(extract_page, body, url, content_type)
        return result if isinstance(result, Extracted) else None

    async def _run(self, func: Callable[..., Any], *args: Any) -> Any:
        """`func(*args)` in the pool within the deadline; None past it.
        (Tests submit a slow function here to prove the pool recovers.)"""
        report = await self._pool.run(func, *args)
        return report.value if report.ok else None

    async def start(self) -> bool:
        """Start and warm the workers now, so the first pages do not wait for
        it; False when they cannot start."""
        return await self._pool.start()

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
