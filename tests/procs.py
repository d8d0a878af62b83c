"""Processes the tests start: each in a process group of its own
(start_new_session), the whole group killed when it is done or times out.
`subprocess.run(timeout=...)` kills the child only; a daemon's fork server
and workers then live on.  tests/conftest.py fails the session on any that do."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:  # type: ignore[type-arg]
    """Signal the process group `proc` leads (it, its fork server, its workers)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):  # gone, or another user's (a test's `setpriv`)
        pass


def start_in_group(argv: Sequence[str], *, cwd: Path | str | None = None,
                   env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """A process of its own group, stdout and stderr piped (text): end it with kill_group."""
    return subprocess.Popen(list(argv), cwd=cwd, env=None if env is None else dict(env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def run_in_group(argv: Sequence[str], *, timeout: float, cwd: Path | str | None = None,
                 env: Mapping[str, str] | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    """subprocess.run (output captured, text) in a process group of its own; on
    a timeout the whole group is killed, and whatever it left behind in its
    group when it ends."""
    proc = start_in_group(argv, cwd=cwd, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.communicate()
        raise
    finally:
        kill_group(proc)
    done = subprocess.CompletedProcess(list(argv), proc.returncode, out, err)
    if check:
        done.check_returncode()
    return done
