"""Waking the dispatcher when there is something to send, instead of having
it poll: a hit recorded in this process sets the Wakeup directly; on
PostgreSQL a trigger NOTIFYs every process (`news_monitor_deliveries`) and
a listener thread sets it, so a delivery recorded by another replica goes
out at once too.

    wakeup = Wakeup()
    wakeup.set()                       # from the event loop
    await wakeup.wait(timeout=2.0)     # True when set, False on timeout
    async with listening(dsn, wakeup): ...   # PostgreSQL only
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator

log = logging.getLogger("monitor.runtime")

CHANNEL = "news_monitor_deliveries"


class Wakeup:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    async def wait(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        finally:
            self._event.clear()
        return True


@contextlib.asynccontextmanager
async def listening(dsn: str, wakeup: Wakeup) -> AsyncIterator[None]:
    """LISTEN for new deliveries in a thread (its own connection, reconnected
    after a loss); every NOTIFY sets `wakeup` on this loop."""
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    thread = threading.Thread(target=_listen, args=(dsn, lambda: loop.call_soon_threadsafe(wakeup.set), stop),
                              name="listen", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        await asyncio.to_thread(thread.join, 5)


def _listen(dsn: str, wake, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    while not stop.is_set():
        try:
            with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                while not stop.is_set():
                    for _ in conn.notifies(timeout=1.0):
                        wake()
        except Exception as exc:  # the database went away: the dispatcher still looks every few seconds
            log.warning("LISTEN %s lost (%s: %s); reconnecting", CHANNEL, type(exc).__name__, exc)
            stop.wait(2.0)
