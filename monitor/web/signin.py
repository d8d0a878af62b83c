"""A limit on guessing http.token: failed token checks are counted per client
address in the database (monitor.store.signins), so the limit holds across
replicas; past FAILURES in WINDOW (from the first failure) every token check
from that address is answered 429 with Retry-After until the window ends, a
right token included (else the answers would still tell guesses apart).  A
success does not count.  What counts: a wrong token presented to /login, to
the API or the page (Bearer, ?token=, the cookie) and a wrong hit-feed ?key=;
a request presenting nothing does not.  The address is the connection's
peer: behind a reverse proxy all clients share the proxy's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

FAILURES = 10
WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class FailureLimit:
    failures: int = FAILURES
    window: timedelta = WINDOW

    def wait(self, state: tuple[int, datetime] | None, now: datetime) -> int | None:
        """Whole seconds until the client may try again; None: it may now.

        >>> start = datetime(2026, 12, 2, 12, 0)
        >>> limit = FailureLimit(3, timedelta(minutes=10))
        >>> limit.wait((2, start), start), limit.wait((3, start), start + timedelta(seconds=1.5))
        (None, 599)
        >>> limit.wait((3, start), start + timedelta(minutes=10)), limit.wait(None, start)
        (None, None)
        """
        if state is None or state[0] < self.failures:
            return None
        left = state[1] + self.window - now
        return int(left.total_seconds() + 0.999) if left > timedelta(0) else None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class SignInLimit:
    """The limit, with the store, threads and clock it reads and counts with."""

    def __init__(self, store: Any, threads: Any, clock: Any, limit: FailureLimit = FailureLimit()) -> None:
        self._store, self._threads, self._clock, self.limit = store, threads, clock, limit

    async def wait(self, request: Request) -> int | None:
        state = await self._threads.db(self._store.sign_in_failures, client_address(request))
        return self.limit.wait(state, self._clock.now())

    async def failed(self, request: Request) -> None:
        await self._threads.db(self._store.note_sign_in_failure, client_address(request), now=self._clock.now(),
                               window=self.limit.window)


def retry_after(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}


def too_many(seconds: int) -> JSONResponse:
    return JSONResponse({"detail": f"too many failed token checks from this address; try again in {seconds} s"},
                        status_code=429, headers=retry_after(seconds))
