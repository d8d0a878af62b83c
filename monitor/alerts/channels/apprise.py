"""Apprise channel (optional extra: pip install 'news-monitor[apprise]'): any
Apprise URL (Teams, Discord, Telegram, ntfy, ...) without code of ours.

Options: urls (list of Apprise URLs); template (common: the body, Markdown).
Apprise reports only success or failure, so every failure is retried.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from monitor.alerts.channels.base import Deps
from monitor.alerts.render import Renderer, override_for
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult

BODY, TITLE = "apprise.md.j2", "apprise_title.txt.j2"


@dataclass(frozen=True)
class Options:
    urls: tuple[str, ...]

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Options:
        urls = values.get("urls", ())
        return cls(urls=(urls,) if isinstance(urls, str) else tuple(urls))


def check_template(template: str) -> None:
    try:
        Renderer().template(BODY, template)
    except (jinja2.TemplateError, OSError) as exc:
        raise ChannelError(f"template does not compile: {exc}") from exc


def build(spec: ChannelSpec, deps: Deps) -> AppriseChannel:
    options: Options = spec.options
    if not options.urls:
        raise ChannelError("apprise channel needs 'urls:' with a list of Apprise URLs")
    if spec.template:
        check_template(spec.template)
    return AppriseChannel(list(options.urls), spec.template)


def load_apprise() -> Any:
    try:
        return importlib.import_module("apprise")
    except ImportError as exc:
        raise ChannelError("apprise channels need the optional extra: "
                           "pip install 'news-monitor[apprise]'") from exc


class AppriseChannel:
    def __init__(self, urls: list[str], template: str | None = None) -> None:
        self.module = load_apprise()
        self.urls = urls
        self.template = template
        self.renderer = Renderer()
        self.client = self.module.Apprise()
        for url in urls:
            if not self.client.add(url):
                scheme = url.split("://", 1)[0]
                raise ChannelError(f"apprise does not understand the URL scheme {scheme!r}://; "
                                   "see https://github.com/caronc/apprise/wiki for the formats")

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        try:
            body = self.renderer.render(delivery, BODY, override_for(delivery, template or self.template))
            title = " ".join(self.renderer.render(delivery, TITLE).split())
        except (jinja2.TemplateError, OSError) as exc:
            return SendResult(ok=False, permanent=True, detail=f"template error: {exc}")
        result = await self.client.async_notify(
            body=body, title=title, body_format=self.module.NotifyFormat.MARKDOWN)
        if result:
            return SendResult(ok=True, detail=f"apprise: notified {len(self.urls)} URL(s)")
        return SendResult(ok=False, detail="apprise: at least one service refused or was "
                                           "unreachable (see apprise's log)")

    async def aclose(self) -> None:
        return None
