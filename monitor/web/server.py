"""Run the HTTP API inside the daemon's event loop (uvicorn, no extra process)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections.abc import AsyncIterator

import uvicorn

from monitor.web.api import build_api

log = logging.getLogger("monitor.web")


def split_listen(listen: str) -> tuple[str, int]:
    """
    >>> split_listen("127.0.0.1:8080")
    ('127.0.0.1', 8080)
    >>> split_listen("[::1]:0")
    ('::1', 0)
    """
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextlib.asynccontextmanager
async def serving(app, daemon) -> AsyncIterator[uvicorn.Server | None]:
    """Serve `http.listen` while the block runs; yields the server (its bound port is
    in `server.servers[0].sockets`)."""
    host, port = split_listen(app.config.http.listen)
    if not is_loopback(host) and not app.config.http.token:
        log.error("http.listen %s is not a loopback address and http.token is not set: refusing to serve the API "
                  "without a token (set http.token, e.g. from ${NEWS_MONITOR_HTTP_TOKEN})", app.config.http.listen)
        yield None
        return
    config = uvicorn.Config(build_api(app, daemon), host=host, port=port, log_level="warning", lifespan="off",
                            access_log=False, timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # the daemon owns the signals
    try:  # bind ourselves: uvicorn would sys.exit() on a taken port
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                    reuse_port=False)
    except OSError as exc:
        log.error("HTTP server on %s could not start: %s; the daemon runs without it", app.config.http.listen, exc)
        yield None
        return
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    bound = sock.getsockname()
    app.http_port = bound[1]
    log.info("HTTP on http://%s:%d (status page, /api, /metrics, /healthz, /readyz)", host, bound[1])
    try:
        yield server
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, timeout=3)
