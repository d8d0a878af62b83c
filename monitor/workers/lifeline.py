"""A worker process ends when its parent does, however the parent ends
(SIGKILL and the OOM killer included), so no orphan keeps a CPU busy on a
feed nobody waits for.

Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)`, then a check that the parent did
not die before the call.  Elsewhere: a daemon thread that exits the process
once the parent pid changes (checked every `poll` seconds).

The check needs the pid of the parent as it was at fork time: a process that
reads its parent only when it gets here (a worker still starting while the
daemon is killed) already sees init, would take init for its parent, and live
on.  So a forked worker passes the pid of the process that forked it
(`parent=`); only a process that cannot have been orphaned yet calls it bare.

Workers of a forkserver pool have the fork server as their parent, and the
fork server (which sets this too, monitor.workers.serverguard) has the
daemon: the chain daemon -> fork server -> workers ends as one.

    die_with_parent(parent=server)   # first thing in a worker's initializer
    watch_owner(pid)         # without prctl: end when the daemon `pid` is gone
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


def die_with_parent(*, parent: int | None = None, poll: float = 1.0) -> str:
    """Arrange for this process to end with `parent` (default: the current
    parent), ending it now if that is already gone; returns how ("prctl" or
    "watcher")."""
    if parent is None:
        parent = os.getppid()
    elif os.getppid() != parent:
        os._exit(1)  # orphaned before we got here
    if sys.platform.startswith("linux") and _prctl_pdeathsig(signal.SIGKILL):
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
        return "prctl"
    threading.Thread(target=_watch, args=(parent, poll), name="lifeline", daemon=True).start()
    return "watcher"


def _prctl_pdeathsig(sig: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the process's own symbols (libc's prctl)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, poll: float) -> None:
    while os.getppid() == parent:
        time.sleep(poll)
    os._exit(1)


def watch_owner(owner: int, *, poll: float = 1.0) -> None:
    """End this process once process `owner` is gone (a daemon thread)."""
    threading.Thread(target=_watch_pid, args=(owner, poll), name="lifeline", daemon=True).start()


def _watch_pid(owner: int, poll: float) -> None:
    while True:
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass  # it exists (owned by someone else: reused, but alive)
        time.sleep(poll)
