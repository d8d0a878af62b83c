"""Slack: a Block Kit message that passes Slack's structural limits."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from monitor.alerts.channels import channel_spec
from tests.runtime_helpers import channels
from monitor.clock import FrozenClock
from tests.alerts.blockkit import problems
from tests.alerts.conftest import make_delivery, make_hit


def slack(clock: FrozenClock, handler, **options):  # type: ignore[no-untyped-def]
    spec = channel_spec("desk", "slack", {"webhook_url": "https://hooks.slack.test/T/B/x", **options},
                       timeout=timedelta(seconds=5))
    return channels({"desk": spec}, clock, transport=httpx.MockTransport(handler))["desk"]


def capture(status: int = 200, text: str = "ok", headers: dict | None = None):  # type: ignore[no-untyped-def]
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(status, text=text, headers=headers or {})
    return seen, handler


async def test_alert_is_valid_block_kit_with_linked_headline_snippet_and_terms(clock: FrozenClock) -> None:
    seen, handler = capture()
    channel = slack(clock, handler)
    result = await channel.send(make_delivery(1, "desk", hits=(make_hit(1, title="A <b> & c"),)))
    assert result.ok and result.detail == "HTTP 200: ok"
    msg = seen[0]
    assert problems(msg) == []
    assert msg["blocks"][0] == {"type": "header", "text": {
        "type": "plain_text", "emoji": True, "text": "Chinese envoy to North Korea"}}
    section = msg["blocks"][1]["text"]
    assert section["type"] == "mrkdwn"
    assert section["text"].startswith("*<https://news.example/1|A &lt;b&gt; &amp; c>*")
    assert "Example Wire · 2026-03-02 06:25 UTC" in section["text"]
    assert "*diplomat* to *North Korea* as a special *envoy*" in section["text"]
    assert "_Matched:_ diplomat, North Korea, envoy" in section["text"]
    assert "alert-1" in msg["blocks"][-1]["elements"][0]["text"]
    await channel.aclose()


async def test_digest_is_one_message_with_a_section_per_article_within_limits(clock: FrozenClock) -> None:
    seen, handler = capture()
    channel = slack(clock, handler)
    long = make_hit(0, snippet="**envoy** " * 500, title="x" * 400)
    hits = (long,) + tuple(make_hit(i) for i in range(1, 60))
    await channel.send(make_delivery(9, "desk", kind="digest", hits=hits))
    msg = seen[0]
    assert problems(msg) == []
    assert len(msg["blocks"]) == 50
    assert msg["blocks"][0]["text"]["text"] == "Chinese envoy to North Korea: 60 new hits"
    assert len(msg["blocks"][1]["text"]["text"]) == 3000
    assert msg["blocks"][-2]["text"]["text"] == "…and 13 more"
    await channel.aclose()


async def test_rate_limited_and_rejected_answers(clock: FrozenClock) -> None:
    _, handler = capture(429, "rate_limited", {"Retry-After": "30"})
    result = await slack(clock, handler).send(make_delivery(1, "desk"))
    assert not result.ok and not result.permanent and result.retry_after == timedelta(seconds=30)
    _, handler = capture(404, "no_service")
    result = await slack(clock, handler).send(make_delivery(1, "desk"))
    assert result.permanent and result.detail == "HTTP 404: no_service"


async def test_template_override_replaces_the_article_section(clock: FrozenClock) -> None:
    seen, handler = capture()
    channel = slack(clock, handler, template="NEW: {{ hit.title }} ({{ rule.id }})")
    await channel.send(make_delivery(1, "desk"))
    assert seen[0]["blocks"][1]["text"]["text"] == "NEW: China sends special envoy to Pyongyang #1 (china-envoy-nk)"
    await channel.send(make_delivery(2, "desk"), template="rule wins: {{ hit.id }}")
    assert seen[1]["blocks"][1]["text"]["text"] == "rule wins: 2"
    assert problems(seen[1]) == []
