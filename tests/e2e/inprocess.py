"""`news-monitor` read-only commands run inside the test process: the same
`monitor.cli.main()` with the same argv, environment and working directory,
its stdout and stderr captured and its exit status returned, as
subprocess.run would give them.  A new Python process costs ~1 s of start-up
(SQLAlchemy, SQLModel, the package) for a command that works for 50 ms; the
suite runs about a hundred of them.  Commands that start workers, threads or
a dispatcher (`once`, `run`, `backfill`, `db`) always run as real processes,
and NEWS_MONITOR_TEST_SUBPROCESS=1 runs every command as one."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

# Commands that read the database or a file and print: no worker, no thread
# left behind, nothing sent.
READ_ONLY = frozenset({"hits", "feeds", "search", "backtest", "stories", "deliveries", "check"})
WRITING_SUBCOMMANDS = frozenset({("deliveries", "retry")})


def runs_in_process(args: Sequence[str]) -> bool:
    if os.environ.get("NEWS_MONITOR_TEST_SUBPROCESS") == "1" or not args or args[0] not in READ_ONLY:
        return False
    if len(args) > 1 and (args[0], args[1]) in WRITING_SUBCOMMANDS:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    return False  # asyncio.run() cannot nest in an async test


def run_in_process(args: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    from monitor.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: int = 0
    with _isolated(env, cwd, ["news-monitor", *args], out, err):
        try:
            main()
        except SystemExit as exc:
            code = _exit_code(exc.code, err)
        except BaseException:  # what the interpreter would print, and its status
            traceback.print_exc(file=err)
            code = 1
    return subprocess.CompletedProcess(["news-monitor", *args], code, out.getvalue(), err.getvalue())


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
    environment, working directory, argv, standard streams, root logging."""
    root = logging.getLogger()
    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    saved_handlers, saved_level = list(root.handlers), root.level
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
        root.setLevel(saved_level)
