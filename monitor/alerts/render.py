"""Messages from Jinja2 templates: good defaults per channel, overridable.

Every template sees the same context:

    kind      "alert" | "digest" | "summary" | "follow-up" | "health" | "spike"
    key       the delivery's stable id
    rule      {"id", "name"} of the (first) hit's rule
    hits      the HitViews (one for an alert, several for a digest or summary)
    hit       hits[0]
    count     len(hits)
    channel   the channel id
    health    kind "health" only: {"event", "message", "at", "feed": {"name", "url",
              "status", "error_count", "last_error", "last_error_kind", ...}}
              kind "spike": {"event": "spike", "message", "rule", "hits", "average", ...}

and these filters: `plain` (drop the **marks**), `html_marks` (escape, then
**x** -> <mark>x</mark>), `mrkdwn` (Slack: escape &<>, **x** -> *x*), `when`
(datetime -> "2026-01-01 08:00 UTC").

Overrides: a channel's `template` option or a rule's `template` replaces the
default body (a rule's wins).  The value is Jinja2 source, or a path to a file
when it ends in ".j2".  HTML email has its own `html_template` option and is
always autoescaped.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from monitor.types import Delivery

TEMPLATES = Path(__file__).parent / "templates"
_MARK = re.compile(r"\*\*(.+?)\*\*", re.S)


def plain(text: str) -> str:
    return _MARK.sub(r"\1", text or "")


def html_marks(text: str) -> Markup:
    return Markup(_MARK.sub(r"<mark>\1</mark>", str(escape(text or ""))))


def mrkdwn(text: str) -> str:
    escaped = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARK.sub(r"*\1*", escaped)


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "unknown time"


def context(delivery: Delivery) -> dict[str, Any]:
    hits = list(delivery.hits)
    first = hits[0] if hits else None
    return {
        "kind": delivery.kind,
        "key": delivery.key,
        "rule": {"id": first.rule if first else "", "name": first.rule_name if first else ""}
        if delivery.kind != "spike" else dict((delivery.payload or {}).get("rule") or {}),
        "hits": hits,
        "hit": first,
        "count": len(hits),
        "channel": delivery.channel,
        "health": delivery.payload or {},
    }


def override_for(delivery: Delivery, template: str | None) -> str | None:
    """Custom templates are written for hits; a health or spike alert uses the default."""
    return None if delivery.kind in ("health", "spike") else template


class Renderer:
    """Holds the two Jinja2 environments (text, and autoescaped HTML)."""

    def __init__(self) -> None:
        self.text_env = self._env(autoescape=False)
        self.html_env = self._env(autoescape=True)

    @staticmethod
    def _env(*, autoescape: bool) -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                                 autoescape=autoescape, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        env.filters.update(plain=plain, html_marks=html_marks, mrkdwn=mrkdwn, when=when)
        return env

    def template(self, default: str, override: str | None = None, *,
                 html: bool = False) -> jinja2.Template:
        """Compile `override` (source or *.j2 path) or load the default; raises
        jinja2.TemplateError / OSError for a broken override."""
        env = self.html_env if html else self.text_env
        if not override:
            return env.get_template(default)
        if override.endswith(".j2"):
            return env.from_string(Path(override).read_text(encoding="utf-8"))
        return env.from_string(override)

    def render(self, delivery: Delivery, default: str, override: str | None = None, *,
               html: bool = False, **extra: Any) -> str:
        ctx = context(delivery)
        ctx.update(extra)
        return self.template(default, override, html=html).render(ctx)
