from __future__ import annotations

import asyncio
import shutil
import ssl
from pathlib import Path

import pytest

from monitor.fetch.http import Fetcher

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
