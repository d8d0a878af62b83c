"""Preloaded into the fork server by test_orphans' slow-start script: each
worker says it is starting, then waits before its real initialiser, so the
daemon can be killed while a worker is between its fork and its lifeline."""

import os
import sys
import time

from monitor.workers import child

_initialise = child.initialise


def initialise(*args: object) -> None:
    print(f"starting {os.getpid()}", flush=True)
    time.sleep(float(os.environ.get("SLOW_START_SECONDS", "2")))
    _initialise(*args)  # type: ignore[arg-type]


child.initialise = initialise  # type: ignore[assignment]
sys.stdout.flush()
