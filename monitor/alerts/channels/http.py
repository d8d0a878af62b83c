"""How an HTTP answer becomes a SendResult (shared by webhook and Slack).

    2xx                      -> ok
    408, 425, 429, 5xx       -> retry (Retry-After honoured)
    other 3xx/4xx            -> permanent (dead at once; fix the receiver, then replay)
    timeout / network error  -> retry

The reply body is streamed and read up to BODY_CAP bytes only, after
decompression (then the connection is dropped): a hostile receiver answering
with gigabytes, an endless body or a gzip/brotli bomb costs the daemon 64 KB,
not its memory.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from monitor.alerts.retry import parse_retry_after
from monitor.fetch.body import BadEncoding, decoder
from monitor.types import SendResult

RETRYABLE = {408, 425, 429}
RAW_LIMIT = 2000  # of the reply body kept in memory; channels.redacted redacts, then keeps an excerpt
BODY_CAP = 64 * 1024  # bytes of a reply read at most; the rest is never read


def classify(response: httpx.Response, now: datetime, body: bytes | None = None) -> SendResult:
    """`body` is what was read of the reply (default: the whole of a read response)."""
    detail = f"HTTP {response.status_code}"
    raw = response.content if body is None else body
    text = raw.decode(response.encoding or "utf-8", errors="replace").strip()[:RAW_LIMIT] if raw else ""
    if text:
        detail += f": {text}"
    if 200 <= response.status_code < 300:
        return SendResult(ok=True, detail=detail)
    if response.status_code in RETRYABLE or response.status_code >= 500:
        return SendResult(ok=False, detail=detail,
                          retry_after=parse_retry_after(response.headers.get("retry-after"), now))
    return SendResult(ok=False, detail=detail, permanent=True)


def transport_error(exc: Exception) -> SendResult:
    kind = "timeout" if isinstance(exc, httpx.TimeoutException) else "network error"
    return SendResult(ok=False, detail=f"{kind}: {type(exc).__name__}: {exc}".rstrip(": "))


async def post(client: httpx.AsyncClient, url: str, *, content: bytes,
               headers: dict[str, str], now: datetime) -> SendResult:
    try:
        async with client.stream("POST", url, content=content,
                                 headers={"accept-encoding": "gzip, deflate, br", **headers}) as response:
            body = await read_capped(response, BODY_CAP)
    except httpx.HTTPError as exc:
        return transport_error(exc)
    return classify(response, now, body)


async def read_capped(response: httpx.Response, cap: int) -> bytes:
    """At most `cap` bytes of the body, read raw and decoded here under the same
    cap, whatever its Content-Encoding (gzip, deflate, br: monitor.fetch.body's
    bounded decoders; httpx's own would inflate a 64 KB gzip chunk to 64 MB);
    a body in an encoding not read (zstd, stacked ones) is not kept at all, so
    nothing of it can reach a log or the database.  Leaving the stream closes
    the connection."""
    if response.is_stream_consumed:  # a body read already (a transport that is not a stream)
        return response.content[:cap]
    coding = response.headers.get("content-encoding", "identity").strip().lower()
    try:
        if "," in coding:
            raise BadEncoding(coding)
        decode = decoder(coding)
    except BadEncoding:
        return f"({coding}-encoded body not read)".encode()
    chunks: list[bytes] = []
    size = 0
    try:
        async for raw in response.aiter_raw():
            chunk = decode.decode(raw, cap - size)[: cap - size]
            chunks.append(chunk)
            size += len(chunk)
            if size >= cap:
                break
    except BadEncoding:  # corrupt: what was decoded before is kept
        pass
    return b"".join(chunks)
