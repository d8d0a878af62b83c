"""Tasks the worker tests run in worker processes (importable there)."""

from __future__ import annotations

import os
import time


def spin(seconds: float) -> int:
    """Busy CPU for `seconds` of wall time (or until stopped)."""
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
    return n


def hog(size: int) -> int:
    """Allocate `size` bytes and touch them."""
    block = bytearray(size)
    block[::4096] = b"x" * len(block[::4096])
    return len(block)


def die() -> None:
    os._exit(3)


def swallow_everything(seconds: float) -> str:
    """A task whose own `except Exception` must not swallow the deadline."""
    try:
        spin(seconds)
    except Exception:
        return "swallowed"
    return "finished"


def pid() -> int:
    return os.getpid()
