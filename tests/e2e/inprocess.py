"""`news-monitor` commands that end when their work is done run inside the
test process: the same `monitor.cli.main()` with the same argv, environment
and working directory, its stdout and stderr captured and its exit status
returned, as subprocess.run would give them.  A new Python process costs
~1.5 s of CPU to start (SQLAlchemy, SQLModel, the package), and a `once` that
fetches pages starts a fork server that loads the extraction libraries and
the language model (~1 s more); the suite runs a few hundred such commands on
2 cores.  In the test process the package is imported once, and the fork
server the first `once` starts serves every later one (multiprocessing keeps
one per process; it keeps that first command's environment and working
directory, which no worker reads: a task gets all it needs as arguments).
What must be a process of its own stays one: `run` (it serves and takes
signals), the commands a test kills or times, and whatever a test starts
with `popen`.  NEWS_MONITOR_TEST_SUBPROCESS=1 runs every
command as a process."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

# Commands that end when their work is done, leaving no thread or task behind
# (their runtime closes its pools, threads and connections on the way out).
IN_PROCESS = frozenset({"hits", "feeds", "search", "backtest", "stories", "deliveries", "check", "once",
                        "backfill", "db", "test-channel"})


def news_monitor(args: Sequence[str], *, env: Mapping[str, str], cwd: Path | str | None = None,
                 timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`news-monitor ARGS` as a user runs it: in this process when it may
    (runs_in_process), else a real process in a group of its own."""
    from tests.procs import run_in_group

    where = Path(cwd) if cwd is not None else Path.cwd()
    if runs_in_process(args):
        return run_in_process(args, env=env, cwd=where, timeout=timeout)
    return run_in_group([sys.executable, "-m", "monitor", *args], env=env, cwd=where, timeout=timeout)


def runs_in_process(args: Sequence[str]) -> bool:
    if os.environ.get("NEWS_MONITOR_TEST_SUBPROCESS") == "1" or not args or args[0] not in IN_PROCESS:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    return False  # asyncio.run() cannot nest in an async test


class CommandTimeout(BaseException):
    """Raised in the test's thread when an in-process command passes its timeout."""


def run_in_process(args: Sequence[str], *, env: Mapping[str, str], cwd: Path,
                   timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """As subprocess.run would: a command that passes `timeout` raises
    subprocess.TimeoutExpired (SIGALRM interrupts it in this, the main, thread)."""
    from monitor.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: int = 0
    argv = ["news-monitor", *args]
    with _isolated(env, cwd, argv, out, err), _deadline(timeout):
        try:
            main()
        except SystemExit as exc:
            code = _exit_code(exc.code, err)
        except CommandTimeout:
            raise subprocess.TimeoutExpired(argv, timeout, out.getvalue(), err.getvalue()) from None
        except BaseException:  # what the interpreter would print, and its status
            traceback.print_exc(file=err)
            code = 1
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 5)  # again, every 5 s, should the command's clean-up hang too
        raise CommandTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _exit_code(code: object, err: io.StringIO) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    err.write(f"{code}\n")  # SystemExit("message"): printed, status 1
    return 1


@contextlib.contextmanager
def _isolated(env: Mapping[str, str], cwd: Path, argv: list[str],
              out: io.StringIO, err: io.StringIO) -> Iterator[None]:
    """The process-wide things a command reads or sets, put back afterwards:
    environment, working directory, argv, standard streams, root logging
    (its handlers, exactly) and every logger's level (the command quiets
    third-party loggers)."""
    root = logging.getLogger()
    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    saved_handlers, saved_levels = list(root.handlers), _levels()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.argv = argv
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(), out, err
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for handler in root.handlers[:]:
            if handler not in saved_handlers:
                root.removeHandler(handler)
                handler.close()
        for handler in saved_handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        for logger, level in saved_levels.items():
            logger.setLevel(level)
        for logger in list(logging.root.manager.loggerDict.values()):
            if isinstance(logger, logging.Logger) and logger not in saved_levels:
                logger.setLevel(logging.NOTSET)  # made by the command: as if it had never been set


def _levels() -> dict[logging.Logger, int]:
    loggers = [logging.getLogger(), *(lg for lg in logging.root.manager.loggerDict.values()
                                      if isinstance(lg, logging.Logger))]
    return {lg: lg.level for lg in loggers}
