"""Several real `news-monitor` processes on one database, a feed farm and a
webhook receiver on 127.0.0.1.  Each process runs in its own session and is
killed with its whole process group (extraction workers included)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from tests.e2e.servers import LocalServer, Receiver, Request, page, rss
from tests import pg as pgdb
from tests.procs import kill_group

ROOT = Path(__file__).resolve().parents[2]
VOCAB = [f"{a}{b}" for a in ("kor", "bel", "sam", "tor", "vin", "lum", "dar", "pex", "quo", "rin", "sol", "tam")
         for b in ("ade", "ine", "ora", "ust", "ell", "ive", "ond", "ari", "eno", "ulu", "yst", "axe")]


def text_of(seed: str, words: int = 120) -> list[str]:
    """Article paragraphs, different for every seed (each its own story), all
    naming a special envoy so the test rule matches."""
    rng = random.Random(seed)
    body = [" ".join(rng.choices(VOCAB, k=words // 4)) for _ in range(4)]
    return [f"A special envoy arrived today, officials said ({seed}).", *body]


class Farm(LocalServer):
    """Feeds /feed/N.xml with items linking to their own pages; request start
    and end times are kept for the politeness checks."""

    def __init__(self) -> None:
        super().__init__()
        self.timeline: list[tuple[float, float, str]] = []  # (start, end, path)
        self.timeline_lock = threading.Lock()
        self.slow: dict[str, float] = {}  # path -> seconds an answer takes, inside its timeline span

    def respond(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        started = time.monotonic()
        path = request.path.split("?")[0]
        if path in self.slow:
            time.sleep(self.slow[path])
        answer = super().respond(request)
        with self.timeline_lock:
            self.timeline.append((started, time.monotonic(), request.path))
        return answer

    def publish(self, feed: int, items: int, *, story: str | None = None, delay: float = 0.0,
                slow: float = 0.0, pages: bool = True) -> str:
        """Feed `feed` with `items` items, each linking to its own page (or, with
        pages=False, carrying its whole text in the feed)."""
        now = format_datetime(datetime.now(timezone.utc))
        entries = []
        for i in range(items):
            key = f"f{feed}-i{i}"
            path = f"/page/{key}.html"
            entry = {"title": f"Envoy story {story or key}", "guid": key, "pubDate": now,
                     "description": " ".join(text_of(story or key)) if not pages else "A special envoy arrived."}
            if pages:
                self.serve(path, page(f"Envoy story {story or key}", text_of(story or key)), "text/html")
                entry["link"] = self.url(path)
            if delay:
                self.delays[path] = delay
            if slow:
                self.slow[path] = slow
            entries.append(entry)
        return self.serve(f"/feed/{feed}.xml", rss(f"Feed {feed}", entries))


def replica_config(tmp: Path, name: str, db: str, farm: Farm, hook: str, feeds: list[int], **extra) -> Path:
    data = {
        "database": db,
        "poll": {"interval": "10m", "concurrency": 8, "jitter": 0},
        "fetch": {"timeout": "10s", "allow_private": ["127.0.0.0/8"], "host_spacing": "0s", "per_host": 16,
                  "extract_workers": 1},
        "http": {"listen": "127.0.0.1:0"},
        "replicas": {"lease": "3s", "heartbeat": "1s", "config_grace": "20s"},
        "feeds": [{"url": farm.url(f"/feed/{n}.xml"), "name": f"Feed {n}"} for n in feeds],
        "rules": [{"id": "envoy", "query": '"special envoy"', "notify": ["hook"]}],
        "channels": {"hook": {"type": "webhook", "url": hook, "timeout": "10s"}},
        "log": {"level": "INFO"},
    }
    data.update(extra)
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


class Replica:
    """`news-monitor run` in its own session; its stderr is kept."""

    def __init__(self, config: Path, name: str) -> None:
        self.name, self.config = name, config
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.proc = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(config)],
                                     cwd=config.parent, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()

    @property
    def log(self) -> str:
        with self.changed:
            return "".join(self.lines)

    def wait_for_log(self, text: str, timeout: float = 60.0, count: int = 1) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: sum(text in line for line in self.lines) >= count
                                         or self.proc.poll() is not None, timeout=timeout) \
                and sum(text in line for line in self.lines) >= count

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole group (the daemon, its fork server and workers)."""
        kill_group(self.proc, sig)  # a daemon that died already may have left workers in its group
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            kill_group(self.proc)
            self.proc.wait(5)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        finally:
            self.kill()


@contextmanager
def replicas(configs: list[tuple[Path, str]]) -> Iterator[list[Replica]]:
    started = [Replica(path, name) for path, name in configs]
    try:
        yield started
    finally:
        for r in started:
            r.kill()


@pytest.fixture
def pg_db() -> Iterator[str]:
    """A database of its own (dropped afterwards), as a SQLAlchemy URL."""
    problem = pgdb.pg_problem("replica tests")
    if problem:
        pytest.skip(problem)
    with pgdb.database("replicas") as name:
        yield f"{pgdb.PG_URL}/{name}"


@pytest.fixture
def farm() -> Iterator[Farm]:
    with Farm() as f:
        yield f


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def until(predicate: Callable[[], bool], timeout: float, step: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def sql(db: str, query: str) -> list[tuple]:  # type: ignore[type-arg]
    import psycopg

    with psycopg.connect(db.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        return conn.execute(query).fetchall()


def count(db: str, table: str, where: str = "") -> int:
    """Rows of `table` (0 while the replicas are still creating the schema)."""
    import psycopg

    try:
        return int(sql(db, f"select count(*) from {table}" + (f" where {where}" if where else ""))[0][0])
    except psycopg.errors.UndefinedTable:
        return 0
