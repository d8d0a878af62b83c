"""Slack channel: an incoming-webhook POST with a Block Kit message.

    header   (plain_text, <= 150 chars)   the rule name / "N new hits"
    section  (mrkdwn, <= 3000 chars)      per article: linked headline, source and
                                          time, the snippet with *marks*, terms
    context  (mrkdwn)                     rule id and delivery id

At most 50 blocks: a digest longer than that ends with "...and N more".
Options: webhook_url (required); template (common: overrides the per-article section).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import jinja2

from monitor.alerts.channels import http
from monitor.alerts.channels.base import Deps
from monitor.alerts.render import Renderer, context, mrkdwn
from monitor.clock import Clock
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult

@dataclass(frozen=True)
class Options:
    webhook_url: str

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Options:
        return cls(**values)


def build(spec: ChannelSpec, deps: Deps) -> SlackChannel:
    options: Options = spec.options
    if not options.webhook_url.startswith(("http://", "https://")):
        raise ChannelError("slack webhook_url must start with https://")
    if spec.template:
        check_template(spec.template)
    return SlackChannel(options.webhook_url, client=deps.http_client(spec), clock=deps.clock,
                        template=spec.template)


MAX_BLOCKS = 50
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
SECTION_TEMPLATE = "slack_hit.md.j2"
HEALTH_TEMPLATE = "slack_health.md.j2"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def blocks_for(delivery: Delivery, renderer: Renderer,
               template: str | None = None) -> dict[str, Any]:
    """The Slack message (pure)."""
    if delivery.kind == "health":
        return health_blocks(delivery, renderer)
    if delivery.kind == "spike":
        return spike_blocks(delivery)
    ctx = context(delivery)
    rule = ctx["rule"]
    single = delivery.kind in ("alert", "follow-up") and len(delivery.hits) == 1
    if single:
        title = rule["name"]
        fallback = f"{rule['name']}: {delivery.hits[0].title}"
    else:
        extra = " (past the hourly limit)" if delivery.kind == "summary" else ""
        title = f"{rule['name']}: {len(delivery.hits)} new hits{extra}"
        fallback = title
    tmpl = renderer.template(SECTION_TEMPLATE, template)
    sections: list[dict[str, Any]] = []
    room = MAX_BLOCKS - 2  # header + context
    hits = list(delivery.hits)
    shown = hits if len(hits) <= room else hits[: room - 1]
    for hit in shown:
        text = tmpl.render({**ctx, "hit": hit}).strip()
        sections.append({"type": "section", "text": {"type": "mrkdwn",
                                                      "text": clip(text, SECTION_LIMIT)}})
    if len(shown) < len(hits):
        sections.append({"type": "section", "text": {
            "type": "mrkdwn", "text": f"…and {len(hits) - len(shown)} more"}})
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "emoji": True,
                                          "text": clip(title or "news-monitor", HEADER_LIMIT)}}]
    blocks += sections
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(
        f"news-monitor · rule {rule['id']} · {delivery.kind} {delivery.key}")}]})
    return {"text": clip(fallback, SECTION_LIMIT), "blocks": blocks}


def spike_blocks(delivery: Delivery) -> dict[str, Any]:
    """A spike alert: a header and the message."""
    ctx = context(delivery)
    message = str(ctx["health"].get("message") or "")
    return {"text": clip(message, SECTION_LIMIT), "blocks": [
        {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                    "text": clip(f"Spike: {ctx['rule'].get('name', '')}", HEADER_LIMIT)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(mrkdwn(message), SECTION_LIMIT)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(
            f"news-monitor · spike · {delivery.key}")}]}]}


def health_blocks(delivery: Delivery, renderer: Renderer) -> dict[str, Any]:
    """A feed-health alert: a header and one section (slack_health.md.j2)."""
    ctx = context(delivery)
    health = ctx["health"]
    feed = health.get("feed") or {}
    title = f"Feed {health.get('event', 'health')}: {feed.get('name', '')}"
    text = renderer.template(HEALTH_TEMPLATE).render(ctx).strip()
    return {"text": clip(health.get("message") or title, SECTION_LIMIT), "blocks": [
        {"type": "header", "text": {"type": "plain_text", "emoji": True, "text": clip(title, HEADER_LIMIT)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(
            f"news-monitor · feed health · {delivery.key}")}]},
    ]}


class SlackChannel:
    def __init__(self, webhook_url: str, *, client: httpx.AsyncClient, clock: Clock,
                 template: str | None = None) -> None:
        self.webhook_url = webhook_url
        self.client = client
        self.clock = clock
        self.template = template
        self.renderer = Renderer()

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        try:
            message = blocks_for(delivery, self.renderer, template or self.template)
        except (jinja2.TemplateError, OSError) as exc:
            return SendResult(ok=False, permanent=True, detail=f"template error: {exc}")
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        return await http.post(self.client, self.webhook_url, content=body,
                               headers={"content-type": "application/json"}, now=self.clock.now())

    async def aclose(self) -> None:
        await self.client.aclose()


def check_template(template: str) -> None:
    """ChannelError when the template does not compile (the config loader calls it)."""
    try:
        Renderer().template(SECTION_TEMPLATE, template)
    except (jinja2.TemplateError, OSError) as exc:
        raise ChannelError(f"template does not compile: {exc}") from exc
