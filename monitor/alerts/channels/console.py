"""Console channel: one readable block per alert on stdout (or stderr).

Options: stream (stdout|stderr); template (common).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

import jinja2

from monitor.alerts.channels.base import Deps, default_stream
from monitor.alerts.render import Renderer, override_for
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult

TEMPLATE = "console.txt.j2"


@dataclass(frozen=True)
class Options:
    stream: str = "stdout"  # stdout | stderr

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Options:
        return cls(**values)


def check_template(template: str) -> None:
    """ChannelError when the template does not compile (the config loader calls it)."""
    try:
        Renderer().template(TEMPLATE, template)
    except (jinja2.TemplateError, OSError) as exc:
        raise ChannelError(f"template does not compile: {exc}") from exc


def build(spec: ChannelSpec, deps: Deps) -> ConsoleChannel:
    options: Options = spec.options
    if spec.template:
        check_template(spec.template)
    return ConsoleChannel(deps.stream or default_stream(options.stream), spec.template)


class ConsoleChannel:
    def __init__(self, stream: IO[str], template: str | None = None) -> None:
        self.stream = stream
        self.template = template
        self.renderer = Renderer()

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
