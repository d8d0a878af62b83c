"""What runs inside a worker process: its limits, and each task under them.

`initialise(memory)` runs once per worker: Ctrl-C is left to the daemon, the
worker dies with its parent, and its address space may grow by at most
`memory` bytes past what it uses at start (RLIMIT_AS: an allocation past it
is a MemoryError, not a machine swapping).  `call(func, args, cpu)` runs one
task with a CPU deadline (ITIMER_PROF counts the process's own CPU time, so a
worker waiting for a core is not charged) and reports the task's peak RSS.

A task that passes a limit comes back as a Report with a Failure; the worker
stays usable (what the task allocated is freed when its frames unwind).
"""

from __future__ import annotations

import os
import re
import resource
import signal
import sys
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Callable

from monitor.workers.lifeline import die_with_parent, watch_owner


class Failure(StrEnum):
    TIMEOUT = "timeout"  # past the CPU deadline (in the worker) or the wall deadline (pool replaced)
    MEMORY = "memory"  # an allocation past the memory cap
    CRASHED = "crashed"  # the worker died under the task, twice
    UNAVAILABLE = "unavailable"  # the workers could not start


@dataclass(frozen=True)
class Report:
    value: Any = None
    failure: Failure | None = None
    cpu_seconds: float = 0.0
    peak_rss_kb: int = 0  # the worker's peak resident memory during the task (0: unknown)

    @property
    def ok(self) -> bool:
        return self.failure is None


class CpuDeadline(BaseException):
    """Raised in the worker when its task's CPU deadline passes.  A
    BaseException, so the task's own `except Exception` cannot swallow it."""


def initialise(memory: int | None = None, owner: int | None = None) -> None:
    """`owner`: the daemon's pid; where the kernel cannot end a worker with its
    parent (not Linux), a watcher thread ends it when `owner` is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if die_with_parent(parent=_forked_by(owner)) != "prctl" and owner:
        watch_owner(owner)
    signal.signal(signal.SIGPROF, _past_deadline)
    if memory:
        cap_address_space(memory)


def _forked_by(owner: int | None) -> int | None:
    """The pid of the fork server that forked this worker (None when it was
    not forked by one: its parent is then read as it is).  Ends the worker
    at once when that server was started after `owner` (the daemon) was
    gone: nothing would end the server, or this worker, with the daemon."""
    server = sys.modules.get("monitor.workers.serverguard")
    if server is None:
        return None
    if owner and server.SERVER_PARENT != owner:
        os._exit(1)
    return int(server.SERVER_PID)


def cap_address_space(extra: int) -> int | None:
    """Let the address space grow by `extra` bytes from now; the cap set, or
    None where the current size cannot be read."""
    used = _address_space()
    if used is None:
        return None
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + extra if hard == resource.RLIM_INFINITY else min(hard, used + extra)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return cap


def ready() -> int:
    """The warm-up task: the worker is up (its limits set)."""
    return os.getpid()


def call(func: Callable[..., Any], args: tuple[Any, ...], cpu: float | None) -> Report:
    _reset_peak()
    started = time.process_time()
    try:
        if cpu:
            signal.setitimer(signal.ITIMER_PROF, cpu)
        try:
            value = func(*args)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
    except CpuDeadline:
        return Report(failure=Failure.TIMEOUT, cpu_seconds=time.process_time() - started, peak_rss_kb=_peak())
    except MemoryError:
        return Report(failure=Failure.MEMORY, cpu_seconds=time.process_time() - started, peak_rss_kb=_peak())
    return Report(value, cpu_seconds=time.process_time() - started, peak_rss_kb=_peak())


def _past_deadline(signum: int, frame: object) -> None:
    raise CpuDeadline()


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _reset_peak() -> None:
    """Start the peak-RSS count afresh for this task (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


_HWM = re.compile(r"VmHWM:\s+(\d+)\s+kB")


def _peak() -> int:
    try:
        with open("/proc/self/status") as status:
            found = _HWM.search(status.read())
        if found:
            return int(found.group(1))
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
