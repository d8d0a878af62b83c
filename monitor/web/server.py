"""The daemon's HTTP server: uvicorn inside the daemon's event loop (no extra
process), on a socket we bind ourselves, movable to a new `http.listen` on
reload without a restart.

    server = HttpServer(lambda: api)
    await server.start("127.0.0.1:8080")     # False (logged) when it cannot bind
    sock = server.prepare("0.0.0.0:9090")    # OSError: the reload keeps the old address
    await server.switch(sock)                # serve there, stop the old server
    await server.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from typing import Any, Callable

from monitor.web.listen import split_listen

log = logging.getLogger("monitor.web")

# Bounds against slow or idle clients: a whole request must arrive within
# monitor.web.slowclients.REQUEST_DEADLINE, idle kept-alive connections close
# after KEEP_ALIVE, and past CONNECTION_LIMIT connections uvicorn answers 503.
KEEP_ALIVE = 5
CONNECTION_LIMIT = 100


def _uvicorn_server(config_args: dict[str, Any], request_deadline: float | None) -> Any:
    """A uvicorn server without its signal handling: the daemon owns
    SIGTERM/SIGINT (uvicorn would replace their handlers while it serves, and
    re-raise a signal when it stops).  uvicorn is imported here, on the first
    start: `once` never serves and never loads it."""
    import uvicorn

    from monitor.web.slowclients import REQUEST_DEADLINE, DeadlineH11Protocol

    deadline = REQUEST_DEADLINE if request_deadline is None else request_deadline
    protocol = type("Protocol", (DeadlineH11Protocol,), {"deadline": deadline})
    config_args = {**config_args, "http": protocol}

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

        def stop(self) -> None:
            self.should_exit = True

    return _Server(uvicorn.Config(**config_args))


class HttpServer:
    def __init__(self, api: Callable[[], Any], *, request_deadline: float | None = None) -> None:
        """`api()` gives the ASGI app to serve (called when serving starts);
        a request must arrive within `request_deadline` seconds (default
        monitor.web.slowclients.REQUEST_DEADLINE)."""
        self._api = api
        self._request_deadline = request_deadline
        self._server: Any = None
        self._task: asyncio.Task[None] | None = None
        self.listen: str | None = None
        self.port: int | None = None

    def prepare(self, listen: str) -> socket.socket:
        """Bind `listen` now (uvicorn would sys.exit() on a taken port)."""
        host, port = split_listen(listen)
        return socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                    reuse_port=False)

    async def start(self, listen: str) -> bool:
        try:
            sock = self.prepare(listen)
        except OSError as exc:
            log.error("HTTP server on %s could not start: %s; the daemon runs without it", listen, exc)
            return False
        await self.switch(sock)
        return True

    async def switch(self, sock: socket.socket) -> None:
        """Serve on `sock` (bound by prepare), then stop the server it replaces."""
        server = _uvicorn_server(dict(app=self._api(), log_level="warning", lifespan="off", access_log=False,
                                      timeout_graceful_shutdown=2, timeout_keep_alive=KEEP_ALIVE,
                                      limit_concurrency=CONNECTION_LIMIT, h11_max_incomplete_event_size=64 * 1024),
                                 self._request_deadline)
        task = asyncio.create_task(server.serve(sockets=[sock]), name="http")
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        old_server, old_task = self._server, self._task
        self._server, self._task = server, task
        host, port = sock.getsockname()[:2]
        self.listen, self.port = f"[{host}]:{port}" if ":" in host else f"{host}:{port}", port
        log.info("HTTP on http://%s (status page, /api, /metrics, /healthz, /readyz)", self.listen)
        await _stop(old_server, old_task)

    async def stop(self) -> None:
        server, task, self._server, self._task = self._server, self._task, None, None
        await _stop(server, task)


async def _stop(server: Any, task: asyncio.Task[None] | None) -> None:
    if server is None or task is None:
        return
    server.stop()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(task, timeout=3)
