"""How an HTTP answer becomes a SendResult (shared by webhook and Slack).

    2xx                      -> ok
    408, 425, 429, 5xx       -> retry (Retry-After honoured)
    other 3xx/4xx            -> permanent (dead at once; fix the receiver, then replay)
    timeout / network error  -> retry
"""

from __future__ import annotations

from datetime import datetime

import httpx

from monitor.alerts.retry import parse_retry_after
from monitor.types import SendResult

RETRYABLE = {408, 425, 429}
RAW_LIMIT = 2000  # of the reply body kept in memory; channels.redacted redacts, then keeps an excerpt


def classify(response: httpx.Response, now: datetime) -> SendResult:
    detail = f"HTTP {response.status_code}"
    text = response.text.strip()[:RAW_LIMIT] if response.content else ""
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
        response = await client.post(url, content=content, headers=headers)
    except httpx.HTTPError as exc:
        return transport_error(exc)
    return classify(response, now)
