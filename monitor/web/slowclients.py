"""uvicorn's h11 protocol with a request deadline: a client must deliver a
whole request (headers and body) within REQUEST_DEADLINE seconds of
connecting, or of the previous response on a kept-alive connection, else the
connection is closed.

uvicorn arms no timer on a fresh connection, and any byte received cancels its
keep-alive timer: 100 clients sending a header a byte at a time would hold
every connection the server allows (`limit_concurrency`), and /healthz with
them, for as long as they like.  Imported only when the daemon serves.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_DEADLINE = 10.0  # seconds for a whole request to arrive; loopback and LAN clients need milliseconds


class DeadlineH11Protocol(H11Protocol):
    """H11Protocol that closes a connection whose request is not complete in time."""

    deadline: float = REQUEST_DEADLINE
    _request_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self._request_timer = self.loop.call_later(self.deadline, self._request_overdue)

    def _disarm(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _request_overdue(self) -> None:
        """Still reading a request (headers or body) after the deadline: close."""
        self._request_timer = None
        if self.transport.is_closing() or self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            return  # the request is in; the app's answer is not the client's fault
        self.transport.close()
