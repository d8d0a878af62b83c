"""Slack channel: an incoming-webhook POST with a Block Kit message.

    header   (plain_text, <= 150 chars)   the rule name / "N new hits"
    section  (mrkdwn, <= 3000 chars)      per article: linked headline, source and
                                          time, the snippet with *marks*, terms
    context  (mrkdwn)                     rule id and delivery id

At most 50 blocks: a digest longer than that ends with "...and N more".
Options: webhook_url (required), template (overrides the per-article section).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from monitor.alerts import http
from monitor.alerts.channel import Deps, require
from monitor.alerts.render import Renderer, context, mrkdwn
from monitor.clock import Clock
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult

import jinja2

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
    blocks = [{"type": "header", "text": {"type": "plain_text", "emoji": True,
                                          "text": clip(title or "news-monitor", HEADER_LIMIT)}}]
    blocks += sections
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(
        f"news-monitor · rule {rule['id']} · {delivery.kind} {delivery.key}")}]})
    return {"text": clip(fallback, SECTION_LIMIT), "blocks": blocks}


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

    @classmethod
    def build(cls, spec: ChannelSpec, deps: Deps) -> SlackChannel:
        url = str(require(spec, "webhook_url"))
        if not url.startswith(("http://", "https://")):
            raise ChannelError("slack webhook_url must start with https://")
        template = spec.options.get("template") or None
        if template:
            _check(Renderer(), template)
        return cls(url, client=deps.http_client(spec), clock=deps.clock, template=template)

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


def _check(renderer: Renderer, template: str) -> None:
    try:
        renderer.template(SECTION_TEMPLATE, template)
    except (jinja2.TemplateError, OSError) as exc:
        raise ChannelError(f"template does not compile: {exc}") from exc
