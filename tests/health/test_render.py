"""Every channel renders a feed-health delivery (kind "health", no hits)."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import httpx

from monitor.alerts.channels import channel_spec
from tests.runtime_helpers import channels
from monitor.alerts.payload import payload
from monitor.alerts.render import Renderer
from monitor.alerts.channels.slack import blocks_for
from monitor.clock import FrozenClock
from monitor.types import Delivery

NOW = datetime(2026, 11, 28, 10, 15, tzinfo=timezone.utc)
FEED = {"id": 7, "name": "Yonhap", "url": "https://yna.example/rss", "status": "failing", "error_count": 5,
        "last_error": "HTTP 503 <b>", "last_error_kind": "http-503", "last_success_at": None, "next_poll_at": None}
HEALTH = Delivery(id=1, channel="x", key="health-7-failing-1-x", attempts=0, hits=(), kind="health",
                  payload={"event": "failing", "message": "feed Yonhap failed 5 times in a row", "at": "t",
                           "feed": FEED})


def test_webhook_payload_is_type_health_with_feed_and_event() -> None:
    body = payload(HEALTH, NOW)
    assert body["type"] == "health" and body["event"] == "failing" and body["id"] == HEALTH.key
    assert body["feed"]["url"] == FEED["url"] and "hits" not in body


async def test_webhook_channel_posts_it() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    built = channels({"hook": channel_spec("hook", "webhook", {"url": "http://hook.test/h"})}, FrozenClock(NOW),
                     transport=httpx.MockTransport(handler))
    assert (await built["hook"].send(HEALTH)).ok
    assert json.loads(seen[0].content)["feed"]["name"] == "Yonhap"
    await built["hook"].aclose()


async def test_console_prints_a_short_text_and_ignores_hit_templates() -> None:
    out = io.StringIO()
    built = channels({"c": channel_spec("c", "console", {"template": "{{ hit.title }}"})}, FrozenClock(NOW),
                     stream=out)
    assert (await built["c"].send(HEALTH)).ok
    text = out.getvalue()
    for part in ("Yonhap", FEED["url"], "failed 5 times", "consecutive errors: 5", "last error [http-503]: HTTP 503"):
        assert part in text, text


def test_slack_blocks() -> None:
    message = blocks_for(HEALTH, Renderer())
    assert message["blocks"][0]["text"]["text"] == "Feed failing: Yonhap"
    section = message["blocks"][1]["text"]["text"]
    assert "HTTP 503 &lt;b&gt;" in section and FEED["url"] in section


def test_email_subject_text_and_escaped_html() -> None:
    built = channels({"m": channel_spec("m", "email", {"host": "127.0.0.1", "from": "a@b.c", "to": ["d@e.f"]})},
                     FrozenClock(NOW))
    msg = built["m"].inner.message(HEALTH)  # type: ignore[attr-defined]
    assert msg["Subject"] == "[news-monitor] feed failing: Yonhap"
    plain, html = (part.get_content() for part in msg.iter_parts())
    assert "failed 5 times" in plain and "HTTP 503 &lt;b&gt;" in html
