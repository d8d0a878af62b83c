"""An independent check of Slack Block Kit structure (the subset we send):
https://api.slack.com/reference/block-kit/blocks"""

from __future__ import annotations

from typing import Any

TEXT_TYPES = {"plain_text", "mrkdwn"}


def problems(message: dict[str, Any]) -> list[str]:
    out: list[str] = []
    blocks = message.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        return ["blocks must be a non-empty list"]
    if len(blocks) > 50:
        out.append(f"{len(blocks)} blocks: at most 50")
    if not isinstance(message.get("text"), str) or not message["text"]:
        out.append("top-level text (the notification fallback) is missing")
    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header":
            t = block.get("text", {})
            if t.get("type") != "plain_text":
                out.append(f"block {i}: header text must be plain_text")
            if not 0 < len(t.get("text", "")) <= 150:
                out.append(f"block {i}: header text must be 1-150 chars")
        elif kind == "section":
            t = block.get("text")
            if t is None and not block.get("fields"):
                out.append(f"block {i}: section needs text or fields")
            if t is not None:
                if t.get("type") not in TEXT_TYPES:
                    out.append(f"block {i}: bad text type {t.get('type')}")
                if not 0 < len(t.get("text", "")) <= 3000:
                    out.append(f"block {i}: section text must be 1-3000 chars")
        elif kind == "context":
            els = block.get("elements", [])
            if not 0 < len(els) <= 10:
                out.append(f"block {i}: context needs 1-10 elements")
            for e in els:
                if e.get("type") not in TEXT_TYPES | {"image"}:
                    out.append(f"block {i}: bad context element {e.get('type')}")
        elif kind == "divider":
            pass
        else:
            out.append(f"block {i}: unexpected type {kind!r}")
        extra = set(block) - {"type", "text", "fields", "elements", "block_id", "accessory"}
        if extra:
            out.append(f"block {i}: unknown keys {sorted(extra)}")
    return out
