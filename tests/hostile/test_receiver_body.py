"""Issue 13, round 2: a receiver (a channel's endpoint) answers with a huge
body: 300 MB with a Content-Length, an endless chunked one, or a gzip bomb.
The daemon reads a small capped part of it (monitor.alerts.channels.http),
keeps a short excerpt as the delivery's error, and its memory does not grow
with what the receiver sends."""

from __future__ import annotations

import asyncio
import gzip
import struct
import zlib
from collections.abc import AsyncIterator

import brotli
import pytest

from monitor.clock import FrozenClock
from tests.e2e.servers import LocalServer, Request
from tests.alerts.conftest import T0, FakeStore, make_hit, webhook_spec
from tests.hostile.measure import Measurements, peak_kb, reset_peak
from tests.runtime_helpers import dispatcher

HUGE = 300 * 1024 * 1024  # what a receiver sends at most (it stops when the daemon hangs up)
CHUNK = b"<p>error</p>" * 87_381  # ~1 MB


def _bomb() -> bytes:
    """~300 KB of gzip that inflates to 300 MB of zeros: one compressed 1 MB block,
    repeated (a full flush makes each block stand alone), with a true trailer."""
    zeros = b"\0" * (1024 * 1024)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = squeeze.compress(zeros) + squeeze.flush(zlib.Z_FULL_FLUSH)
    count = HUGE // len(zeros)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    return (b"\x1f\x8b\x08\x00\0\0\0\0\x00\x03" + block * count + b"\x03\x00"
            + struct.pack("<II", crc, HUGE & 0xFFFFFFFF))


def _brotli_bomb() -> bytes:
    """~60 KB of brotli that decodes to 300 MB of zeros (made 1 MB at a time)."""
    squeeze = brotli.Compressor(quality=1)
    zeros = b"\0" * (1024 * 1024)
    return b"".join(squeeze.process(zeros) for _ in range(HUGE // len(zeros))) + squeeze.finish()


async def _answer(kind: str, writer: asyncio.StreamWriter) -> None:
    if kind in ("gzip", "br"):
        body = _bomb() if kind == "gzip" else _brotli_bomb()
        writer.write(b"HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\nContent-Encoding: %s\r\n"
                     b"Content-Length: %d\r\n\r\n" % (kind.encode(), len(body)) + body)
        await writer.drain()
        return
    if kind == "length":
        writer.write(b"HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % HUGE)
    else:
        writer.write(b"HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
    sent = 0
    while sent < HUGE:
        writer.write(CHUNK if kind == "length" else b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
        sent += len(CHUNK)
        await writer.drain()


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[int]]]:
    hangups: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        await reader.readexactly(length)
        kind = head.split(b" ")[1].decode().strip("/")
        try:
            await _answer(kind, writer)
        except (ConnectionError, OSError):
            hangups.append(1)  # the daemon stopped reading and closed
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", hangups
    finally:
        server.close()


@pytest.mark.parametrize("kind", ["length", "chunked", "gzip", "br"])
async def test_a_receivers_huge_reply_costs_a_capped_read(
        kind: str, receiver: tuple[str, list[int]], measured: Measurements) -> None:
    base, _ = receiver
    clock = FrozenClock(T0)
    store = FakeStore()
    row = store.add("hook", (make_hit(1),), due=clock.now())
    d = dispatcher(store, {"hook": webhook_spec(f"{base}/{kind}")}, clock, owner="t", rand=lambda: 0.5)
    reset_peak()
    before = peak_kb() / 1024
    with measured.case(f"receiver answers 300 MB ({kind})") as case:
        assert await asyncio.wait_for(d.tick(), 60) == 1
        case.outcome = (row.last_error or "")[:40]
    grown = case.parent_peak_mb - before
    assert row.status == "pending" and row.last_error.startswith("HTTP 500"), row.last_error
    assert len(row.last_error) < 400
    assert grown < 64, f"memory grew {grown:.0f} MB reading a receiver's reply"


SECRET_PATH = "hook/XyZsecretHookToken42"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class CompressedEcho(LocalServer):
    """Answers every POST 404 quoting its own path (the secret URL's), 20 KB
    of it, compressed as the path says (`/gzip/...`, `/br/...`, `/zstd/...`:
    a zstd frame keeps short literals as they are, so the raw bytes hold the
    token; httpx does not read zstd here)."""

    def respond(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        coding = request.path.split("/")[1]
        text = (f"<pre>Cannot POST {request.path}</pre>\n" * 500).encode()
        body = (gzip.compress(text) if coding == "gzip" else brotli.compress(text) if coding == "br"
                else ZSTD_MAGIC + text)
        return 404, {"content-type": "text/html", "content-encoding": coding}, body


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
async def test_a_compressed_reply_quoting_the_secret_is_redacted_and_excerpted(
        coding: str, measured: Measurements) -> None:
    clock = FrozenClock(T0)
    store = FakeStore()
    row = store.add("hook", (make_hit(1),), due=clock.now())
    with CompressedEcho() as echo:
        d = dispatcher(store, {"hook": webhook_spec(echo.url(f"/{coding}/{SECRET_PATH}"), max_attempts=1)},
                       clock, owner="t", rand=lambda: 1.0)
        with measured.case(f"receiver echoes the secret URL ({coding})") as case:
            assert await asyncio.wait_for(d.tick(), 30) == 1
            case.outcome = (row.last_error or "")[:40]
    error = row.last_error or ""
    assert "XyZsecretHookToken42" not in error and len(error) < 400, error
    if coding == "zstd":
        assert error.startswith("HTTP 404: (zstd-encoded body not read)"), error
    else:
        assert error.startswith("HTTP 404: <pre>Cannot POST ***</pre>"), error
