"""Console channel: one readable block per alert on stdout (or stderr).

Options: stream (stdout|stderr), template.
"""

from __future__ import annotations

from typing import IO

import jinja2

from monitor.alerts.channel import Deps, default_stream
from monitor.alerts.render import Renderer, override_for
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult

TEMPLATE = "console.txt.j2"


class ConsoleChannel:
    def __init__(self, stream: IO[str], template: str | None = None) -> None:
        self.stream = stream
        self.template = template
        self.renderer = Renderer()

    @classmethod
    def build(cls, spec: ChannelSpec, deps: Deps) -> ConsoleChannel:
        name = spec.options.get("stream")
        if name not in (None, "stdout", "stderr"):
            raise ChannelError(f"console stream {name!r}: use stdout or stderr")
        template = spec.options.get("template") or None
        if template:
            try:
                Renderer().template(TEMPLATE, template)
            except (jinja2.TemplateError, OSError) as exc:
                raise ChannelError(f"template does not compile: {exc}") from exc
        return cls(deps.stream or default_stream(name), template)

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        try:
            text = self.renderer.render(delivery, TEMPLATE, override_for(delivery, template or self.template))
        except (jinja2.TemplateError, OSError) as exc:
            return SendResult(ok=False, permanent=True, detail=f"template error: {exc}")
        try:
            self.stream.write(text.rstrip("\n") + "\n\n")
            self.stream.flush()
        except (OSError, ValueError) as exc:
            return SendResult(ok=False, detail=f"console write failed: {exc}")
        return SendResult(ok=True, detail="printed")

    async def aclose(self) -> None:
        return None
