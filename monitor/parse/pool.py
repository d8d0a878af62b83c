"""Feed parsing in worker processes: `parse_feed` with a CPU deadline and a
memory cap per feed, so no feed can hold a core, the event loop or the
daemon's memory for longer than its budget.

feedparser has no limit of its own: a 3.5 MB element with 300,000
attributes kept it busy for minutes, an entity trick cost gigabytes.
monitor.parse.feed refuses the known shapes before parsing; this pool bounds
everything else.  A feed past a budget is a ParsedFeed error:

    parse-timeout   past `deadline` seconds of CPU (poll.parse_deadline), or
                    stuck past the wall-clock backstop (its worker was killed)
    too-complex     past `memory` bytes (poll.parse_memory), or its worker
                    died under it twice

    parser = FeedParser(workers=2, deadline=15.0, memory=1_000_000_000)
    parsed = await parser.parse(body, url=url, content_type=ctype, max_entries=1000)
    parser.close()

The workers start on the first parse (or `start()`), fork from the shared
fork server and die with the daemon (monitor.workers).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from monitor.parse.entries import MAX_ENTRIES
from monitor.types import ParsedFeed
from monitor.workers.pool import Failure, Limits, WorkerPool

DEADLINE = 15.0  # CPU seconds one feed's parse may use
MEMORY = 1_000_000_000  # bytes a parse may add to its worker (1GB)


class FeedParser:
    def __init__(self, workers: int = 2, *, deadline: float = DEADLINE, memory: int = MEMORY,
                 max_tasks_per_child: int = 500) -> None:
        self.workers = workers
        self.deadline = deadline
        self.memory = memory
        # the wall-clock backstop: a parse stuck in C code (no signal handler runs
        # there) or starved of CPU is killed with its worker
        self._pool = WorkerPool("feed parsing", workers, deadline=3 * deadline + 5,
                                limits=Limits(cpu=deadline, memory=memory),
                                max_tasks_per_child=max_tasks_per_child)

    @property
    def settings(self) -> tuple[int, float, int]:
        return self.workers, self.deadline, self.memory

    @property
    def pool(self) -> WorkerPool:
        return self._pool

    async def parse(self, body: bytes, *, url: str, content_type: str = "",
                    max_entries: int = MAX_ENTRIES) -> ParsedFeed:
        report = await self._pool.run(partial(_parse_feed, url=url, content_type=content_type,
                                              max_entries=max_entries), body)
        if report.ok and isinstance(report.value, ParsedFeed):
            return report.value
        return ParsedFeed((), error=self._explain(report.failure), error_kind=_KINDS.get(report.failure, "parse-error"))

    def _explain(self, failure: Failure | None) -> str:
        if failure is Failure.TIMEOUT:
            return (f"parsing the feed took more than {self.deadline:g} s of CPU; refused (it is too complex "
                    "or built to be slow; poll.parse_deadline sets the budget)")
        if failure is Failure.MEMORY:
            return (f"parsing the feed needed more than {self.memory / 1e6:,.0f} MB of memory; refused "
                    "(poll.parse_memory sets the budget)")
        if failure is Failure.CRASHED:
            return "the feed parser's worker process died on this feed, twice; refused"
        return "the feed parser's worker processes could not start; see the daemon's log"

    async def start(self) -> bool:
        return await self._pool.start()

    def close(self) -> None:
        self._pool.close()


def _parse_feed(body: bytes, **options: Any) -> ParsedFeed:
    """monitor.parse.feed.parse_feed, imported in the worker (the fork server
    preloads it): the daemon itself never loads feedparser or lxml."""
    from monitor.parse.feed import parse_feed

    return parse_feed(body, **options)


_KINDS: dict[Failure | None, str] = {Failure.TIMEOUT: "parse-timeout", Failure.MEMORY: "too-complex", Failure.CRASHED: "too-complex"}
