from __future__ import annotations

import asyncio
import shutil
import ssl
from pathlib import Path

import pytest

from monitor.fetch.http import Fetcher
from monitor.fetch.transport import SocketOnceBackend

from tests.procs import run_in_group
from .conftest import HostileServer


async def test_https_to_a_plain_http_port_is_a_tls_error(server: HostileServer, fetcher: Fetcher) -> None:
    result = await fetcher.fetch_feed(server.url("/feed", scheme="https"), etag=None, last_modified=None)
    assert result.error_kind == "tls", result.error
    assert "TLS handshake" in (result.error or "")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="LOUD SKIP: no openssl CLI to make a self-signed cert")
async def test_self_signed_certificate_is_a_tls_error(fetcher: Fetcher, tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    run_in_group(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                  "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], timeout=60, check=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    listener = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    port = listener.sockets[0].getsockname()[1]
    try:
        result = await fetcher.fetch_feed(f"https://127.0.0.1:{port}/feed", etag=None, last_modified=None)
    finally:
        listener.close()
    assert result.error_kind == "tls"
    assert "CERTIFICATE_VERIFY_FAILED" in (result.error or "")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="LOUD SKIP: no openssl CLI to make a self-signed cert")
async def test_a_tls_connection_keeps_answering_from_its_socket(tmp_path: Path) -> None:
    """The transport's streams after the TLS handshake (monitor.fetch.transport):
    the TLS session is httpcore's, the idle check still reads the socket."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    run_in_group(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                  "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
                  "-addext", "subjectAltName=DNS:localhost"], timeout=60, check=True)
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    hang_up = asyncio.Event()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await hang_up.wait()
        writer.close()

    listener = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=served)
    port = listener.sockets[0].getsockname()[1]
    plain = await SocketOnceBackend().connect_tcp("127.0.0.1", port, timeout=5)
    stream = await plain.start_tls(client, server_hostname="localhost", timeout=5)  # SNI, as a pinned hop sends it
    try:
        assert stream.get_extra_info("ssl_object").server_hostname == "localhost"
        assert stream.get_extra_info("is_readable") is False
        hang_up.set()
        for _ in range(100):
            if stream.get_extra_info("is_readable"):
                break
            await asyncio.sleep(0.02)
        assert stream.get_extra_info("is_readable") is True
    finally:
        await stream.aclose()
        listener.close()
        await listener.wait_closed()
