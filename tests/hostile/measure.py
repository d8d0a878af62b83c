"""What each hostile case cost: wall time, this process's peak RSS and the
worker processes' peak RSS during the case.  The suite prints the table at
the end of the run (tests/hostile/conftest.py, pytest_terminal_summary).

    with measurements.case("300,000 attributes", pools=[parser.pool]) as case:
        parsed = await parser.parse(body, url=URL)
        case.outcome = parsed.error_kind
    assert case.seconds < 10 and case.worker_peak_mb < 300

Peaks are VmHWM from /proc: this process's is reset when a case starts
(clear_refs), a worker's when each of its tasks starts (monitor.workers.child);
workers are sampled every 10 ms by a thread while the case runs, so a worker
killed in the middle still counts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

_HWM = re.compile(r"VmHWM:\s+(\d+)\s+kB")
REPORT = "NEWS_MONITOR_HOSTILE_REPORT"  # the file every test process appends its cases to (tests/conftest.py)


def peak_kb(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            found = _HWM.search(status.read())
        return int(found.group(1)) if found else 0
    except OSError:
        return 0


def reset_peak() -> None:
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


@dataclass
class Case:
    name: str
    seconds: float = 0.0
    parent_peak_mb: float = 0.0
    worker_peak_mb: float = 0.0
    outcome: str = ""


@dataclass
class Measurements:
    cases: list[Case] = field(default_factory=list)

    @contextlib.contextmanager
    def case(self, name: str, pools: Iterable[Any] = ()) -> Iterator[Case]:
        pools = [p for p in pools if p is not None]
        case = Case(name)
        worst, stop = [0], threading.Event()

        def sample() -> None:
            while True:
                for pool in pools:
                    for pid in list(pool.worker_pids()):
                        worst[0] = max(worst[0], peak_kb(pid))
                if stop.wait(0.01):
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        reset_peak()
        started = time.monotonic()
        sampler.start()
        try:
            yield case
        finally:
            case.seconds = time.monotonic() - started
            stop.set()
            sampler.join()
            case.parent_peak_mb = peak_kb() / 1024
            case.worker_peak_mb = max(worst[0], *(p.peak_rss_kb for p in pools), 0) / 1024
            self.cases.append(case)
            if os.environ.get(REPORT):  # one line per case, appended whole: xdist workers share the file
                with open(os.environ[REPORT], "a", encoding="utf-8") as sink:
                    sink.write(json.dumps(dataclasses.asdict(case)) + "\n")

    @classmethod
    def read(cls, path: str) -> Measurements:
        with contextlib.suppress(OSError), open(path, encoding="utf-8") as lines:
            return cls([Case(**json.loads(line)) for line in lines if line.strip()])
        return cls()

    def table(self) -> list[str]:
        lines = [f"{'hostile case':<52} {'time':>8} {'peak RSS':>10} {'workers':>10}  outcome",
                 "-" * 100]
        for c in self.cases:
            lines.append(f"{c.name[:52]:<52} {c.seconds:>7.2f}s {c.parent_peak_mb:>7.0f} MB "
                         f"{c.worker_peak_mb:>7.0f} MB  {c.outcome}")
        return lines
